-- Builds:   nothing; clears one order batch from staging_orders_raw, staging_orders and quarantine_orders, so
--           that a retried or re-run load starts from an empty batch (a retry never duplicates staging rows).
-- Params:   batch_id (string).
-- Strategy: script of three DELETEs by batch_id.
DELETE FROM "ecommerce_data"."staging_orders_raw" WHERE batch_id = $batch_id;
DELETE FROM "ecommerce_data"."staging_orders" WHERE batch_id = $batch_id;
DELETE FROM "ecommerce_data"."quarantine_orders" WHERE batch_id = $batch_id;
