-- Check:    amount_mismatch on staging_orders (warn): orders whose total_amount differs from the sum of their
--           lines, abs(round(sum(quantity * unit_price), 2) - total_amount) > 0.01, in exact decimals. The
--           orders are kept as sent; the check runs once per batch, so a mismatch is reported once.
-- Params:   batch_id (string).
-- Returns:  one row per such order; sample_key = order_id (lines sum vs total).
-- check: {"target_table": "staging_orders", "severity": "warn", "rows_checked": "orders_kept"}
{% import 'sql/orders/_rules.duckdb.sql' as rules %}
WITH approximate AS (
  SELECT
    o.order_id, o.items, o.total_amount,
    list_sum(list_transform(
      json_transform(o.items, '[{"quantity":"DOUBLE","unit_price":"DOUBLE"}]'),
      lambda item: item.quantity * item.unit_price)) AS lines_double
  FROM {{ ref('staging_orders') }} AS o
  WHERE o.batch_id = {{ param('batch_id') }}
),
candidates AS (
  -- |round(S, 2) - T| <= |S - T| + 0.005, so an order more than 0.01 off is more than 0.005 off before
  -- rounding; doubles are far closer than 0.001 to the exact sums, so a 0.004 margin keeps every such order
  -- and only those are summed exactly (few: most totals match).
  SELECT * FROM approximate
  WHERE lines_double IS NULL OR abs(lines_double - CAST(total_amount AS DOUBLE)) > 0.004
),
sums AS (
  SELECT
    c.order_id, c.total_amount,
    round(list_sum(list_transform(
      json_transform(c.items, '[{"quantity":"DOUBLE","unit_price":"JSON"}]'),
      lambda item: CAST(item.quantity AS BIGINT) * {{ rules.decimal_of_text('CAST(item.unit_price AS VARCHAR)') }})), 2) AS lines_total
  FROM candidates AS c
)
SELECT order_id || ' (lines ' || CAST(lines_total AS VARCHAR) || ' vs total ' || CAST(total_amount AS VARCHAR) || ')' AS sample_key
FROM sums
WHERE abs(lines_total - total_amount) > 0.01
