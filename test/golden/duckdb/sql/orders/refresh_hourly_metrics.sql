-- Builds:   agg_hourly_metrics for every UTC hour the batch touched (the new hour of its orders and the old
--           hour of every order it replaced), recomputed from fact_orders, never incremented. total_orders:
--           distinct orders, any status; completed_orders, revenue (sum of line_total), items_sold (sum of
--           quantity) and unique_customers count completed orders only; avg_order_value = revenue /
--           completed_orders rounded to 2 places, NULL when there is no completed order. An hour left
--           without orders loses its row.
-- Params:   batch_id (string).
-- Strategy: script, atomic: DELETE the touched hours, INSERT their recomputation.
DELETE FROM "ecommerce_data"."agg_hourly_metrics" WHERE hour_start IN (SELECT DISTINCT date_trunc('hour', t.order_timestamp) AS hour_start FROM (SELECT b.order_timestamp
  FROM "ecommerce_data"."staging_orders" AS b
  WHERE b.batch_id = $batch_id
  UNION ALL
  SELECT v.order_timestamp
  FROM "ecommerce_data"."staging_orders" AS v
  WHERE v.batch_id <> $batch_id
    AND EXISTS (
      SELECT 1 FROM "ecommerce_data"."staging_orders" AS b
      WHERE b.batch_id = $batch_id AND b.order_id = v.order_id
    )) AS t);

INSERT INTO "ecommerce_data"."agg_hourly_metrics"
  (hour_start, total_orders, completed_orders, revenue, items_sold, avg_order_value, unique_customers, updated_at)
WITH touched AS MATERIALIZED (
  SELECT DISTINCT date_trunc('hour', t.order_timestamp) AS hour_start FROM (SELECT b.order_timestamp
  FROM "ecommerce_data"."staging_orders" AS b
  WHERE b.batch_id = $batch_id
  UNION ALL
  SELECT v.order_timestamp
  FROM "ecommerce_data"."staging_orders" AS v
  WHERE v.batch_id <> $batch_id
    AND EXISTS (
      SELECT 1 FROM "ecommerce_data"."staging_orders" AS b
      WHERE b.batch_id = $batch_id AND b.order_id = v.order_id
    )) AS t
),
per_hour AS (
  SELECT
    f.hour_start,
    COUNT(DISTINCT f.order_id) AS total_orders,
    COUNT(DISTINCT CASE WHEN f.payment_status = 'completed' THEN f.order_id END) AS completed_orders,
    COALESCE(SUM(CASE WHEN f.payment_status = 'completed' THEN f.line_total END), 0) AS revenue,
    COALESCE(SUM(CASE WHEN f.payment_status = 'completed' THEN f.quantity END), 0) AS items_sold,
    COUNT(DISTINCT CASE WHEN f.payment_status = 'completed' THEN f.customer_id END) AS unique_customers
  FROM "ecommerce_data"."fact_orders" AS f
  WHERE f.order_date IN (SELECT DISTINCT CAST(t.hour_start AS DATE) FROM touched AS t)
    AND f.hour_start IN (SELECT t.hour_start FROM touched AS t)
  GROUP BY f.hour_start
)
SELECT
  hour_start, total_orders, completed_orders, revenue, items_sold,
  -- Exact: DuckDB divides DECIMALs in DOUBLE, so divide the revenue in units of 1e-9 as integers (truncating
  -- to 9 places), then round half away from zero to cents.
  CASE WHEN completed_orders > 0 THEN
    round(CAST(CAST(revenue * 1000000000 AS HUGEINT) // completed_orders AS DECIMAL(38, 0)) * 0.000000001, 2)
  END,
  unique_customers, CAST(current_timestamp AS TIMESTAMP)
FROM per_hour;
