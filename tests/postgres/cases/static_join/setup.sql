create table ads (ad_id varchar(8), campaign text, budget numeric(10,2), since timestamptz, active boolean);
insert into ads values ('a1', 'winter', 100.50, '2026-01-01 10:00:00+00', true),
                       ('a2', 'summer', null, '2026-06-01 00:00:00.25+00', true),
                       ('a3', 'gone', 1, '2020-01-01 00:00:00+00', false);
