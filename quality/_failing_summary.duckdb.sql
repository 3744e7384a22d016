{#
  The summary of one check's failing rows that comes back from the warehouse: their count and the first 10
  sample keys, never the rows themselves. `failing` is the rendered check query. Returns up to 10 rows of
  rows_failed, sample_key (none when nothing fails). One parallel aggregate: `min(x, 10)` keeps the 10
  smallest keys; a COUNT(*) OVER () over every failing row would run in one thread (1.5 s instead of 0.9 s
  for batch_reconciliation on 1M lines).
#}
SELECT summary.rows_failed, unnest(summary.sample) AS sample_key
FROM (
  SELECT COUNT(*) AS rows_failed, min(coalesce(failing.sample_key, '(null)'), 10) AS sample
  FROM (
{{ failing }}
  ) AS failing
) AS summary
