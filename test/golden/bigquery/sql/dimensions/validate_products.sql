-- Builds:   quarantine_products: the rows of one product snapshot (staging_products, text) that fail
--           validation, each with its first failing rule.
-- Params:   batch_id (string).
-- Strategy: append for the batch (reset_product_batch clears it first). Rules, first failing wins:
--           missing_required_field (a column empty or absent; reason_detail = the column),
--           invalid_field_type (price not a number, stock_level not an integer),
--           invalid_field_value (price or stock_level negative),
--           duplicate_key (product_id on more than one row: every copy, since no copy is more right).
--           merge_dim_products takes exactly the rows whose product_id is not quarantined.
INSERT INTO `my-project.ecommerce_data.quarantine_products`
  (batch_id, source_file, product_id, product_name, category, price, stock_level, reason_code, reason_detail,
   quarantined_at)
WITH raw AS (
  SELECT
    batch_id, source_file, product_id, product_name, category, price, stock_level,
    NULLIF(TRIM(product_id), '') AS v_product_id,
    NULLIF(TRIM(product_name), '') AS v_product_name,
    NULLIF(TRIM(category), '') AS v_category,
    NULLIF(TRIM(price), '') AS v_price,
    NULLIF(TRIM(stock_level), '') AS v_stock_level
  FROM `my-project.ecommerce_data.staging_products`
  WHERE batch_id = @batch_id
),
checked AS (
  SELECT
    raw.*,
    CASE
      WHEN v_product_id IS NULL THEN 'product_id'
      WHEN v_product_name IS NULL THEN 'product_name'
      WHEN v_category IS NULL THEN 'category'
      WHEN v_price IS NULL THEN 'price'
      WHEN v_stock_level IS NULL THEN 'stock_level'
    END AS missing_column,
    CASE
      WHEN SAFE_CAST(v_price AS NUMERIC) IS NULL THEN 'price'
      WHEN NOT REGEXP_CONTAINS(v_stock_level, '^[+-]?[0-9]+$') THEN 'stock_level'
      WHEN SAFE_CAST(v_stock_level AS INT64) IS NULL THEN 'stock_level'
    END AS bad_type_column,
    CASE
      WHEN SAFE_CAST(v_price AS NUMERIC) < 0 THEN 'price'
      WHEN SAFE_CAST(v_stock_level AS INT64) < 0 THEN 'stock_level'
    END AS bad_value_column,
    COUNT(*) OVER (PARTITION BY v_product_id) AS key_copies
  FROM raw
)
SELECT
  batch_id, source_file, product_id, product_name, category, price, stock_level,
  CASE
    WHEN missing_column IS NOT NULL THEN 'missing_required_field'
    WHEN bad_type_column IS NOT NULL THEN 'invalid_field_type'
    WHEN bad_value_column IS NOT NULL THEN 'invalid_field_value'
    ELSE 'duplicate_key'
  END,
  COALESCE(missing_column, bad_type_column, bad_value_column, 'product_id'),
  CURRENT_TIMESTAMP()
FROM checked
WHERE missing_column IS NOT NULL
  OR bad_type_column IS NOT NULL
  OR bad_value_column IS NOT NULL
  OR key_copies > 1
