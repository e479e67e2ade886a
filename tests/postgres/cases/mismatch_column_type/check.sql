select count(*) from totals; select count(*) from streamc_commits;
