-- Check:    duplicate_order_ids on staging_orders (warn): valid copies of an order_id that the batch holds more
--           than once; the copy in the latest file (landed_at, then name), latest line, was kept, and each
--           row here is a copy that was dropped (rows_failed = copies dropped).
-- Params:   batch_id (string).
-- Returns:  one row per dropped copy: the lines of the batch that were neither kept nor quarantined;
--           sample_key = order_id (file:line).
-- check: {"target_table": "staging_orders", "severity": "warn", "rows_checked": "lines_valid"}
SELECT
  COALESCE(JSON_VALUE(SAFE.PARSE_JSON(r.raw_line), '$.order_id'), '?') || ' (' || r.source_file || ':'
    || CAST(r.line_number AS STRING) || ')' AS sample_key
FROM `my-project.ecommerce_data.staging_orders_raw` AS r
WHERE r.batch_id = @batch_id
  AND NOT EXISTS (
    SELECT 1 FROM `my-project.ecommerce_data.staging_orders` AS s
    WHERE s.batch_id = r.batch_id AND s.source_file = r.source_file AND s.line_number = r.line_number
  )
  AND NOT EXISTS (
    SELECT 1 FROM `my-project.ecommerce_data.quarantine_orders` AS q
    WHERE q.batch_id = r.batch_id AND q.source_file = r.source_file AND q.line_number = r.line_number
  )
