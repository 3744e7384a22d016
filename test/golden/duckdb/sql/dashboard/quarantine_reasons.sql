-- Builds:   nothing (read only): quarantined order lines per reason code.
-- Params:   batch_id when by_batch. Vars: by_batch (bool).
-- Strategy: read only, one row per reason_code.
-- golden vars: {"by_batch": true}
SELECT reason_code, COUNT(*) AS lines, COUNT(DISTINCT batch_id) AS batches
FROM "ecommerce_data"."quarantine_orders"
WHERE batch_id = $batch_id
GROUP BY reason_code
ORDER BY lines DESC, reason_code
