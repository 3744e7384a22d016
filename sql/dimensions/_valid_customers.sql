-- Fragment (included by merge_dim_customers): the valid rows of one customer snapshot, typed; one per key.
(
  SELECT
    TRIM(c.customer_id) AS customer_id,
    TRIM(c.name) AS name,
    TRIM(c.email) AS email,
    CAST(TRIM(c.registration_date) AS DATE) AS registration_date,
    TRIM(c.customer_tier) AS customer_tier
  FROM {{ ref('staging_customers') }} AS c
  WHERE c.batch_id = {{ param('batch_id') }}
    AND NULLIF(TRIM(c.customer_id), '') IS NOT NULL
    AND NOT EXISTS (
      SELECT 1
      FROM {{ ref('quarantine_customers') }} AS q
      WHERE q.batch_id = c.batch_id AND TRIM(q.customer_id) = TRIM(c.customer_id)
    )
)
