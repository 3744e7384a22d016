-- Builds:   nothing; counts one batch of a dimension snapshot for the file ledger and the validation check.
-- Params:   batch_id (string). Vars: entity ('products' or 'customers').
-- Strategy: read only. rows_read = rows loaded from the CSV; rows_quarantined includes rows_duplicate.
SELECT
  (SELECT COUNT(*) FROM "ecommerce_data"."staging_products" WHERE batch_id = $batch_id) AS rows_read,
  (SELECT COUNT(*) FROM "ecommerce_data"."quarantine_products" WHERE batch_id = $batch_id)
    AS rows_quarantined,
  (
    SELECT COUNT(*)
    FROM "ecommerce_data"."quarantine_products"
    WHERE batch_id = $batch_id AND reason_code = 'duplicate_key'
  ) AS rows_duplicate
