-- Builds:   report_low_stock for report_date = D: products with units_sold_7d > 0 (completed lines, order_date
--           in D-6..D) and days_of_cover = stock_level / (units_sold_7d / 7) < 7; severity out_of_stock
--           (stock 0), critical (cover < 3 days) or low. avg_daily_units and days_of_cover are rounded to 2 dp;
--           the thresholds are compared exactly (cover < k  <=>  7 * stock_level < k * units_sold_7d).
-- Params:   report_date (string YYYY-MM-DD).
-- Strategy: script, replace the rows of report_date (DELETE + INSERT).
DELETE FROM `my-project.ecommerce_data.report_low_stock`
WHERE report_date = CAST(@report_date AS DATE);

INSERT INTO `my-project.ecommerce_data.report_low_stock`
  (report_date, product_id, product_name, category, stock_level, units_sold_7d, avg_daily_units,
   days_of_cover, severity)
WITH sold AS (
  SELECT product_id, SUM(quantity) AS units_sold_7d
  FROM `my-project.ecommerce_data.fact_orders`
  WHERE payment_status = 'completed'
    AND order_date >= DATE_ADD(CAST(@report_date AS DATE), INTERVAL -6 DAY)
    AND order_date <= CAST(@report_date AS DATE)
  GROUP BY product_id
)
SELECT
  CAST(@report_date AS DATE),
  p.product_id,
  p.product_name,
  p.category,
  p.stock_level,
  s.units_sold_7d,
  CAST(ROUND(CAST(s.units_sold_7d AS NUMERIC) / 7, 2) AS NUMERIC),
  CAST(ROUND(CAST(7 * p.stock_level AS NUMERIC) / s.units_sold_7d, 2) AS NUMERIC),
  CASE
    WHEN p.stock_level = 0 THEN 'out_of_stock'
    WHEN 7 * p.stock_level < 3 * s.units_sold_7d THEN 'critical'
    ELSE 'low'
  END
FROM `my-project.ecommerce_data.dim_products` AS p
JOIN sold AS s ON s.product_id = p.product_id
WHERE s.units_sold_7d > 0
  AND p.stock_level < s.units_sold_7d;
