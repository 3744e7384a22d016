-- Builds:   nothing (read only): completed revenue, units and orders per category over a range of order dates.
-- Params:   from_date, to_date (YYYY-MM-DD strings; order dates in [from_date, to_date]).
-- Strategy: read only, largest revenue first.
SELECT category, SUM(revenue) AS revenue, SUM(units) AS units, SUM(orders) AS orders,
       MIN(order_date) AS first_date, MAX(order_date) AS last_date
FROM {{ ref('agg_category_revenue') }}
WHERE order_date >= CAST({{ param('from_date') }} AS DATE)
  AND order_date <= CAST({{ param('to_date') }} AS DATE)
GROUP BY category
ORDER BY revenue DESC, category
