create table sales (country text primary key, qty bigint); insert into sales values ('de', 1);
