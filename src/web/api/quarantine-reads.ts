/**
 * The quarantine browser: pages of quarantined order lines (filtered by reason code and batch) and the count
 * per reason code. Read-only SQL from sql/dashboard/, values bound.
 */
import type { Row, Warehouse } from '../../ports/warehouse.ts';
import { renderDashboardSql } from './dashboard-sql.ts';

export interface QuarantineQuery {
  readonly reasonCode?: string;
  readonly batchId?: string;
  readonly limit: number;
  readonly offset: number;
}

/**
 * One page of quarantined lines; `hasMore` tells whether a next page exists.
 *
 * @example await quarantinePage(warehouse, { reasonCode: 'invalid_json', limit: 50, offset: 0 })
 */
export async function quarantinePage(
  warehouse: Warehouse,
  q: QuarantineQuery,
): Promise<{ rows: Row[]; hasMore: boolean }> {
  const sql = renderDashboardSql(warehouse, 'quarantine_rows', {
    by_reason: Boolean(q.reasonCode),
    by_batch: Boolean(q.batchId),
  });
  const { rows } = await warehouse.query(sql, {
    params: {
      limit: q.limit + 1,
      offset: q.offset,
      ...(q.reasonCode ? { reason_code: q.reasonCode } : {}),
      ...(q.batchId ? { batch_id: q.batchId } : {}),
    },
  });
  return { rows: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
}

/** Quarantined lines per reason code (optionally of one batch), most frequent first. */
export async function quarantineReasons(warehouse: Warehouse, q: { batchId?: string }): Promise<Row[]> {
  const sql = renderDashboardSql(warehouse, 'quarantine_reasons', { by_batch: Boolean(q.batchId) });
  const { rows } = await warehouse.query(sql, { params: q.batchId ? { batch_id: q.batchId } : {} });
  return rows;
}
