-- Check:    missing_product_reference on staging_orders (warn): order lines of the batch whose product_id is
--           not in dim_products. They are published with product_name NULL and category 'unknown'; the
--           daily DAG fills them in when the product arrives.
-- Params:   batch_id (string).
-- Returns:  one row per such line; sample_key = product_id (order_id).
-- check: {"target_table": "staging_orders", "severity": "warn", "rows_checked": "order_lines"}
WITH lines AS (
  SELECT o.order_id, JSON_VALUE(it, '$.product_id') AS product_id
  FROM `my-project.ecommerce_data.staging_orders` AS o, UNNEST(JSON_QUERY_ARRAY(o.items, '$')) AS it
  WHERE o.batch_id = @batch_id
)
SELECT l.product_id || ' (' || l.order_id || ')' AS sample_key
FROM lines AS l
WHERE NOT EXISTS (SELECT 1 FROM `my-project.ecommerce_data.dim_products` AS p WHERE p.product_id = l.product_id)
