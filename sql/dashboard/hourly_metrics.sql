-- Builds:   nothing (read only): hourly orders and revenue for a window of hours.
-- Params:   from_ts, to_ts (timestamps; hours in [from_ts, to_ts)), limit (int, at most this many hours).
-- Strategy: read only, oldest hour first.
SELECT hour_start, total_orders, completed_orders, revenue, items_sold, avg_order_value, unique_customers
FROM {{ ref('agg_hourly_metrics') }}
WHERE hour_start >= {{ param('from_ts') }}
  AND hour_start < {{ param('to_ts') }}
ORDER BY hour_start
LIMIT {{ param('limit') }}
