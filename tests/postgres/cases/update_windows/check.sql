select window_start, window_end, word, n from word_windows order by 1, 3;
select string_agg(a.attname, ',' order by a.attnum) from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey) where i.indrelid = 'word_windows'::regclass and i.indisprimary;
