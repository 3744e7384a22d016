-- Check:    customer_snapshot_validation (warn; error when more than max_quarantined_pct of the snapshot's
--           rows are quarantined) on dim_customers: the rows of one customer snapshot that failed validation.
-- Params:   batch_id (string).
-- Returns:  the failing rows: customer_id (as loaded), reason_code, reason_detail.
SELECT customer_id, reason_code, reason_detail
FROM "ecommerce_data"."quarantine_customers"
WHERE batch_id = $batch_id
