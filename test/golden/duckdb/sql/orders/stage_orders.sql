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
INSERT INTO "ecommerce_data"."staging_orders"
  (batch_id, order_id, customer_id, order_timestamp, total_amount, payment_status, items, item_count,
   street, city, state, zipcode, country, source_file, line_number, loaded_at)
-- unnest() spreads the parsed struct into one column per field, so the parse runs once per line (reading the
-- struct's fields in later expressions would make DuckDB repeat the parse for each of them).
WITH parsed AS (
  SELECT
    source_file, line_number, landed_at,
    unnest(CASE WHEN (json_valid(raw_line)
    AND NOT contains(raw_line, chr(65533))
    AND NOT (
      CASE
        WHEN regexp_matches(raw_line, ',[ \t\r]*([\]}]|-?([nN][aA]|[iI]))')
          OR regexp_matches(raw_line, ':[ \t\r]*-?([nN][aA]|[iI])')
          OR regexp_matches(raw_line, '\[[ \t\r]*-?([nN][aA]|[iI])')
        THEN regexp_matches(raw_line, '^([^"]|"([^"\\]|\\.)*")*?([iIN]|n[aA]|,[ \t\r]*[\]}])')
        ELSE false
      END)) THEN json_transform(raw_line,
      '{"order_id":"JSON","customer_id":"JSON","order_timestamp":"JSON","items":"JSON","total_amount":"JSON","payment_status":"JSON","shipping_address":"JSON"}')
    END)
  FROM "ecommerce_data"."staging_orders_raw"
  WHERE batch_id = $batch_id
),
fields AS (
  SELECT
    source_file, line_number, landed_at,
    p.items AS items_json, p.payment_status AS payment_status_json, p.shipping_address AS address_json,
    CASE WHEN left(p.order_id, 1) = '"' THEN CASE WHEN contains(p.order_id, '\') THEN p.order_id ->> '$' ELSE p.order_id[2:-2] END END AS order_id,
    CASE WHEN left(p.customer_id, 1) = '"' THEN CASE WHEN contains(p.customer_id, '\') THEN p.customer_id ->> '$' ELSE p.customer_id[2:-2] END END AS customer_id,
    CASE WHEN left(p.order_timestamp, 1) = '"' THEN CASE WHEN contains(p.order_timestamp, '\') THEN p.order_timestamp ->> '$' ELSE p.order_timestamp[2:-2] END END AS ts_text,
    -- Numbers are read from their JSON text (VARCHAR), never as JSON values: DuckDB would turn the JSON string
    -- "12" into the number 12.
    CAST(COALESCE(TRY_CAST(CAST(p.total_amount AS VARCHAR) AS DECIMAL(18, 9)), TRY_CAST(CAST(p.total_amount AS VARCHAR) AS DECIMAL(38, 9))) AS DECIMAL(38, 9)) AS total_amount
  FROM parsed AS p
),
checked AS (
  SELECT
    *,
    -- Every rule, as one condition: it only needs to say whether the line is valid, not why.
    coalesce(
      order_id <> ''
      AND customer_id <> ''
      AND regexp_full_match(ts_text, '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?')
      AND total_amount >= 0
      AND (payment_status_json IS NULL OR payment_status_json = '"completed"'
        OR payment_status_json = '"pending"' OR payment_status_json = '"failed"')
      AND (address_json IS NULL OR left(address_json, 1) = '{')
      AND (CASE WHEN regexp_full_match(items_json, '\[\{"product_id":"[^"\\]+","quantity":[1-9][0-9]{0,17},"unit_price":(0|[1-9][0-9]{0,19})(\.[0-9]+)?\}(,\{"product_id":"[^"\\]+","quantity":[1-9][0-9]{0,17},"unit_price":(0|[1-9][0-9]{0,19})(\.[0-9]+)?\})*\]') THEN true
    ELSE left(items_json, 1) = '[' AND coalesce(list_bool_and(list_transform(
      json_transform(items_json, '[{"product_id":"JSON","quantity":"JSON","unit_price":"JSON"}]'),
      -- coalesce inside: list_bool_and, like bool_and, skips NULLs (an item without a field).
      lambda e: coalesce(
        left(CAST(e.product_id AS VARCHAR), 1) = '"' AND CAST(e.product_id AS VARCHAR) <> '""'
        AND TRY_CAST(CAST(e.quantity AS VARCHAR) AS DOUBLE) >= 1
        AND TRY_CAST(CAST(e.quantity AS VARCHAR) AS DOUBLE) = floor(TRY_CAST(CAST(e.quantity AS VARCHAR) AS DOUBLE))
        AND TRY_CAST(CAST(e.quantity AS VARCHAR) AS DOUBLE) < 9.2e18
        AND CAST(COALESCE(TRY_CAST(CAST(e.unit_price AS VARCHAR) AS DECIMAL(18, 9)), TRY_CAST(CAST(e.unit_price AS VARCHAR) AS DECIMAL(38, 9))) AS DECIMAL(38, 9)) >= 0, false))), false)
  END),
      false) AS is_valid
  FROM fields
),
typed AS (
  SELECT
    *,
    -- NULL for a line that is not valid, or whose date does not exist (2025-02-30).
    CASE WHEN is_valid THEN CASE
  WHEN ts_text[-1:] = 'Z' OR ts_text[-6:-6] = '+' OR ts_text[-6:-6] = '-'
    THEN CAST(TRY_CAST(ts_text AS TIMESTAMPTZ) AS TIMESTAMP)
  ELSE TRY_CAST(ts_text AS TIMESTAMP)
END END AS order_timestamp,
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
  $batch_id, order_id, customer_id, order_timestamp, total_amount, payment_status, items, item_count,
  street, city, state, zipcode, country, source_file, line_number, CAST(current_timestamp AS TIMESTAMP)
FROM valid
ANTI JOIN dropped USING (source_file, line_number)
