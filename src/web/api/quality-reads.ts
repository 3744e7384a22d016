/**
 * Data-quality reads from the `data_quality_checks` audit table: the latest result of every check, the trend
 * of one check, and recent warnings/failures with their failing-row samples. Read-only SQL from
 * sql/dashboard/, values bound.
 */
import type { Row, Warehouse } from '../../ports/warehouse.ts';
import { renderDashboardSql } from './dashboard-sql.ts';

/** A check execution row, with `sample` parsed from its JSON text. */
export type CheckRow = Row & { sample?: unknown };

/**
 * The latest execution of each check (per DAG and check name).
 *
 * @example await latestChecks(warehouse, { dagId: 'order_processing_incremental' })
 */
export async function latestChecks(warehouse: Warehouse, filter: { dagId?: string }): Promise<CheckRow[]> {
  const sql = renderDashboardSql(warehouse, 'quality_latest', { by_dag: Boolean(filter.dagId) });
  const { rows } = await warehouse.query(sql, { params: filter.dagId ? { dag_id: filter.dagId } : {} });
  return rows.map(withSample);
}

/** The newest `limit` executions of one check, newest first. */
export async function checkTrend(
  warehouse: Warehouse,
  q: { dagId: string; checkName: string; limit: number },
): Promise<Row[]> {
  const sql = renderDashboardSql(warehouse, 'quality_trend');
  const { rows } = await warehouse.query(sql, {
    params: { dag_id: q.dagId, check_name: q.checkName, limit: q.limit },
  });
  return rows;
}

/** Recent executions that warned or failed, newest first, with samples. */
export async function recentCheckFailures(
  warehouse: Warehouse,
  q: { dagId?: string; checkName?: string; limit: number },
): Promise<CheckRow[]> {
  const sql = renderDashboardSql(warehouse, 'quality_failures', {
    by_dag: Boolean(q.dagId),
    by_check: Boolean(q.checkName),
  });
  const { rows } = await warehouse.query(sql, {
    params: {
      limit: q.limit,
      ...(q.dagId ? { dag_id: q.dagId } : {}),
      ...(q.checkName ? { check_name: q.checkName } : {}),
    },
  });
  return rows.map(withSample);
}

function withSample(row: Row): CheckRow {
  const raw = row.sample;
  if (typeof raw !== 'string') return row;
  try {
    return { ...row, sample: JSON.parse(raw) };
  } catch {
    return row;
  }
}
