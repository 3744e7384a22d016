-- Builds:   dim_customers (type 2) from the valid rows of one customer snapshot (the rows of staging_customers
--           whose customer_id validate_customers did not quarantine), effective from valid_from.
-- Params:   batch_id (string), valid_from (timestamp: the start of the day D the snapshot describes).
-- Strategy: script. A changed name, email or customer_tier closes the current version (valid_to = D,
--           is_current = false) and opens a new one valid from D; a current version already opened on D is
--           corrected in place (a re-run of D never creates a zero-length version); registration_date is
--           corrected in place. Customers absent from the snapshot stay current. A current version opened
--           after D is left alone (an older snapshot never rewrites newer history). Each statement is
--           idempotent on its own, so a retry after a partial run converges.
UPDATE `my-project.ecommerce_data.dim_customers` AS t
SET registration_date = s.registration_date
FROM -- Fragment (included by merge_dim_customers): the valid rows of one customer snapshot, typed; one per key.
(
  SELECT
    TRIM(c.customer_id) AS customer_id,
    TRIM(c.name) AS name,
    TRIM(c.email) AS email,
    CAST(TRIM(c.registration_date) AS DATE) AS registration_date,
    TRIM(c.customer_tier) AS customer_tier
  FROM `my-project.ecommerce_data.staging_customers` AS c
  WHERE c.batch_id = @batch_id
    AND NULLIF(TRIM(c.customer_id), '') IS NOT NULL
    AND NOT EXISTS (
      SELECT 1
      FROM `my-project.ecommerce_data.quarantine_customers` AS q
      WHERE q.batch_id = c.batch_id AND TRIM(q.customer_id) = TRIM(c.customer_id)
    )
)
 AS s
WHERE t.customer_id = s.customer_id
  AND t.is_current
  AND t.valid_from <= CAST(@valid_from AS TIMESTAMP)
  AND t.registration_date IS DISTINCT FROM s.registration_date;

UPDATE `my-project.ecommerce_data.dim_customers` AS t
SET name = s.name, email = s.email, customer_tier = s.customer_tier
FROM -- Fragment (included by merge_dim_customers): the valid rows of one customer snapshot, typed; one per key.
(
  SELECT
    TRIM(c.customer_id) AS customer_id,
    TRIM(c.name) AS name,
    TRIM(c.email) AS email,
    CAST(TRIM(c.registration_date) AS DATE) AS registration_date,
    TRIM(c.customer_tier) AS customer_tier
  FROM `my-project.ecommerce_data.staging_customers` AS c
  WHERE c.batch_id = @batch_id
    AND NULLIF(TRIM(c.customer_id), '') IS NOT NULL
    AND NOT EXISTS (
      SELECT 1
      FROM `my-project.ecommerce_data.quarantine_customers` AS q
      WHERE q.batch_id = c.batch_id AND TRIM(q.customer_id) = TRIM(c.customer_id)
    )
)
 AS s
WHERE t.customer_id = s.customer_id
  AND t.is_current
  AND t.valid_from = CAST(@valid_from AS TIMESTAMP)
  AND (
    t.name IS DISTINCT FROM s.name
    OR t.email IS DISTINCT FROM s.email
    OR t.customer_tier IS DISTINCT FROM s.customer_tier
  );

UPDATE `my-project.ecommerce_data.dim_customers` AS t
SET valid_to = CAST(@valid_from AS TIMESTAMP), is_current = FALSE
FROM -- Fragment (included by merge_dim_customers): the valid rows of one customer snapshot, typed; one per key.
(
  SELECT
    TRIM(c.customer_id) AS customer_id,
    TRIM(c.name) AS name,
    TRIM(c.email) AS email,
    CAST(TRIM(c.registration_date) AS DATE) AS registration_date,
    TRIM(c.customer_tier) AS customer_tier
  FROM `my-project.ecommerce_data.staging_customers` AS c
  WHERE c.batch_id = @batch_id
    AND NULLIF(TRIM(c.customer_id), '') IS NOT NULL
    AND NOT EXISTS (
      SELECT 1
      FROM `my-project.ecommerce_data.quarantine_customers` AS q
      WHERE q.batch_id = c.batch_id AND TRIM(q.customer_id) = TRIM(c.customer_id)
    )
)
 AS s
WHERE t.customer_id = s.customer_id
  AND t.is_current
  AND t.valid_from < CAST(@valid_from AS TIMESTAMP)
  AND (
    t.name IS DISTINCT FROM s.name
    OR t.email IS DISTINCT FROM s.email
    OR t.customer_tier IS DISTINCT FROM s.customer_tier
  );

INSERT INTO `my-project.ecommerce_data.dim_customers`
  (customer_id, name, email, registration_date, customer_tier, valid_from, valid_to, is_current)
SELECT
  s.customer_id, s.name, s.email, s.registration_date, s.customer_tier,
  CAST(@valid_from AS TIMESTAMP), CAST(NULL AS TIMESTAMP), TRUE
FROM -- Fragment (included by merge_dim_customers): the valid rows of one customer snapshot, typed; one per key.
(
  SELECT
    TRIM(c.customer_id) AS customer_id,
    TRIM(c.name) AS name,
    TRIM(c.email) AS email,
    CAST(TRIM(c.registration_date) AS DATE) AS registration_date,
    TRIM(c.customer_tier) AS customer_tier
  FROM `my-project.ecommerce_data.staging_customers` AS c
  WHERE c.batch_id = @batch_id
    AND NULLIF(TRIM(c.customer_id), '') IS NOT NULL
    AND NOT EXISTS (
      SELECT 1
      FROM `my-project.ecommerce_data.quarantine_customers` AS q
      WHERE q.batch_id = c.batch_id AND TRIM(q.customer_id) = TRIM(c.customer_id)
    )
)
 AS s
WHERE NOT EXISTS (
    SELECT 1 FROM `my-project.ecommerce_data.dim_customers` AS t WHERE t.customer_id = s.customer_id AND t.is_current
  );
