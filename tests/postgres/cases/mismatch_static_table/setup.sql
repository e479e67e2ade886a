create table ads (ad_id text, budget text); insert into ads values ('a1', 'lots');
