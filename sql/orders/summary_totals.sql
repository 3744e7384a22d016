-- Builds:   nothing; totals of the published orders for a human summary (`sluice demo`): fact lines,
--           orders, completed revenue, and the hours and dates aggregated.
-- Params:   none.
-- Returns:  one row: fact_lines, orders, revenue (completed only), hourly_revenue, hours, category_rows, and
--           the fact lines still waiting for a customer tier or a product category.
SELECT
  (SELECT COUNT(*) FROM {{ ref('fact_orders') }}) AS fact_lines,
  (SELECT COUNT(DISTINCT order_id) FROM {{ ref('fact_orders') }}) AS orders,
  (SELECT COALESCE(SUM(line_total), 0) FROM {{ ref('fact_orders') }} WHERE payment_status = 'completed') AS revenue,
  (SELECT COALESCE(SUM(revenue), 0) FROM {{ ref('agg_hourly_metrics') }}) AS hourly_revenue,
  (SELECT COUNT(*) FROM {{ ref('agg_hourly_metrics') }}) AS hours,
  (SELECT COUNT(*) FROM {{ ref('agg_category_revenue') }}) AS category_rows,
  (SELECT COUNT(*) FROM {{ ref('fact_orders') }} WHERE customer_tier = 'unknown') AS unknown_tier_lines,
  (SELECT COUNT(*) FROM {{ ref('fact_orders') }} WHERE category = 'unknown') AS unknown_category_lines
