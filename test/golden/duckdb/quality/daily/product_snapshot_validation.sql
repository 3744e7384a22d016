-- Check:    product_snapshot_validation (warn; error when more than max_quarantined_pct of the snapshot's
--           rows are quarantined) on dim_products: the rows of one product snapshot that failed validation.
-- Params:   batch_id (string).
-- Returns:  the failing rows: product_id (as loaded), reason_code, reason_detail.
SELECT product_id, reason_code, reason_detail
FROM "ecommerce_data"."quarantine_products"
WHERE batch_id = $batch_id
