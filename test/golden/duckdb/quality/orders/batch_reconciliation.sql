-- Check:    batch_reconciliation on staging_orders (error: blocks publication): every line of the batch is
--           accounted for exactly once, so lines read = orders kept + lines quarantined + duplicates dropped.
--           A line read must be kept (staging_orders), or quarantined (quarantine_orders), or be a dropped
--           copy of an order_id that was kept from another line; no line may be both kept and quarantined;
--           every kept or quarantined row must come from a line read.
-- Params:   batch_id (string).
-- Returns:  one row per line that breaks this; sample_key = file:line and the problem.
-- check: {"target_table": "staging_orders", "severity": "error", "rows_checked": "lines_read"}
WITH outcomes AS (
  SELECT source_file, line_number, 1 AS was_read, 0 AS kept, 0 AS quarantined
  FROM "ecommerce_data"."staging_orders_raw" WHERE batch_id = $batch_id
  UNION ALL
  SELECT source_file, line_number, 0, 1, 0
  FROM "ecommerce_data"."staging_orders" WHERE batch_id = $batch_id
  UNION ALL
  SELECT source_file, line_number, 0, 0, 1
  FROM "ecommerce_data"."quarantine_orders" WHERE batch_id = $batch_id
),
per_line AS (
  -- One pass over the keys of the three tables: what happened to each line.
  SELECT source_file, line_number, SUM(was_read) AS reads, SUM(kept) AS kept, SUM(quarantined) AS quarantined
  FROM outcomes
  GROUP BY source_file, line_number
),
flagged AS (
  -- The lines that are not simply read once and kept or quarantined once: few. Both uses below read this,
  -- not per_line, so the million-row per_line is streamed once instead of being materialized for two readers.
  SELECT * FROM per_line WHERE reads <> 1 OR kept + quarantined <> 1
),
unaccounted AS (
  -- Read, neither kept nor quarantined: the raw line is only looked at for these (the dropped copies).
  SELECT p.source_file, p.line_number, (CASE WHEN json_type(TRY_CAST(r.raw_line AS JSON), '$.order_id') IN ('OBJECT', 'ARRAY') THEN NULL ELSE json_extract_string(TRY_CAST(r.raw_line AS JSON), '$.order_id') END) AS order_id
  FROM flagged AS p
  JOIN "ecommerce_data"."staging_orders_raw" AS r
    ON r.batch_id = $batch_id AND r.source_file = p.source_file AND r.line_number = p.line_number
  WHERE p.reads = 1 AND p.kept + p.quarantined = 0
),
problems AS (
  SELECT source_file, line_number,
    CASE
      WHEN reads = 0 THEN 'kept or quarantined but not a line read'
      WHEN reads > 1 THEN 'read more than once'
      ELSE 'kept or quarantined more than once'
    END AS problem
  FROM flagged
  WHERE reads <> 1 OR kept + quarantined > 1
  UNION ALL
  SELECT u.source_file, u.line_number, 'neither kept, quarantined nor a copy of a kept order'
  FROM unaccounted AS u
  WHERE u.order_id IS NULL OR u.order_id NOT IN (
    SELECT k.order_id FROM "ecommerce_data"."staging_orders" AS k WHERE k.batch_id = $batch_id
  )
)
SELECT source_file || ':' || CAST(line_number AS VARCHAR) || ' ' || problem AS sample_key
FROM problems
