-- Builds:   quarantine_orders: every line of one batch that breaks a rule, with the first failing reason
--           (reason_code) and the field path (reason_detail, JSONPath without "$.", 0-based item index).
-- Params:   batch_id (string).
-- Strategy: append for the batch (reset_batch clears it first); runs after stage_orders. Only the lines
--           stage_orders did not keep are examined (a few per batch), with one json_type/json_extract per
--           field, in rule order: invalid_json; missing_required_field over order_id, customer_id,
--           order_timestamp, items, total_amount, then each item object's product_id, quantity, unit_price;
--           invalid_field_type in the same field order (plus shipping_address, and items[i] not an object);
--           invalid_field_value (plus payment_status); empty_items. A line that breaks no rule was a dropped
--           duplicate and is not inserted (batch_reconciliation proves that every such line has a kept copy).
INSERT INTO "ecommerce_data"."quarantine_orders"
  (batch_id, source_file, line_number, raw_line, order_id, reason_code, reason_detail, quarantined_at)
WITH not_kept AS (
  SELECT r.source_file, r.line_number, r.raw_line
  FROM "ecommerce_data"."staging_orders_raw" AS r
  ANTI JOIN (
    SELECT source_file, line_number FROM "ecommerce_data"."staging_orders" WHERE batch_id = $batch_id
  ) AS s ON s.source_file = r.source_file AND s.line_number = r.line_number
  WHERE r.batch_id = $batch_id
),
objects AS (
  SELECT *, CASE WHEN (json_valid(raw_line)
    AND NOT contains(raw_line, chr(65533))
    AND NOT (
      CASE
        WHEN regexp_matches(raw_line, ',[ \t\r]*([\]}]|-?([nN][aA]|[iI]))')
          OR regexp_matches(raw_line, ':[ \t\r]*-?([nN][aA]|[iI])')
          OR regexp_matches(raw_line, '\[[ \t\r]*-?([nN][aA]|[iI])')
        THEN regexp_matches(raw_line, '^([^"]|"([^"\\]|\\.)*")*?([iIN]|n[aA]|,[ \t\r]*[\]}])')
        ELSE false
      END)) THEN json_type(raw_line) = 'OBJECT' ELSE false END AS is_object
  FROM not_kept
),
types AS (
  -- The JSON type of each field: NULL when absent, 'NULL' when null; item types only for an items array.
  SELECT
    *,
    CASE WHEN is_object THEN json_type(raw_line, '$.order_id') END AS t_order_id,
    CASE WHEN is_object THEN json_type(raw_line, '$.customer_id') END AS t_customer_id,
    CASE WHEN is_object THEN json_type(raw_line, '$.order_timestamp') END AS t_order_timestamp,
    CASE WHEN is_object THEN json_type(raw_line, '$.items') END AS t_items,
    CASE WHEN is_object THEN json_type(raw_line, '$.total_amount') END AS t_total_amount,
    CASE WHEN is_object THEN json_type(raw_line, '$.payment_status') END AS t_payment_status,
    CASE WHEN is_object THEN json_type(raw_line, '$.shipping_address') END AS t_shipping_address,
    CASE WHEN is_object AND json_type(raw_line, '$.items') = 'ARRAY' THEN
      list_transform(CAST(json_extract(raw_line, '$.items[*]') AS VARCHAR[]), lambda e: {
        't': json_type(e),
        't_product_id': json_type(e, '$.product_id'),
        't_quantity': json_type(e, '$.quantity'),
        't_unit_price': json_type(e, '$.unit_price'),
        'product_id': json_extract_string(e, '$.product_id'),
        'quantity': TRY_CAST(json_extract_string(e, '$.quantity') AS DOUBLE),
        'unit_price': CAST(COALESCE(TRY_CAST(json_extract_string(e, '$.unit_price') AS DECIMAL(18, 9)), TRY_CAST(json_extract_string(e, '$.unit_price') AS DECIMAL(38, 9))) AS DECIMAL(38, 9))
      })
    END AS els
  FROM objects
),
item_failures AS (
  SELECT
    *,
    -- 1-based position of the first item breaking each kind of rule (0 when none does).
    list_position(list_transform(els, lambda e: e.t = 'OBJECT' AND (
      coalesce(e.t_product_id, 'NULL') = 'NULL' OR coalesce(e.t_quantity, 'NULL') = 'NULL'
      OR coalesce(e.t_unit_price, 'NULL') = 'NULL')), true) AS k_missing,
    list_position(list_transform(els, lambda e: e.t <> 'OBJECT' OR e.t_product_id <> 'VARCHAR'
      OR e.t_quantity NOT IN ('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE') OR e.t_unit_price NOT IN ('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE')), true) AS k_type,
    list_position(list_transform(els, lambda e: e.product_id = ''
      OR NOT coalesce(e.quantity >= 1 AND e.quantity = floor(e.quantity) AND e.quantity < 9.2e18, false)
      OR NOT coalesce(e.unit_price >= 0, false)), true) AS k_value,
    CASE WHEN is_object THEN json_extract_string(raw_line, '$.order_id') END AS v_order_id,
    CASE WHEN is_object THEN json_extract_string(raw_line, '$.customer_id') END AS v_customer_id,
    CASE WHEN is_object THEN json_extract_string(raw_line, '$.order_timestamp') END AS v_order_timestamp,
    CASE WHEN is_object THEN CAST(COALESCE(TRY_CAST(json_extract_string(raw_line, '$.total_amount') AS DECIMAL(18, 9)), TRY_CAST(json_extract_string(raw_line, '$.total_amount') AS DECIMAL(38, 9))) AS DECIMAL(38, 9)) END AS v_total_amount,
    CASE WHEN is_object THEN json_extract_string(raw_line, '$.payment_status') END AS v_payment_status
  FROM types
),
reasons AS (
  SELECT
    *,
    CASE
      WHEN NOT is_object THEN {'code': 'invalid_json', 'detail': NULL}
      WHEN coalesce(t_order_id, 'NULL') = 'NULL' THEN {'code': 'missing_required_field', 'detail': 'order_id'}
      WHEN coalesce(t_customer_id, 'NULL') = 'NULL' THEN {'code': 'missing_required_field', 'detail': 'customer_id'}
      WHEN coalesce(t_order_timestamp, 'NULL') = 'NULL' THEN {'code': 'missing_required_field', 'detail': 'order_timestamp'}
      WHEN coalesce(t_items, 'NULL') = 'NULL' THEN {'code': 'missing_required_field', 'detail': 'items'}
      WHEN coalesce(t_total_amount, 'NULL') = 'NULL' THEN {'code': 'missing_required_field', 'detail': 'total_amount'}
      WHEN k_missing > 0 THEN {'code': 'missing_required_field', 'detail': 'items[' || (k_missing - 1) || '].' ||
        CASE
          WHEN coalesce(els[k_missing].t_product_id, 'NULL') = 'NULL' THEN 'product_id'
          WHEN coalesce(els[k_missing].t_quantity, 'NULL') = 'NULL' THEN 'quantity'
          ELSE 'unit_price'
        END}
      WHEN t_order_id <> 'VARCHAR' THEN {'code': 'invalid_field_type', 'detail': 'order_id'}
      WHEN t_customer_id <> 'VARCHAR' THEN {'code': 'invalid_field_type', 'detail': 'customer_id'}
      WHEN t_order_timestamp <> 'VARCHAR' THEN {'code': 'invalid_field_type', 'detail': 'order_timestamp'}
      WHEN t_items <> 'ARRAY' THEN {'code': 'invalid_field_type', 'detail': 'items'}
      WHEN t_total_amount NOT IN ('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE') THEN {'code': 'invalid_field_type', 'detail': 'total_amount'}
      WHEN t_shipping_address NOT IN ('NULL', 'OBJECT') THEN {'code': 'invalid_field_type', 'detail': 'shipping_address'}
      WHEN k_type > 0 THEN {'code': 'invalid_field_type', 'detail': 'items[' || (k_type - 1) || ']' ||
        CASE
          WHEN els[k_type].t <> 'OBJECT' THEN ''
          WHEN els[k_type].t_product_id <> 'VARCHAR' THEN '.product_id'
          WHEN els[k_type].t_quantity NOT IN ('BIGINT', 'UBIGINT', 'HUGEINT', 'DOUBLE') THEN '.quantity'
          ELSE '.unit_price'
        END}
      WHEN v_order_id = '' THEN {'code': 'invalid_field_value', 'detail': 'order_id'}
      WHEN v_customer_id = '' THEN {'code': 'invalid_field_value', 'detail': 'customer_id'}
      WHEN NOT regexp_full_match(v_order_timestamp, '[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?')
        OR CASE
  WHEN v_order_timestamp[-1:] = 'Z' OR v_order_timestamp[-6:-6] = '+' OR v_order_timestamp[-6:-6] = '-'
    THEN CAST(TRY_CAST(v_order_timestamp AS TIMESTAMPTZ) AS TIMESTAMP)
  ELSE TRY_CAST(v_order_timestamp AS TIMESTAMP)
END IS NULL
        THEN {'code': 'invalid_field_value', 'detail': 'order_timestamp'}
      WHEN NOT coalesce(v_total_amount >= 0, false) THEN {'code': 'invalid_field_value', 'detail': 'total_amount'}
      WHEN coalesce(t_payment_status, 'NULL') <> 'NULL'
        AND (t_payment_status <> 'VARCHAR' OR v_payment_status NOT IN ('completed', 'pending', 'failed'))
        THEN {'code': 'invalid_field_value', 'detail': 'payment_status'}
      WHEN k_value > 0 THEN {'code': 'invalid_field_value', 'detail': 'items[' || (k_value - 1) || '].' ||
        CASE
          WHEN els[k_value].product_id = '' THEN 'product_id'
          WHEN NOT coalesce(els[k_value].quantity >= 1 AND els[k_value].quantity = floor(els[k_value].quantity)
            AND els[k_value].quantity < 9.2e18, false) THEN 'quantity'
          ELSE 'unit_price'
        END}
      WHEN len(els) = 0 THEN {'code': 'empty_items', 'detail': 'items'}
    END AS reason
  FROM item_failures
)
SELECT
  $batch_id, source_file, line_number, raw_line,
  CASE WHEN t_order_id = 'VARCHAR' THEN v_order_id END,
  reason.code, reason.detail, CAST(current_timestamp AS TIMESTAMP)
FROM reasons
WHERE reason IS NOT NULL
