-- Builds:   nothing; how many orders and order lines of fact_orders the batch wrote last.
-- Params:   batch_id (string).
-- Returns:  one row: orders (each order has exactly one line_number 1, so no DISTINCT is needed), lines.
SELECT COALESCE(SUM(CASE WHEN line_number = 1 THEN 1 ELSE 0 END), 0) AS orders, COUNT(*) AS lines
FROM "ecommerce_data"."fact_orders"
WHERE batch_id = $batch_id
