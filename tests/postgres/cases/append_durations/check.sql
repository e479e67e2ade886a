select column_name, data_type from information_schema.columns where table_name = 'laps' order by ordinal_position;
select name, fixed, extract(epoch from fixed), speed, ratio, ratio = 'NaN'::float8 from laps order by name;
