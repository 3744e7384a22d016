-- Builds:   quarantine_orders: every line of one batch that breaks a rule, with the first failing reason
--           (reason_code) and the field path (reason_detail, JSONPath without "$.", 0-based item index).
-- Params:   batch_id (string).
-- Strategy: append for the batch (reset_batch clears it first). The same classification as stage_orders
--           (_classify.bigquery.sql); the lines with a reason are written here.
{% import 'sql/orders/_classify.bigquery.sql' as classify %}
INSERT INTO {{ ref('quarantine_orders') }}
  (batch_id, source_file, line_number, raw_line, order_id, reason_code, reason_detail, quarantined_at)
WITH classified AS (
{{ classify.classified_lines() }}
)
SELECT
  {{ param('batch_id') }}, c.source_file, c.line_number, c.raw_line,
  IF(c.t_order_id = 'string', c.order_id, NULL), c.reason.code, c.reason.detail, CURRENT_TIMESTAMP()
FROM classified AS c
WHERE c.reason.code IS NOT NULL
