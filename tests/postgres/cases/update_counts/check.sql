select * from country_totals order by country;
select table_name, batch_id from streamc_commits;
