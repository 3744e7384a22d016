-- Builds:   staging_orders: the valid orders of one batch, parsed and typed, one row per order_id.
-- Params:   batch_id (string).
-- Strategy: one INSERT; append for the batch (reset_batch clears it first). Reads staging_orders_raw
--           once: each line is parsed once into a struct of JSON fields and typed from that (no json_extract
--           per field). A line is kept when every rule of DESIGN.md holds; the rules are written a second
--           time, with the first failing reason, in quarantine_lines, which only reads the lines this script
--           did not keep (the test suite checks that both agree with the reference validator line by line).
--           Within the batch an order_id keeps its copy from the latest file (landed_at, then object name),
--           then the latest line: only the few repeated order_ids are ordered (cheaper than ordering a million
--           wide rows), and their older copies are left out; the dropped copies show up in the
--           duplicate_order_ids check. No DELETE afterwards: deleting rows the same transaction inserted
--           makes DuckDB's commit rewrite them (2.8 s of 11 s for 1M orders).
{% import 'sql/orders/_rules.duckdb.sql' as rules %}
INSERT INTO {{ ref('staging_orders') }}
  (batch_id, order_id, customer_id, order_timestamp, total_amount, payment_status, items, item_count,
   street, city, state, zipcode, country, source_file, line_number, loaded_at)
-- unnest() spreads the parsed struct into one column per field, so the parse runs once per line (reading the
-- struct's fields in later expressions would make DuckDB repeat the parse for each of them).
WITH parsed AS (
  SELECT
    source_file, line_number, landed_at,
    unnest(CASE WHEN {{ rules.strict_json('raw_line') }} THEN json_transform(raw_line,
      '{"order_id":"JSON","customer_id":"JSON","order_timestamp":"JSON","items":"JSON","total_amount":"JSON","payment_status":"JSON","shipping_address":"JSON"}')
    END)
  FROM {{ ref('staging_orders_raw') }}
  WHERE batch_id = {{ param('batch_id') }}
),
fields AS (
  SELECT
    source_file, line_number, landed_at,
    p.items AS items_json, p.payment_status AS payment_status_json, p.shipping_address AS address_json,
    {{ rules.json_string('p.order_id') }} AS order_id,
    {{ rules.json_string('p.customer_id') }} AS customer_id,
    {{ rules.json_string('p.order_timestamp') }} AS ts_text,
    -- Numbers are read from their JSON text (VARCHAR), never as JSON values: DuckDB would turn the JSON string
    -- "12" into the number 12.
    {{ rules.decimal_of_text('CAST(p.total_amount AS VARCHAR)') }} AS total_amount
  FROM parsed AS p
),
checked AS (
  SELECT
    *,
    -- Every rule, as one condition: it only needs to say whether the line is valid, not why.
    coalesce(
      order_id <> ''
      AND customer_id <> ''
      AND regexp_full_match(ts_text, {{ rules.timestamp_form() }})
      AND total_amount >= 0
      AND (payment_status_json IS NULL OR payment_status_json = '"completed"'
        OR payment_status_json = '"pending"' OR payment_status_json = '"failed"')
      AND (address_json IS NULL OR left(address_json, 1) = '{')
      AND {{ rules.items_valid('items_json') }},
      false) AS is_valid
  FROM fields
),
typed AS (
  SELECT
    *,
    -- NULL for a line that is not valid, or whose date does not exist (2025-02-30).
    CASE WHEN is_valid THEN {{ rules.utc_timestamp('ts_text') }} END AS order_timestamp,
    -- Spread into street, city, state, zipcode, country (one parse; NULLs without an address).
    unnest(CASE WHEN is_valid AND address_json IS NOT NULL THEN json_transform(address_json,
      '{"street":"VARCHAR","city":"VARCHAR","state":"VARCHAR","zipcode":"VARCHAR","country":"VARCHAR"}')
    END)
  FROM checked
),
valid AS MATERIALIZED (
  SELECT
    order_id, customer_id, order_timestamp, total_amount,
    CASE WHEN payment_status_json IS NOT NULL THEN CAST(payment_status_json AS VARCHAR)[2:-2] END AS payment_status,
    items_json AS items, json_array_length(items_json) AS item_count,
    street, city, state, zipcode, country, source_file, line_number, landed_at
  FROM typed
  WHERE order_timestamp IS NOT NULL
),
dropped AS (
  -- The older copies of an order_id the batch holds more than once.
  SELECT source_file, line_number
  FROM (
    SELECT
      source_file, line_number,
      row_number() OVER (
        PARTITION BY order_id ORDER BY landed_at DESC NULLS LAST, source_file DESC, line_number DESC
      ) AS copy
    FROM valid
    WHERE order_id IN (SELECT order_id FROM valid GROUP BY order_id HAVING COUNT(*) > 1)
  ) AS copies
  WHERE copy > 1
)
SELECT
  {{ param('batch_id') }}, order_id, customer_id, order_timestamp, total_amount, payment_status, items, item_count,
  street, city, state, zipcode, country, source_file, line_number, {{ current_ts() }}
FROM valid
ANTI JOIN dropped USING (source_file, line_number)
