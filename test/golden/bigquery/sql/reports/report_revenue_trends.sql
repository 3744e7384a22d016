-- Builds:   report_revenue_trends for report_date = D: one row per day d in D-89..D, region and category with
--           completed revenue > 0: revenue, orders (distinct), units, and revenue_7d_avg = the revenue of the 7
--           calendar days ending d for that region and category / 7 (days without sales count as zero),
--           rounded to 2 dp.
-- Params:   report_date (string YYYY-MM-DD).
-- Strategy: script, replace the rows of report_date (DELETE + INSERT).
DELETE FROM `my-project.ecommerce_data.report_revenue_trends`
WHERE report_date = CAST(@report_date AS DATE);

INSERT INTO `my-project.ecommerce_data.report_revenue_trends`
  (report_date, day, region, category, revenue, orders, units, revenue_7d_avg)
WITH daily AS (
  -- 96 days: the 90 reported days plus the 6 before the first one, which its window needs.
  SELECT
    order_date AS day,
    region,
    category,
    SUM(line_total) AS revenue,
    COUNT(DISTINCT order_id) AS orders,
    SUM(quantity) AS units
  FROM `my-project.ecommerce_data.fact_orders`
  WHERE payment_status = 'completed'
    AND order_date >= DATE_ADD(CAST(@report_date AS DATE), INTERVAL -95 DAY)
    AND order_date <= CAST(@report_date AS DATE)
  GROUP BY order_date, region, category
)
SELECT
  CAST(@report_date AS DATE),
  d.day,
  d.region,
  d.category,
  d.revenue,
  d.orders,
  d.units,
  -- A self-join over calendar days (not ROWS BETWEEN) so that gap days count as zero.
  CAST(ROUND(SUM(w.revenue) / 7, 2) AS NUMERIC)
FROM daily AS d
JOIN daily AS w
  ON w.region IS NOT DISTINCT FROM d.region
  AND w.category IS NOT DISTINCT FROM d.category
  AND w.day <= d.day
  AND w.day >= DATE_ADD(d.day, INTERVAL -6 DAY)
WHERE d.day >= DATE_ADD(CAST(@report_date AS DATE), INTERVAL -89 DAY)
  AND d.revenue > 0
GROUP BY d.day, d.region, d.category, d.revenue, d.orders, d.units;
