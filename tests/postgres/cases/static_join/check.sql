select "user", campaign, coalesce(budget::text, 'NULL'), since from views_by_campaign order by "user";
