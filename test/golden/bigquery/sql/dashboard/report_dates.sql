-- Builds:   nothing (read only): the report dates present in one report table, newest first, with row counts.
-- Params:   limit (int). Vars: report (a table name from the dashboard's report catalog, never user text).
-- Strategy: read only.
-- golden vars: {"report": "report_low_stock"}
SELECT report_date, COUNT(*) AS row_count
FROM `my-project.ecommerce_data.report_low_stock`
GROUP BY report_date
ORDER BY report_date DESC
LIMIT @limit
