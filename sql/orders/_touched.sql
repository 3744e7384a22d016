{#
  The staged versions of the orders a batch touched: every staging_orders row, of any batch, whose order_id the
  batch holds. That is the batch's own version (its new hour) and every earlier version (an old hour, which
  the publish took out of fact_orders). Staging keeps every batch, so this needs no capture step and survives
  retries and restarts; a version that never reached fact (a blocked batch) only adds an hour whose
  aggregate is recomputed to the same value. EXISTS, not IN: DuckDB then builds its hash table on
  whichever side is smaller; with IN it always hashes the batch's order_ids (1M orders in a first batch:
  0.03 s instead of 0.15 s, and this runs four times). Imported with {% import %}.
#}
{% macro touched_versions() -%}
SELECT b.order_timestamp
  FROM {{ ref('staging_orders') }} AS b
  WHERE b.batch_id = {{ param('batch_id') }}
  UNION ALL
  SELECT v.order_timestamp
  FROM {{ ref('staging_orders') }} AS v
  WHERE v.batch_id <> {{ param('batch_id') }}
    AND EXISTS (
      SELECT 1 FROM {{ ref('staging_orders') }} AS b
      WHERE b.batch_id = {{ param('batch_id') }} AND b.order_id = v.order_id
    )
{%- endmacro %}

{# The UTC hours the batch touched. #}
{% macro touched_hours() -%}
SELECT DISTINCT {{ ts_trunc('t.order_timestamp', 'hour') }} AS hour_start FROM ({{ touched_versions() }}) AS t
{%- endmacro %}

{# The UTC dates the batch touched. #}
{% macro touched_dates() -%}
SELECT DISTINCT {{ date_of('t.order_timestamp') }} AS order_date FROM ({{ touched_versions() }}) AS t
{%- endmacro %}
