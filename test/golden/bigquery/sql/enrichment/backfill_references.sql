-- Builds:   fact_orders lines published with an unknown product (category 'unknown') or an unknown customer
--           (customer_tier 'unknown') whose reference now exists in dim_products / dim_customers (current
--           version) get the reference's values; agg_category_revenue is recomputed for every order_date that
--           had such a product line.
-- Params:   none.
-- Strategy: script. The aggregate is recomputed first, from the fact joined to the dimension as it will be
--           after enrichment, and the fact is updated last: a retry after a crash at any statement still
--           finds the same affected days, and a second run finds nothing to do.
DELETE FROM `my-project.ecommerce_data.agg_category_revenue`
WHERE order_date IN (
  SELECT DISTINCT f.order_date
  FROM `my-project.ecommerce_data.fact_orders` AS f
  JOIN `my-project.ecommerce_data.dim_products` AS p ON p.product_id = f.product_id
  WHERE f.category = 'unknown'
);

INSERT INTO `my-project.ecommerce_data.agg_category_revenue` (order_date, category, revenue, units, orders, updated_at)
SELECT
  f.order_date,
  CASE WHEN f.category = 'unknown' AND p.product_id IS NOT NULL THEN p.category ELSE f.category END AS category,
  SUM(f.line_total) AS revenue,
  SUM(f.quantity) AS units,
  COUNT(DISTINCT f.order_id) AS orders,
  CURRENT_TIMESTAMP() AS updated_at
FROM `my-project.ecommerce_data.fact_orders` AS f
LEFT JOIN `my-project.ecommerce_data.dim_products` AS p ON p.product_id = f.product_id
WHERE f.payment_status = 'completed'
  AND f.order_date IN (
    SELECT DISTINCT u.order_date
    FROM `my-project.ecommerce_data.fact_orders` AS u
    JOIN `my-project.ecommerce_data.dim_products` AS up ON up.product_id = u.product_id
    WHERE u.category = 'unknown'
  )
GROUP BY 1, 2;

UPDATE `my-project.ecommerce_data.fact_orders` AS f
SET product_name = p.product_name, category = p.category
FROM `my-project.ecommerce_data.dim_products` AS p
WHERE p.product_id = f.product_id
  AND f.category = 'unknown';

UPDATE `my-project.ecommerce_data.fact_orders` AS f
SET customer_tier = c.customer_tier
FROM `my-project.ecommerce_data.dim_customers` AS c
WHERE c.customer_id = f.customer_id
  AND c.is_current
  AND f.customer_tier = 'unknown';
