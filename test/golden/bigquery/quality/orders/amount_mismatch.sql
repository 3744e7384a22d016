-- Check:    amount_mismatch on staging_orders (warn): orders whose total_amount differs from the sum of their
--           lines, abs(round(sum(quantity * unit_price), 2) - total_amount) > 0.01, in NUMERIC. The orders
--           are kept as sent; the check runs once per batch, so a mismatch is reported once.
-- Params:   batch_id (string).
-- Returns:  one row per such order; sample_key = order_id (lines sum vs total).
-- check: {"target_table": "staging_orders", "severity": "warn", "rows_checked": "orders_kept"}
WITH sums AS (
  SELECT
    o.order_id, o.total_amount,
    ROUND((
      SELECT SUM(CAST(CAST(JSON_VALUE(it, '$.quantity') AS FLOAT64) AS INT64) * CAST(JSON_VALUE(it, '$.unit_price') AS NUMERIC))
      FROM UNNEST(JSON_QUERY_ARRAY(o.items, '$')) AS it
    ), 2) AS lines_total
  FROM `my-project.ecommerce_data.staging_orders` AS o
  WHERE o.batch_id = @batch_id
)
SELECT order_id || ' (lines ' || CAST(lines_total AS STRING) || ' vs total ' || CAST(total_amount AS STRING) || ')' AS sample_key
FROM sums
WHERE ABS(lines_total - total_amount) > 0.01
