-- Check:    batch_reconciliation on staging_orders (error: blocks publication): every line of the batch is
--           accounted for exactly once, so lines read = orders kept + lines quarantined + duplicates dropped.
--           A line read must be kept (staging_orders), or quarantined (quarantine_orders), or be a dropped
--           copy of an order_id that was kept from another line; no line may be both kept and quarantined;
--           every kept or quarantined row must come from a line read.
-- Params:   batch_id (string).
-- Returns:  one row per line that breaks this; sample_key = file:line and the problem.
-- check: {"target_table": "staging_orders", "severity": "error", "rows_checked": "lines_read"}
WITH raw_lines AS (
  SELECT source_file, line_number, raw_line
  FROM {{ ref('staging_orders_raw') }}
  WHERE batch_id = {{ param('batch_id') }}
),
kept AS (
  SELECT order_id, source_file, line_number
  FROM {{ ref('staging_orders') }}
  WHERE batch_id = {{ param('batch_id') }}
),
quarantined AS (
  SELECT source_file, line_number
  FROM {{ ref('quarantine_orders') }}
  WHERE batch_id = {{ param('batch_id') }}
),
unaccounted AS (
  -- Lines neither kept nor quarantined: each must be a copy of a kept order_id.
  SELECT r.source_file, r.line_number, {{ json_value(safe_cast('r.raw_line', 'json'), '$.order_id') }} AS order_id
  FROM raw_lines AS r
  WHERE NOT EXISTS (SELECT 1 FROM kept AS k WHERE k.source_file = r.source_file AND k.line_number = r.line_number)
    AND NOT EXISTS (
      SELECT 1 FROM quarantined AS q WHERE q.source_file = r.source_file AND q.line_number = r.line_number
    )
),
problems AS (
  SELECT u.source_file, u.line_number, 'neither kept, quarantined nor a copy of a kept order' AS problem
  FROM unaccounted AS u
  WHERE u.order_id IS NULL OR NOT EXISTS (SELECT 1 FROM kept AS k WHERE k.order_id = u.order_id)
  UNION ALL
  SELECT k.source_file, k.line_number, 'both kept and quarantined'
  FROM kept AS k
  WHERE EXISTS (SELECT 1 FROM quarantined AS q WHERE q.source_file = k.source_file AND q.line_number = k.line_number)
  UNION ALL
  SELECT k.source_file, k.line_number, 'kept but not a line read'
  FROM kept AS k
  WHERE NOT EXISTS (
    SELECT 1 FROM raw_lines AS r WHERE r.source_file = k.source_file AND r.line_number = k.line_number
  )
  UNION ALL
  SELECT q.source_file, q.line_number, 'quarantined but not a line read'
  FROM quarantined AS q
  WHERE NOT EXISTS (
    SELECT 1 FROM raw_lines AS r WHERE r.source_file = q.source_file AND r.line_number = q.line_number
  )
)
SELECT source_file || ':' || CAST(line_number AS {{ sql_type('string') }}) || ' ' || problem AS sample_key
FROM problems
