-- Builds:   nothing (read only): one page of quarantined order lines, newest batch first.
-- Params:   limit, offset (int); reason_code when by_reason; batch_id when by_batch. Vars: by_reason, by_batch.
-- Strategy: read only, paged by LIMIT/OFFSET in a stable order (the table's key).
-- golden vars: {"by_reason": true, "by_batch": true}
SELECT batch_id, source_file, line_number, order_id, reason_code, reason_detail, raw_line, quarantined_at
FROM `my-project.ecommerce_data.quarantine_orders`
WHERE 1 = 1
  AND reason_code = @reason_code
  AND batch_id = @batch_id
ORDER BY batch_id DESC, source_file, line_number
LIMIT @limit OFFSET @offset
