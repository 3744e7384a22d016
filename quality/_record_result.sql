-- Builds:   one data_quality_checks row: the result of one execution of a check (order batch or daily),
--           written by the job that ran the check; not a check itself.
-- Params:   check_id, check_name, target_table, dag_id, run_id, task_id, batch_id ('' = none), interval_start,
--           interval_end (timestamps), severity, status, rows_checked, rows_failed, sample (JSON text of up
--           to 10 keys), details.
-- Strategy: script, replace by check_id: the id is per (run, task, check), so a retry or a re-run of the
--           same interval leaves one row per check, the latest (the same warning is never recorded twice).
DELETE FROM {{ ref('data_quality_checks') }} WHERE check_id = {{ param('check_id') }};

INSERT INTO {{ ref('data_quality_checks') }}
  (check_id, check_name, target_table, dag_id, run_id, task_id, batch_id, interval_start, interval_end,
   severity, status, rows_checked, rows_failed, sample, details, checked_at)
VALUES (
  {{ param('check_id') }},
  {{ param('check_name') }},
  {{ param('target_table') }},
  {{ param('dag_id') }},
  {{ param('run_id') }},
  {{ param('task_id') }},
  NULLIF({{ param('batch_id') }}, ''),
  CAST({{ param('interval_start') }} AS TIMESTAMP),
  CAST({{ param('interval_end') }} AS TIMESTAMP),
  {{ param('severity') }},
  {{ param('status') }},
  {{ param('rows_checked') }},
  {{ param('rows_failed') }},
  {{ safe_cast(param('sample'), 'json') }},
  {{ param('details') }},
  {{ current_ts() }}
);
