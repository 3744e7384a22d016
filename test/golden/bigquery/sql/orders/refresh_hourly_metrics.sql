-- Builds:   agg_hourly_metrics for every UTC hour the batch touched (the new hour of its orders and the old
--           hour of every order it replaced), recomputed from fact_orders, never incremented. total_orders:
--           distinct orders, any status; completed_orders, revenue (sum of line_total), items_sold (sum of
--           quantity) and unique_customers count completed orders only; avg_order_value = revenue /
--           completed_orders rounded to 2 places (NUMERIC division, ROUND half away from zero), NULL when
--           there is no completed order. An hour left without orders loses its row.
-- Params:   batch_id (string).
-- Strategy: script, in one transaction: DELETE the touched hours, INSERT their recomputation.
DELETE FROM `my-project.ecommerce_data.agg_hourly_metrics` WHERE hour_start IN (SELECT DISTINCT TIMESTAMP_TRUNC(t.order_timestamp, HOUR) AS hour_start FROM (SELECT b.order_timestamp
  FROM `my-project.ecommerce_data.staging_orders` AS b
  WHERE b.batch_id = @batch_id
  UNION ALL
  SELECT v.order_timestamp
  FROM `my-project.ecommerce_data.staging_orders` AS v
  WHERE v.batch_id <> @batch_id
    AND EXISTS (
      SELECT 1 FROM `my-project.ecommerce_data.staging_orders` AS b
      WHERE b.batch_id = @batch_id AND b.order_id = v.order_id
    )) AS t);

INSERT INTO `my-project.ecommerce_data.agg_hourly_metrics`
  (hour_start, total_orders, completed_orders, revenue, items_sold, avg_order_value, unique_customers, updated_at)
WITH per_hour AS (
  SELECT
    f.hour_start,
    COUNT(DISTINCT f.order_id) AS total_orders,
    COUNT(DISTINCT IF(f.payment_status = 'completed', f.order_id, NULL)) AS completed_orders,
    COALESCE(SUM(IF(f.payment_status = 'completed', f.line_total, NULL)), 0) AS revenue,
    COALESCE(SUM(IF(f.payment_status = 'completed', f.quantity, NULL)), 0) AS items_sold,
    COUNT(DISTINCT IF(f.payment_status = 'completed', f.customer_id, NULL)) AS unique_customers
  FROM `my-project.ecommerce_data.fact_orders` AS f
  WHERE f.order_date IN (SELECT DISTINCT CAST(t.order_timestamp AS DATE) AS order_date FROM (SELECT b.order_timestamp
  FROM `my-project.ecommerce_data.staging_orders` AS b
  WHERE b.batch_id = @batch_id
  UNION ALL
  SELECT v.order_timestamp
  FROM `my-project.ecommerce_data.staging_orders` AS v
  WHERE v.batch_id <> @batch_id
    AND EXISTS (
      SELECT 1 FROM `my-project.ecommerce_data.staging_orders` AS b
      WHERE b.batch_id = @batch_id AND b.order_id = v.order_id
    )) AS t)
    AND f.hour_start IN (SELECT DISTINCT TIMESTAMP_TRUNC(t.order_timestamp, HOUR) AS hour_start FROM (SELECT b.order_timestamp
  FROM `my-project.ecommerce_data.staging_orders` AS b
  WHERE b.batch_id = @batch_id
  UNION ALL
  SELECT v.order_timestamp
  FROM `my-project.ecommerce_data.staging_orders` AS v
  WHERE v.batch_id <> @batch_id
    AND EXISTS (
      SELECT 1 FROM `my-project.ecommerce_data.staging_orders` AS b
      WHERE b.batch_id = @batch_id AND b.order_id = v.order_id
    )) AS t)
  GROUP BY f.hour_start
)
SELECT
  hour_start, total_orders, completed_orders, revenue, items_sold,
  IF(completed_orders > 0, ROUND(revenue / completed_orders, 2), NULL),
  unique_customers, CURRENT_TIMESTAMP()
FROM per_hour;
