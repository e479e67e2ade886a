create table sales (country text, qty smallint);
