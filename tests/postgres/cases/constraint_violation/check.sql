select * from sales order by 1;
