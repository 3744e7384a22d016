-- Builds:   nothing; the line accounting of one order batch, per file: lines read (non-blank), kept,
--           quarantined, and dropped as duplicates (read - kept - quarantined; batch_reconciliation proves
--           that each of those is a copy of a kept order). Also the order lines (items) kept.
-- Params:   batch_id (string).
-- Returns:  source_file, lines_read, lines_kept, lines_quarantined, lines_duplicate, order_lines; one row per
--           file that has at least one non-blank line.
WITH read_lines AS (
  SELECT source_file, COUNT(*) AS n
  FROM "ecommerce_data"."staging_orders_raw"
  WHERE batch_id = $batch_id
  GROUP BY source_file
),
kept AS (
  SELECT source_file, COUNT(*) AS n, SUM(item_count) AS order_lines
  FROM "ecommerce_data"."staging_orders"
  WHERE batch_id = $batch_id
  GROUP BY source_file
),
quarantined AS (
  SELECT source_file, COUNT(*) AS n
  FROM "ecommerce_data"."quarantine_orders"
  WHERE batch_id = $batch_id
  GROUP BY source_file
)
SELECT
  r.source_file,
  r.n AS lines_read,
  COALESCE(k.n, 0) AS lines_kept,
  COALESCE(q.n, 0) AS lines_quarantined,
  r.n - COALESCE(k.n, 0) - COALESCE(q.n, 0) AS lines_duplicate,
  COALESCE(k.order_lines, 0) AS order_lines
FROM read_lines AS r
LEFT JOIN kept AS k ON k.source_file = r.source_file
LEFT JOIN quarantined AS q ON q.source_file = r.source_file
ORDER BY r.source_file
