-- Builds:   agg_category_revenue for every UTC order date the batch touched (new and old dates of its orders),
--           recomputed from fact_orders: revenue (sum of line_total), units (sum of quantity) and orders
--           (distinct) of completed orders, per (order_date, category). A date or category left without
--           completed orders loses its row.
-- Params:   batch_id (string).
-- Strategy: script, atomic: DELETE the touched dates, INSERT their recomputation.
DELETE FROM `my-project.ecommerce_data.agg_category_revenue` WHERE order_date IN (SELECT DISTINCT CAST(t.order_timestamp AS DATE) AS order_date FROM (SELECT b.order_timestamp
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

INSERT INTO `my-project.ecommerce_data.agg_category_revenue` (order_date, category, revenue, units, orders, updated_at)
SELECT
  f.order_date, f.category, SUM(f.line_total), SUM(f.quantity), COUNT(DISTINCT f.order_id), CURRENT_TIMESTAMP()
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
  AND f.payment_status = 'completed'
GROUP BY f.order_date, f.category;
