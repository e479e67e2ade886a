select count(*) from sales; select count(*) from streamc_commits;
