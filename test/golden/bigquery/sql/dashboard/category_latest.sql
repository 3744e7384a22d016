-- Builds:   nothing (read only): the newest order date in agg_category_revenue (the default end of the range).
-- Params:   none.
-- Strategy: read only, one row.
SELECT MAX(order_date) AS latest_date FROM `my-project.ecommerce_data.agg_category_revenue`
