-- Check:    schema_validation on staging_orders: the lines of the batch that break a rule of the order
--           contract (quarantine_orders). A warning; an error, which blocks publication, when more than 5% of
--           the batch's lines are quarantined.
-- Params:   batch_id (string).
-- Returns:  one row per quarantined line; sample_key = file:line reason_code detail.
-- check: {"target_table": "staging_orders", "severity": "warn", "error_above_pct": 5, "rows_checked": "lines_read"}
SELECT
  source_file || ':' || CAST(line_number AS VARCHAR) || ' ' || reason_code
    || COALESCE(' ' || reason_detail, '') AS sample_key
FROM "ecommerce_data"."quarantine_orders"
WHERE batch_id = $batch_id
