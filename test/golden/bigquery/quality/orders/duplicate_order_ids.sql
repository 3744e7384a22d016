-- Check:    duplicate_order_ids on staging_orders (warn): valid copies of an order_id that the batch holds more
--           than once; the copy in the latest file (landed_at, then name), latest line, was kept, and each
--           row here is a copy that was dropped (rows_failed = copies dropped).
-- Params:   batch_id (string).
-- Returns:  one row per dropped copy: the lines of the batch that were neither kept nor quarantined
--           (batch_reconciliation proves each of them repeats a kept order_id); sample_key = file:line.
-- check: {"target_table": "staging_orders", "severity": "warn", "rows_checked": "lines_valid"}
WITH dropped AS (
  SELECT source_file, line_number FROM `my-project.ecommerce_data.staging_orders_raw` WHERE batch_id = @batch_id
  EXCEPT DISTINCT
  SELECT source_file, line_number FROM (
    SELECT source_file, line_number FROM `my-project.ecommerce_data.staging_orders` WHERE batch_id = @batch_id
    UNION ALL
    SELECT source_file, line_number FROM `my-project.ecommerce_data.quarantine_orders` WHERE batch_id = @batch_id
  ) AS accounted
)
SELECT source_file || ':' || CAST(line_number AS STRING) AS sample_key
FROM dropped
