-- Builds:   nothing (read only): the latest execution of every data-quality check, per DAG and check name.
-- Params:   dag_id (only when the var by_dag is true). Vars: by_dag (bool).
-- Strategy: read only; one row per (dag_id, check_name), newest checked_at wins (check_id breaks ties).
-- golden vars: {"by_dag": true}
SELECT dag_id, check_name, target_table, severity, status, rows_checked, rows_failed, sample, details,
       run_id, batch_id, interval_start, interval_end, checked_at
FROM (
  SELECT q.*,
         ROW_NUMBER() OVER (PARTITION BY q.dag_id, q.check_name ORDER BY q.checked_at DESC, q.check_id DESC) AS rn
  FROM "ecommerce_data"."data_quality_checks" AS q
  WHERE q.dag_id = $dag_id
) AS latest
WHERE rn = 1
ORDER BY dag_id, check_name
