-- Builds:   quarantine_orders: every line of one batch that breaks a rule, with the first failing reason
--           (reason_code) and the field path (reason_detail, JSONPath without "$.", 0-based item index).
-- Params:   batch_id (string).
-- Strategy: append for the batch (reset_batch clears it first). The same classification as stage_orders
--           (_classify.bigquery.sql); the lines with a reason are written here.
INSERT INTO `my-project.ecommerce_data.quarantine_orders`
  (batch_id, source_file, line_number, raw_line, order_id, reason_code, reason_detail, quarantined_at)
WITH classified AS (
SELECT
  l.*,
  CASE
    WHEN l.reason.code IS NOT NULL THEN NULL
    ELSE SAFE_CAST(l.ts_text AS TIMESTAMP)
  END AS order_timestamp
FROM (
  SELECT
    p.*,
    CASE
      WHEN p.j IS NULL OR JSON_TYPE(p.j) != 'object' THEN STRUCT('invalid_json' AS code, CAST(NULL AS STRING) AS detail)
      WHEN COALESCE(p.t_order_id, 'null') = 'null' THEN STRUCT('missing_required_field', 'order_id')
      WHEN COALESCE(p.t_customer_id, 'null') = 'null' THEN STRUCT('missing_required_field', 'customer_id')
      WHEN COALESCE(p.t_order_timestamp, 'null') = 'null' THEN STRUCT('missing_required_field', 'order_timestamp')
      WHEN COALESCE(p.t_items, 'null') = 'null' THEN STRUCT('missing_required_field', 'items')
      WHEN COALESCE(p.t_total_amount, 'null') = 'null' THEN STRUCT('missing_required_field', 'total_amount')
      WHEN p.missing_item IS NOT NULL THEN STRUCT('missing_required_field', p.missing_item)
      WHEN p.t_order_id != 'string' THEN STRUCT('invalid_field_type', 'order_id')
      WHEN p.t_customer_id != 'string' THEN STRUCT('invalid_field_type', 'customer_id')
      WHEN p.t_order_timestamp != 'string' THEN STRUCT('invalid_field_type', 'order_timestamp')
      WHEN p.t_items != 'array' THEN STRUCT('invalid_field_type', 'items')
      WHEN p.t_total_amount != 'number' THEN STRUCT('invalid_field_type', 'total_amount')
      WHEN COALESCE(p.t_shipping_address, 'null') NOT IN ('null', 'object') THEN STRUCT('invalid_field_type', 'shipping_address')
      WHEN p.bad_type_item IS NOT NULL THEN STRUCT('invalid_field_type', p.bad_type_item)
      WHEN p.order_id = '' THEN STRUCT('invalid_field_value', 'order_id')
      WHEN p.customer_id = '' THEN STRUCT('invalid_field_value', 'customer_id')
      WHEN NOT REGEXP_CONTAINS(p.ts_text, r'^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])?$')
        OR SAFE_CAST(p.ts_text AS TIMESTAMP) IS NULL THEN STRUCT('invalid_field_value', 'order_timestamp')
      WHEN COALESCE(p.total_amount >= 0, FALSE) = FALSE THEN STRUCT('invalid_field_value', 'total_amount')
      WHEN COALESCE(p.t_payment_status, 'null') != 'null'
        AND (p.t_payment_status != 'string' OR p.payment_status NOT IN ('completed', 'pending', 'failed'))
        THEN STRUCT('invalid_field_value', 'payment_status')
      WHEN p.bad_value_item IS NOT NULL THEN STRUCT('invalid_field_value', p.bad_value_item)
      WHEN ARRAY_LENGTH(JSON_QUERY_ARRAY(p.j, '$.items')) = 0 THEN STRUCT('empty_items', 'items')
    END AS reason
  FROM (
    SELECT
      t.*,
      JSON_TYPE(JSON_QUERY(t.j, '$.order_id')) AS t_order_id,
      JSON_TYPE(JSON_QUERY(t.j, '$.customer_id')) AS t_customer_id,
      JSON_TYPE(JSON_QUERY(t.j, '$.order_timestamp')) AS t_order_timestamp,
      JSON_TYPE(JSON_QUERY(t.j, '$.items')) AS t_items,
      JSON_TYPE(JSON_QUERY(t.j, '$.total_amount')) AS t_total_amount,
      JSON_TYPE(JSON_QUERY(t.j, '$.payment_status')) AS t_payment_status,
      JSON_TYPE(JSON_QUERY(t.j, '$.shipping_address')) AS t_shipping_address,
      JSON_VALUE(t.j, '$.order_id') AS order_id,
      JSON_VALUE(t.j, '$.customer_id') AS customer_id,
      JSON_VALUE(t.j, '$.order_timestamp') AS ts_text,
      SAFE_CAST(JSON_VALUE(t.j, '$.total_amount') AS NUMERIC) AS total_amount,
      JSON_VALUE(t.j, '$.payment_status') AS payment_status,
      -- The first item (0-based, in order) breaking each kind of rule, as its field path.
      (
        SELECT FORMAT('items[%d].%s', i, CASE
          WHEN COALESCE(JSON_TYPE(JSON_QUERY(it, '$.product_id')), 'null') = 'null' THEN 'product_id'
          WHEN COALESCE(JSON_TYPE(JSON_QUERY(it, '$.quantity')), 'null') = 'null' THEN 'quantity'
          ELSE 'unit_price' END)
        FROM UNNEST(JSON_QUERY_ARRAY(t.j, '$.items')) AS it WITH OFFSET AS i
        WHERE JSON_TYPE(it) = 'object' AND (
          COALESCE(JSON_TYPE(JSON_QUERY(it, '$.product_id')), 'null') = 'null'
          OR COALESCE(JSON_TYPE(JSON_QUERY(it, '$.quantity')), 'null') = 'null'
          OR COALESCE(JSON_TYPE(JSON_QUERY(it, '$.unit_price')), 'null') = 'null')
        ORDER BY i LIMIT 1
      ) AS missing_item,
      (
        SELECT CASE
          WHEN JSON_TYPE(it) != 'object' THEN FORMAT('items[%d]', i)
          WHEN JSON_TYPE(JSON_QUERY(it, '$.product_id')) != 'string' THEN FORMAT('items[%d].product_id', i)
          WHEN JSON_TYPE(JSON_QUERY(it, '$.quantity')) != 'number' THEN FORMAT('items[%d].quantity', i)
          ELSE FORMAT('items[%d].unit_price', i) END
        FROM UNNEST(JSON_QUERY_ARRAY(t.j, '$.items')) AS it WITH OFFSET AS i
        WHERE JSON_TYPE(it) != 'object'
          OR JSON_TYPE(JSON_QUERY(it, '$.product_id')) != 'string'
          OR JSON_TYPE(JSON_QUERY(it, '$.quantity')) != 'number'
          OR JSON_TYPE(JSON_QUERY(it, '$.unit_price')) != 'number'
        ORDER BY i LIMIT 1
      ) AS bad_type_item,
      (
        SELECT CASE
          WHEN JSON_VALUE(it, '$.product_id') = '' THEN FORMAT('items[%d].product_id', i)
          WHEN NOT COALESCE(
            SAFE_CAST(JSON_VALUE(it, '$.quantity') AS FLOAT64) >= 1
            AND SAFE_CAST(JSON_VALUE(it, '$.quantity') AS FLOAT64) = FLOOR(SAFE_CAST(JSON_VALUE(it, '$.quantity') AS FLOAT64))
            AND SAFE_CAST(JSON_VALUE(it, '$.quantity') AS FLOAT64) < 9.2e18, FALSE) THEN FORMAT('items[%d].quantity', i)
          ELSE FORMAT('items[%d].unit_price', i) END
        FROM UNNEST(JSON_QUERY_ARRAY(t.j, '$.items')) AS it WITH OFFSET AS i
        WHERE JSON_VALUE(it, '$.product_id') = ''
          OR NOT COALESCE(
            SAFE_CAST(JSON_VALUE(it, '$.quantity') AS FLOAT64) >= 1
            AND SAFE_CAST(JSON_VALUE(it, '$.quantity') AS FLOAT64) = FLOOR(SAFE_CAST(JSON_VALUE(it, '$.quantity') AS FLOAT64))
            AND SAFE_CAST(JSON_VALUE(it, '$.quantity') AS FLOAT64) < 9.2e18, FALSE)
          OR NOT COALESCE(SAFE_CAST(JSON_VALUE(it, '$.unit_price') AS NUMERIC) >= 0, FALSE)
        ORDER BY i LIMIT 1
      ) AS bad_value_item
    FROM (
      SELECT
        r.source_file, r.line_number, r.raw_line, r.landed_at,
        SAFE.PARSE_JSON(r.raw_line, wide_number_mode => 'round') AS j
      FROM `my-project.ecommerce_data.staging_orders_raw` AS r
      WHERE r.batch_id = @batch_id
    ) AS t
  ) AS p
) AS l
)
SELECT
  @batch_id, c.source_file, c.line_number, c.raw_line,
  IF(c.t_order_id = 'string', c.order_id, NULL), c.reason.code, c.reason.detail, CURRENT_TIMESTAMP()
FROM classified AS c
WHERE c.reason.code IS NOT NULL
