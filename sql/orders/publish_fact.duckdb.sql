-- Builds:   fact_orders: one row per order line of the batch, enriched from the current dim_customers row
--           (unknown -> customer_tier 'unknown'), dim_products (unknown -> product_name NULL, category
--           'unknown') and ref_state_regions (unlisted state -> region 'Other').
-- Params:   batch_id (string).
-- Strategy: script, run atomically: every line of the batch's orders is deleted, then the batch's lines are
--           inserted; so a re-sent order replaces all of its lines (lines that vanished are gone) and a retry
--           or re-run writes the same rows again. An order a later batch published from another file is left
--           alone (run ids sort by interval), so reprocessing an old interval never brings back an older
--           version; the same file reprocessed (a backfill after a dimension changed) is published again. Money
--           stays DECIMAL(38,9): unit_price is cast from the JSON number's text, line_total = quantity *
--           unit_price exactly.
{% import 'sql/orders/_rules.duckdb.sql' as rules %}
DELETE FROM {{ ref('fact_orders') }}
WHERE order_id IN (
  SELECT order_id FROM {{ ref('staging_orders') }}
  WHERE batch_id = {{ param('batch_id') }}
    AND order_id NOT IN (
      SELECT n.order_id
      FROM {{ ref('fact_orders') }} AS n
      JOIN {{ ref('staging_orders') }} AS mine
        ON mine.batch_id = {{ param('batch_id') }} AND mine.order_id = n.order_id
      WHERE n.batch_id > {{ param('batch_id') }} AND n.source_file <> mine.source_file
    )
);

INSERT INTO {{ ref('fact_orders') }}
  (order_id, line_number, order_timestamp, order_date, hour_start, customer_id, customer_tier, product_id,
   product_name, category, quantity, unit_price, line_total, order_total, payment_status, street, city, state,
   zipcode, country, region, batch_id, source_file, loaded_at)
WITH lines AS (
  SELECT
    o.order_id, o.order_timestamp, o.customer_id, o.total_amount, o.payment_status,
    o.street, o.city, o.state, o.zipcode, o.country, o.source_file,
    -- One row per item, numbered from 1; the item stays a struct of VARCHAR / DOUBLE / JSON text until the
    -- final SELECT types it (cheaper than building a typed struct per item in a lambda).
    unnest(o.parsed) AS item, generate_subscripts(o.parsed, 1) AS line_number
  FROM (
    SELECT *, json_transform(items, '[{"product_id":"VARCHAR","quantity":"DOUBLE","unit_price":"JSON"}]') AS parsed
    FROM {{ ref('staging_orders') }}
  ) AS o
  WHERE o.batch_id = {{ param('batch_id') }}
    AND o.order_id NOT IN (
      SELECT n.order_id
      FROM {{ ref('fact_orders') }} AS n
      JOIN {{ ref('staging_orders') }} AS mine
        ON mine.batch_id = {{ param('batch_id') }} AND mine.order_id = n.order_id
      WHERE n.batch_id > {{ param('batch_id') }} AND n.source_file <> mine.source_file
    )
),
typed AS (
  SELECT
    * EXCLUDE (item),
    item.product_id,
    CAST(item.quantity AS BIGINT) AS quantity,
    {{ rules.decimal_of_text('CAST(item.unit_price AS VARCHAR)') }} AS unit_price
  FROM lines
),
customers AS (
  SELECT customer_id, customer_tier
  FROM {{ ref('dim_customers') }}
  WHERE is_current
  QUALIFY row_number() OVER (PARTITION BY customer_id ORDER BY valid_from DESC) = 1
),
products AS (
  SELECT product_id, product_name, category
  FROM {{ ref('dim_products') }}
  QUALIFY row_number() OVER (PARTITION BY product_id ORDER BY updated_at DESC) = 1
)
SELECT
  l.order_id, l.line_number, l.order_timestamp, CAST(l.order_timestamp AS DATE),
  date_trunc('hour', l.order_timestamp), l.customer_id, COALESCE(c.customer_tier, 'unknown'),
  l.product_id, p.product_name, COALESCE(p.category, 'unknown'), l.quantity, l.unit_price,
  l.quantity * l.unit_price, l.total_amount, l.payment_status,
  l.street, l.city, l.state, l.zipcode, l.country, COALESCE(r.region, 'Other'),
  {{ param('batch_id') }}, l.source_file, {{ current_ts() }}
FROM typed AS l
LEFT JOIN customers AS c ON c.customer_id = l.customer_id
LEFT JOIN products AS p ON p.product_id = l.product_id
LEFT JOIN {{ ref('ref_state_regions') }} AS r ON r.state = upper(trim(l.state));
