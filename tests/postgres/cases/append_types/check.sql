select column_name, data_type, is_nullable from information_schema.columns where table_name = 'events' order by ordinal_position;
select "user", coalesce(country, 'NULL'), qty, price, tags, ok, ts, ts_before, big from events order by qty;
select count(*) from streamc_commits;
