-- Builds:   nothing; how many orders and order lines of fact_orders the batch wrote last.
-- Params:   batch_id (string).
-- Returns:  one row: orders, lines.
SELECT COUNT(DISTINCT order_id) AS orders, COUNT(*) AS lines
FROM `my-project.ecommerce_data.fact_orders`
WHERE batch_id = @batch_id
