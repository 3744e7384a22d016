-- Builds:   dim_products (type 1) from the valid rows of one product snapshot: the rows of staging_products
--           whose product_id validate_products did not quarantine.
-- Params:   batch_id (string).
-- Strategy: MERGE on product_id: insert new products, overwrite name/category/price/stock_level of changed
--           ones (updated_at set only then), keep products absent from the snapshot. Re-running the same
--           snapshot matches nothing and changes nothing.
MERGE INTO "ecommerce_data"."dim_products" AS t
USING (
  SELECT
    TRIM(s.product_id) AS product_id,
    TRIM(s.product_name) AS product_name,
    TRIM(s.category) AS category,
    CAST(TRIM(s.price) AS DECIMAL(38,9)) AS price,
    CAST(TRIM(s.stock_level) AS BIGINT) AS stock_level
  FROM "ecommerce_data"."staging_products" AS s
  WHERE s.batch_id = $batch_id
    AND NULLIF(TRIM(s.product_id), '') IS NOT NULL
    AND NOT EXISTS (
      SELECT 1
      FROM "ecommerce_data"."quarantine_products" AS q
      WHERE q.batch_id = s.batch_id AND TRIM(q.product_id) = TRIM(s.product_id)
    )
) AS s
ON t.product_id = s.product_id
WHEN MATCHED AND (
  t.product_name IS DISTINCT FROM s.product_name
  OR t.category IS DISTINCT FROM s.category
  OR t.price IS DISTINCT FROM s.price
  OR t.stock_level IS DISTINCT FROM s.stock_level
) THEN UPDATE SET
  product_name = s.product_name,
  category = s.category,
  price = s.price,
  stock_level = s.stock_level,
  updated_at = CAST(current_timestamp AS TIMESTAMP)
WHEN NOT MATCHED THEN INSERT (product_id, product_name, category, price, stock_level, updated_at)
  VALUES (s.product_id, s.product_name, s.category, s.price, s.stock_level, CAST(current_timestamp AS TIMESTAMP))
