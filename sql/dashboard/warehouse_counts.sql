-- Builds:   nothing (read only): totals for /metrics: published fact lines, and quarantined lines per reason.
-- Params:   none.
-- Strategy: read only; one row per (metric, label).
SELECT 'fact_order_lines' AS metric, '' AS label, COUNT(*) AS value FROM {{ ref('fact_orders') }}
UNION ALL
SELECT 'quarantined_lines' AS metric, reason_code AS label, COUNT(*) AS value
FROM {{ ref('quarantine_orders') }}
GROUP BY reason_code
