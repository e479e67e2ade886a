create table events ("user" varchar(40), country text, qty integer, price double precision, amount numeric, tags json, ok boolean, ts timestamp, pause interval);
