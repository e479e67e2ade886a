create table totals (country text primary key, units bigint not null, note text default 'kept');
insert into totals values ('zz', 99, 'stale');
