-- Builds:   report_dq_daily_summary for report_date = D: per check_name, over the data_quality_checks rows of
--           runs whose data interval starts on D (any DAG): executions, passes, warns, fails, rows_failed.
-- Params:   report_date (string YYYY-MM-DD).
-- Strategy: script, replace the rows of report_date (DELETE + INSERT).
DELETE FROM "ecommerce_data"."report_dq_daily_summary"
WHERE report_date = CAST($report_date AS DATE);

INSERT INTO "ecommerce_data"."report_dq_daily_summary"
  (report_date, check_name, executions, passes, warns, fails, rows_failed)
SELECT
  CAST($report_date AS DATE),
  check_name,
  COUNT(*),
  COUNT(CASE WHEN status = 'pass' THEN 1 END),
  COUNT(CASE WHEN status = 'warn' THEN 1 END),
  COUNT(CASE WHEN status = 'fail' THEN 1 END),
  COALESCE(SUM(rows_failed), 0)
FROM "ecommerce_data"."data_quality_checks"
WHERE CAST(interval_start AS DATE) = CAST($report_date AS DATE)
GROUP BY check_name;
