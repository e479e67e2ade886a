select * from totals order by country;
