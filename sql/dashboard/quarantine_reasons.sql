-- Builds:   nothing (read only): quarantined order lines per reason code.
-- Params:   batch_id when by_batch. Vars: by_batch (bool).
-- Strategy: read only, one row per reason_code.
-- golden vars: {"by_batch": true}
SELECT reason_code, COUNT(*) AS lines, COUNT(DISTINCT batch_id) AS batches
FROM {{ ref('quarantine_orders') }}
{% if by_batch %}
WHERE batch_id = {{ param('batch_id') }}
{% endif %}
GROUP BY reason_code
ORDER BY lines DESC, reason_code
