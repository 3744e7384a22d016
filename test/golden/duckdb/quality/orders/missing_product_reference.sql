-- Check:    missing_product_reference on staging_orders (warn): order lines of the batch whose product_id is
--           not in dim_products. They are published with product_name NULL and category 'unknown'; the
--           daily DAG fills them in when the product arrives.
-- Params:   batch_id (string).
-- Returns:  one row per such line; sample_key = product_id (order_id).
-- check: {"target_table": "staging_orders", "severity": "warn", "rows_checked": "order_lines"}
WITH lines AS (
  SELECT o.order_id, unnest(json_transform(o.items, '[{"product_id":"VARCHAR"}]')).product_id AS product_id
  FROM "ecommerce_data"."staging_orders" AS o
  WHERE o.batch_id = $batch_id
)
SELECT l.product_id || ' (' || l.order_id || ')' AS sample_key
FROM lines AS l
-- ANTI JOIN, not NOT EXISTS: DuckDB decorrelates NOT EXISTS through a join that first collects every order
-- line; the anti join streams the lines past a hash table of the products (0.46 -> 0.32 s for 3M lines).
ANTI JOIN "ecommerce_data"."dim_products" AS p ON p.product_id = l.product_id
