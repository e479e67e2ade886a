select id, "user", coalesce(country, 'NULL'), qty, price, tags, ok, ts from events order by qty;
