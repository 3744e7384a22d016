-- Builds:   quarantine_customers: the rows of one customer snapshot (staging_customers, text) that fail
--           validation, each with its first failing rule.
-- Params:   batch_id (string).
-- Strategy: append for the batch (reset_customer_batch clears it first). Rules, first failing wins:
--           missing_required_field (a column empty or absent; reason_detail = the column),
--           invalid_field_type (registration_date not a real YYYY-MM-DD date),
--           duplicate_key (customer_id on more than one row: every copy, since no copy is more right).
--           merge_dim_customers takes exactly the rows whose customer_id is not quarantined.
INSERT INTO "ecommerce_data"."quarantine_customers"
  (batch_id, source_file, customer_id, name, email, registration_date, customer_tier, reason_code,
   reason_detail, quarantined_at)
WITH raw AS (
  SELECT
    batch_id, source_file, customer_id, name, email, registration_date, customer_tier,
    NULLIF(TRIM(customer_id), '') AS v_customer_id,
    NULLIF(TRIM(name), '') AS v_name,
    NULLIF(TRIM(email), '') AS v_email,
    NULLIF(TRIM(registration_date), '') AS v_registration_date,
    NULLIF(TRIM(customer_tier), '') AS v_customer_tier
  FROM "ecommerce_data"."staging_customers"
  WHERE batch_id = $batch_id
),
checked AS (
  SELECT
    raw.*,
    CASE
      WHEN v_customer_id IS NULL THEN 'customer_id'
      WHEN v_name IS NULL THEN 'name'
      WHEN v_email IS NULL THEN 'email'
      WHEN v_registration_date IS NULL THEN 'registration_date'
      WHEN v_customer_tier IS NULL THEN 'customer_tier'
    END AS missing_column,
    CASE
      WHEN NOT regexp_matches(v_registration_date, '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') THEN 'registration_date'
      WHEN TRY_CAST(v_registration_date AS DATE) IS NULL THEN 'registration_date'
    END AS bad_type_column,
    COUNT(*) OVER (PARTITION BY v_customer_id) AS key_copies
  FROM raw
)
SELECT
  batch_id, source_file, customer_id, name, email, registration_date, customer_tier,
  CASE
    WHEN missing_column IS NOT NULL THEN 'missing_required_field'
    WHEN bad_type_column IS NOT NULL THEN 'invalid_field_type'
    ELSE 'duplicate_key'
  END,
  COALESCE(missing_column, bad_type_column, 'customer_id'),
  CAST(current_timestamp AS TIMESTAMP)
FROM checked
WHERE missing_column IS NOT NULL
  OR bad_type_column IS NOT NULL
  OR key_copies > 1
