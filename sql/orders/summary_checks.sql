-- Builds:   nothing; the data-quality results of a DAG for a human summary (`sluice demo`): per check, how
--           many executions passed, warned and failed, and the rows they flagged.
-- Params:   dag_id (string).
-- Returns:  one row per check_name: executions, passes, warns, fails, rows_failed.
SELECT
  check_name,
  COUNT(*) AS executions,
  SUM(CASE WHEN status = 'pass' THEN 1 ELSE 0 END) AS passes,
  SUM(CASE WHEN status = 'warn' THEN 1 ELSE 0 END) AS warns,
  SUM(CASE WHEN status = 'fail' THEN 1 ELSE 0 END) AS fails,
  SUM(rows_failed) AS rows_failed
FROM {{ ref('data_quality_checks') }}
WHERE dag_id = {{ param('dag_id') }}
GROUP BY check_name
ORDER BY check_name
