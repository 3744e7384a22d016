-- Builds:   staging_orders: the valid orders of one batch, parsed and typed, one row per order_id.
-- Params:   batch_id (string).
-- Strategy: append for the batch (reset_batch clears it first). Every line is classified once by
--           _classify.bigquery.sql (the rules of DESIGN.md in order); the lines without a reason are kept.
--           Within the batch an order_id keeps its copy from the latest file (landed_at, then object name),
--           then the latest line; the other copies are dropped (duplicate_order_ids check).
{% import 'sql/orders/_classify.bigquery.sql' as classify %}
INSERT INTO {{ ref('staging_orders') }}
  (batch_id, order_id, customer_id, order_timestamp, total_amount, payment_status, items, item_count,
   street, city, state, zipcode, country, source_file, line_number, loaded_at)
WITH classified AS (
{{ classify.classified_lines() }}
)
SELECT
  {{ param('batch_id') }}, c.order_id, c.customer_id, c.order_timestamp, c.total_amount, c.payment_status,
  JSON_QUERY(c.j, '$.items'), ARRAY_LENGTH(JSON_QUERY_ARRAY(c.j, '$.items')),
  JSON_VALUE(c.j, '$.shipping_address.street'), JSON_VALUE(c.j, '$.shipping_address.city'),
  JSON_VALUE(c.j, '$.shipping_address.state'), JSON_VALUE(c.j, '$.shipping_address.zipcode'),
  JSON_VALUE(c.j, '$.shipping_address.country'),
  c.source_file, c.line_number, CURRENT_TIMESTAMP()
FROM classified AS c
WHERE c.reason.code IS NULL AND c.order_timestamp IS NOT NULL
QUALIFY ROW_NUMBER() OVER (
  PARTITION BY c.order_id ORDER BY c.landed_at DESC, c.source_file DESC, c.line_number DESC
) = 1
