-- Builds:   nothing; selects one report_date of a report table, in a stable order, for the CSV export.
-- Params:   report_date (string YYYY-MM-DD). Vars: report (table name), order_by (list of its key columns).
-- Strategy: read only.
{% set report_day = 'CAST(' ~ param('report_date') ~ ' AS DATE)' %}
SELECT *
FROM {{ ref(report) }}
WHERE report_date = {{ report_day }}
ORDER BY {{ order_by | join(', ') }}
