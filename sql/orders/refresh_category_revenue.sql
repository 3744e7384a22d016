-- Builds:   agg_category_revenue for every UTC order date the batch touched (new and old dates of its orders),
--           recomputed from fact_orders: revenue (sum of line_total), units (sum of quantity) and orders
--           (distinct) of completed orders, per (order_date, category). A date or category left without
--           completed orders loses its row.
-- Params:   batch_id (string).
-- Strategy: script, atomic: DELETE the touched dates, INSERT their recomputation.
{% import 'sql/orders/_touched.sql' as touched %}
DELETE FROM {{ ref('agg_category_revenue') }} WHERE order_date IN ({{ touched.touched_dates() }});

INSERT INTO {{ ref('agg_category_revenue') }} (order_date, category, revenue, units, orders, updated_at)
SELECT
  f.order_date, f.category, SUM(f.line_total), SUM(f.quantity), COUNT(DISTINCT f.order_id), {{ current_ts() }}
FROM {{ ref('fact_orders') }} AS f
WHERE f.order_date IN ({{ touched.touched_dates() }})
  AND f.payment_status = 'completed'
GROUP BY f.order_date, f.category;
