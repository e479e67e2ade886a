create table events (id serial, "user" varchar(40), country character varying, qty bigint, price double precision, tags jsonb, ok boolean, ts timestamp);
