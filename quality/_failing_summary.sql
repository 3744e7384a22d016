{#
  The summary of one check's failing rows that comes back from the warehouse: their count and the first 10
  sample keys (a top-N, not a sort), never the rows themselves. `failing` is the rendered check query.
  Returns up to 10 rows of rows_failed, sample_key (none when nothing fails).
#}
SELECT COUNT(*) OVER () AS rows_failed, failing.sample_key
FROM (
{{ failing }}
) AS failing
ORDER BY failing.sample_key
LIMIT 10
