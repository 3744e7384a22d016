-- Builds:   nothing; selects one report_date of a report table, in a stable order, for the CSV export.
-- Params:   report_date (string YYYY-MM-DD). Vars: report (table name), order_by (list of its key columns).
-- Strategy: read only.
SELECT *
FROM "ecommerce_data"."report_inactive_customers"
WHERE report_date = CAST($report_date AS DATE)
ORDER BY customer_id
