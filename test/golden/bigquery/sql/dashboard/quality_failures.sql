-- Builds:   nothing (read only): recent executions that warned or failed, with their failing-row samples.
-- Params:   limit (int); dag_id when by_dag; check_name when by_check. Vars: by_dag, by_check (bool).
-- Strategy: read only, newest first, paged by LIMIT.
-- golden vars: {"by_dag": true, "by_check": true}
SELECT dag_id, check_name, target_table, run_id, batch_id, interval_start, severity, status, rows_checked,
       rows_failed, sample, details, checked_at
FROM `my-project.ecommerce_data.data_quality_checks`
WHERE status <> 'pass'
  AND dag_id = @dag_id
  AND check_name = @check_name
ORDER BY checked_at DESC, check_id DESC
LIMIT @limit
