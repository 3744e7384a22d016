-- Builds:   nothing; clears one batch of the customer snapshot from staging_customers and quarantine_customers.
-- Params:   batch_id (string) - the daily run id.
-- Strategy: script of deletes scoped to the batch, run before the CSV load, so a retry replaces its own rows.
DELETE FROM "ecommerce_data"."staging_customers" WHERE batch_id = $batch_id;
DELETE FROM "ecommerce_data"."quarantine_customers" WHERE batch_id = $batch_id;
