-- Check:    missing_customer_reference on staging_orders (warn): orders of the batch whose customer_id is not a
--           current dim_customers row. They are published with customer_tier 'unknown'; the daily DAG fills
--           the tier in when the customer arrives.
-- Params:   batch_id (string).
-- Returns:  one row per such order; sample_key = customer_id (order_id).
-- check: {"target_table": "staging_orders", "severity": "warn", "rows_checked": "orders_kept"}
SELECT o.customer_id || ' (' || o.order_id || ')' AS sample_key
FROM `my-project.ecommerce_data.staging_orders` AS o
WHERE o.batch_id = @batch_id
  AND NOT EXISTS (
    SELECT 1 FROM `my-project.ecommerce_data.dim_customers` AS c WHERE c.customer_id = o.customer_id AND c.is_current
  )
