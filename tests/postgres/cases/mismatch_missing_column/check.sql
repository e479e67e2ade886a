select count(*) from totals;
