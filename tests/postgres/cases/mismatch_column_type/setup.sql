create table totals (country text primary key, units text);
