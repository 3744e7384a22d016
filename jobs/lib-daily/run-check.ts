/**
 * Runs one data-quality check of the daily DAG (a `quality/daily/<check>.sql` query returning failing rows)
 * inside the warehouse and records the result as one `data_quality_checks` row. Only the count and up to 10
 * sample keys come back to the orchestrator.
 */

import type { SqlParams } from '../../src/ports/warehouse.ts';
import type { JobContext } from '../../src/sdk/index.ts';

export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckSpec {
  /** File name under quality/daily/ (also the check_name). */
  readonly name: string;
  readonly targetTable: string;
  readonly params: SqlParams;
  readonly vars?: Record<string, unknown>;
  /** How many rows (or items) the check looked at; known to the caller. */
  readonly rowsChecked: number;
  /** Columns of the failing rows, in the order that makes the sample stable. */
  readonly orderBy: readonly string[];
  /** One sample key per failing row. */
  readonly sampleKey: (row: Record<string, unknown>) => string;
  /** Default severity of a failure. */
  readonly severity: 'warn' | 'error';
  /** Escalates a `warn` check to `error` (e.g. too many rows quarantined). */
  readonly escalate?: (rowsFailed: number, rowsChecked: number) => boolean;
  readonly details: string;
  readonly batchId?: string;
}

export interface CheckResult {
  readonly checkId: string;
  readonly status: CheckStatus;
  readonly severity: 'warn' | 'error';
  readonly rowsChecked: number;
  readonly rowsFailed: number;
  readonly sample: readonly string[];
}

/**
 * Run a check and record it. The check id is per (run, task, check), so a retry or a re-run of the same day
 * replaces its own row instead of adding one (docs/adr on daily idempotency).
 *
 * @example const r = await runCheck(ctx, { name: 'order_file_freshness', targetTable: 'fact_orders', ... })
 */
export async function runCheck(ctx: JobContext<unknown>, spec: CheckSpec): Promise<CheckResult> {
  const sql = (name: string, vars?: Record<string, unknown>) => ctx.sql(name, vars);
  const checkSql = sql(`quality/daily/${spec.name}`, spec.vars).trimEnd();
  const opts = { params: spec.params, identity: ctx.identity, signal: ctx.signal };
  const counted = await ctx.warehouse.query<{ n: number | string }>(
    `SELECT COUNT(*) AS n FROM (\n${checkSql}\n) AS failing`,
    opts,
  );
  const rowsFailed = Number(counted.rows[0]?.n ?? 0);
  const sample =
    rowsFailed === 0
      ? []
      : (
          await ctx.warehouse.query(
            `SELECT * FROM (\n${checkSql}\n) AS failing ORDER BY ${spec.orderBy.join(', ')} LIMIT 10`,
            opts,
          )
        ).rows.map(spec.sampleKey);
  const severity =
    spec.severity === 'error' || (rowsFailed > 0 && spec.escalate?.(rowsFailed, spec.rowsChecked))
      ? 'error'
      : 'warn';
  const status: CheckStatus = rowsFailed === 0 ? 'pass' : severity === 'error' ? 'fail' : 'warn';
  const checkId = `${ctx.runId}__${ctx.taskId}__${spec.name}`;
  await ctx.warehouse.execute(sql('quality/_record_result'), {
    params: {
      check_id: checkId,
      check_name: spec.name,
      target_table: spec.targetTable,
      dag_id: ctx.dagId,
      run_id: ctx.runId,
      task_id: ctx.taskId,
      batch_id: spec.batchId ?? '',
      interval_start: ctx.interval.start,
      interval_end: ctx.interval.end,
      severity,
      status,
      rows_checked: spec.rowsChecked,
      rows_failed: rowsFailed,
      sample: JSON.stringify(sample),
      details: spec.details,
    },
    identity: ctx.identity,
    signal: ctx.signal,
  });
  ctx.log[status === 'pass' ? 'info' : 'warn'](`check ${spec.name}: ${status}`, {
    rowsChecked: spec.rowsChecked,
    rowsFailed,
    sample,
  });
  return { checkId, status, severity, rowsChecked: spec.rowsChecked, rowsFailed, sample };
}
