create table totals (country text primary key, n bigint);
