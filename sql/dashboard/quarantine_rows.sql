-- Builds:   nothing (read only): one page of quarantined order lines, newest batch first.
-- Params:   limit, offset (int); reason_code when by_reason; batch_id when by_batch. Vars: by_reason, by_batch.
-- Strategy: read only, paged by LIMIT/OFFSET in a stable order (the table's key).
-- golden vars: {"by_reason": true, "by_batch": true}
SELECT batch_id, source_file, line_number, order_id, reason_code, reason_detail, raw_line, quarantined_at
FROM {{ ref('quarantine_orders') }}
WHERE 1 = 1
{% if by_reason %}
  AND reason_code = {{ param('reason_code') }}
{% endif %}
{% if by_batch %}
  AND batch_id = {{ param('batch_id') }}
{% endif %}
ORDER BY batch_id DESC, source_file, line_number
LIMIT {{ param('limit') }} OFFSET {{ param('offset') }}
