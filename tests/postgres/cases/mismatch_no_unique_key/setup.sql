create table totals (country text, units bigint);
