-- Builds:   nothing; clears one batch of the product snapshot from staging_products and quarantine_products.
-- Params:   batch_id (string) - the daily run id.
-- Strategy: script of deletes scoped to the batch, run before the CSV load, so a retry replaces its own rows.
DELETE FROM "ecommerce_data"."staging_products" WHERE batch_id = $batch_id;
DELETE FROM "ecommerce_data"."quarantine_products" WHERE batch_id = $batch_id;
