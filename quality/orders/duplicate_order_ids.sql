-- Check:    duplicate_order_ids on staging_orders (warn): valid copies of an order_id that the batch holds more
--           than once; the copy in the latest file (landed_at, then name), latest line, was kept, and each
--           row here is a copy that was dropped (rows_failed = copies dropped).
-- Params:   batch_id (string).
-- Returns:  one row per dropped copy: the lines of the batch that were neither kept nor quarantined;
--           sample_key = order_id (file:line).
-- check: {"target_table": "staging_orders", "severity": "warn", "rows_checked": "lines_valid"}
SELECT
  COALESCE({{ json_value(safe_cast('r.raw_line', 'json'), '$.order_id') }}, '?') || ' (' || r.source_file || ':'
    || CAST(r.line_number AS {{ sql_type('string') }}) || ')' AS sample_key
FROM {{ ref('staging_orders_raw') }} AS r
WHERE r.batch_id = {{ param('batch_id') }}
  AND NOT EXISTS (
    SELECT 1 FROM {{ ref('staging_orders') }} AS s
    WHERE s.batch_id = r.batch_id AND s.source_file = r.source_file AND s.line_number = r.line_number
  )
  AND NOT EXISTS (
    SELECT 1 FROM {{ ref('quarantine_orders') }} AS q
    WHERE q.batch_id = r.batch_id AND q.source_file = r.source_file AND q.line_number = r.line_number
  )
