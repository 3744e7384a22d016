-- Builds:   report_dq_daily_summary for report_date = D: per check_name, over the data_quality_checks rows of
--           runs whose data interval starts on D (any DAG): executions, passes, warns, fails, rows_failed.
-- Params:   report_date (string YYYY-MM-DD).
-- Strategy: script, replace the rows of report_date (DELETE + INSERT).
{% set report_day = 'CAST(' ~ param('report_date') ~ ' AS DATE)' %}
DELETE FROM {{ ref('report_dq_daily_summary') }}
WHERE report_date = {{ report_day }};

INSERT INTO {{ ref('report_dq_daily_summary') }}
  (report_date, check_name, executions, passes, warns, fails, rows_failed)
SELECT
  {{ report_day }},
  check_name,
  COUNT(*),
  COUNT(CASE WHEN status = 'pass' THEN 1 END),
  COUNT(CASE WHEN status = 'warn' THEN 1 END),
  COUNT(CASE WHEN status = 'fail' THEN 1 END),
  COALESCE(SUM(rows_failed), 0)
FROM {{ ref('data_quality_checks') }}
WHERE {{ date_of('interval_start') }} = {{ report_day }}
GROUP BY check_name;
