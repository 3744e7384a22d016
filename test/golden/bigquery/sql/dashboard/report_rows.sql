-- Builds:   nothing (read only): one page of a report for one report_date, in the report's key order.
-- Params:   report_date (YYYY-MM-DD string), limit, offset (int). Vars: report (table name from the report
--           catalog), order_by (its key columns, from the catalog).
-- Strategy: read only, paged by LIMIT/OFFSET.
-- golden vars: {"report": "report_low_stock", "order_by": ["product_id"]}
SELECT *
FROM `my-project.ecommerce_data.report_low_stock`
WHERE report_date = CAST(@report_date AS DATE)
ORDER BY product_id
LIMIT @limit OFFSET @offset
