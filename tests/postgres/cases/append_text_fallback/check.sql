select "user", coalesce(country, 'NULL'), qty, price, amount, tags, ok, ts, pause from events order by qty;
