-- Builds:   report_inactive_customers for report_date = D: current customers whose latest completed order on
--           or before D is at least 30 days before D, or who have no completed order on or before D and
--           registered at least 30 days before D; with last_order_date, days_inactive and lifetime_revenue
--           (completed line totals up to D, 0 when none).
-- Params:   report_date (string YYYY-MM-DD).
-- Strategy: script, replace the rows of report_date (DELETE + INSERT).
DELETE FROM "ecommerce_data"."report_inactive_customers"
WHERE report_date = CAST($report_date AS DATE);

INSERT INTO "ecommerce_data"."report_inactive_customers"
  (report_date, customer_id, name, email, customer_tier, last_order_date, days_inactive, lifetime_revenue)
WITH activity AS (
  SELECT customer_id, MAX(order_date) AS last_order_date, SUM(line_total) AS lifetime_revenue
  FROM "ecommerce_data"."fact_orders"
  WHERE payment_status = 'completed'
    AND order_date <= CAST($report_date AS DATE)
  GROUP BY customer_id
),
scored AS (
  SELECT
    c.customer_id,
    c.name,
    c.email,
    c.customer_tier,
    a.last_order_date,
    date_diff('day', COALESCE(a.last_order_date, c.registration_date), CAST($report_date AS DATE))
      AS days_inactive,
    COALESCE(a.lifetime_revenue, 0) AS lifetime_revenue
  FROM "ecommerce_data"."dim_customers" AS c
  LEFT JOIN activity AS a ON a.customer_id = c.customer_id
  WHERE c.is_current
)
SELECT
  CAST($report_date AS DATE),
  customer_id, name, email, customer_tier, last_order_date, days_inactive, lifetime_revenue
FROM scored
WHERE days_inactive >= 30;
