-- Builds:   nothing (read only): the most recent executions of one check of one DAG, newest first (a trend).
-- Params:   dag_id, check_name, limit (int).
-- Strategy: read only, paged by LIMIT.
SELECT run_id, batch_id, interval_start, status, severity, rows_checked, rows_failed, checked_at
FROM "ecommerce_data"."data_quality_checks"
WHERE dag_id = $dag_id
  AND check_name = $check_name
ORDER BY checked_at DESC, check_id DESC
LIMIT $limit
