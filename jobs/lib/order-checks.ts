/**
 * Runs the data-quality checks of an order batch. A check is `quality/orders/<name>.sql`, a query returning
 * its failing rows with a `sample_key` column; one header line of the file carries its settings as JSON:
 *
 *   -- check: {"target_table": "staging_orders", "severity": "warn", "error_above_pct": 5, "rows_checked": "lines_read"}
 *
 * `severity` is `warn` or `error`; `error_above_pct` escalates a warning to an error when more than that share
 * of the rows checked fail; `rows_checked` names the batch count the check looks at. Every execution writes
 * one data_quality_checks row, replaced by check id (run, task, check) so a retry never adds a second one.
 * Only counts and up to 10 sample keys come back from the warehouse.
 */
import { z } from 'zod';
import type { JobContext } from '../../src/sdk/index.ts';
import { NonRetryableError } from '../../src/sdk/index.ts';
import type { BatchTotals } from './order-batch.ts';

/** The checks of every order batch, in the order they run (DESIGN.md, Data-quality checks). */
export const ORDER_CHECKS = [
  'batch_reconciliation',
  'schema_validation',
  'duplicate_order_ids',
  'amount_mismatch',
  'missing_customer_reference',
  'missing_product_reference',
] as const;

const ROWS_CHECKED = {
  lines_read: 'linesRead',
  lines_valid: 'linesValid',
  orders_kept: 'linesKept',
  order_lines: 'orderLines',
} as const satisfies Record<string, keyof BatchTotals>;

const checkSettings = z.strictObject({
  target_table: z.string().min(1),
  severity: z.enum(['warn', 'error']),
  error_above_pct: z.number().min(0).max(100).optional(),
  rows_checked: z.enum(Object.keys(ROWS_CHECKED) as [keyof typeof ROWS_CHECKED]),
});

export type CheckSettings = z.infer<typeof checkSettings>;
export type CheckStatus = 'pass' | 'warn' | 'fail';

export interface CheckResult {
  readonly [key: string]: string | number | string[];
  readonly check: string;
  readonly status: CheckStatus;
  readonly severity: 'warn' | 'error';
  readonly rowsChecked: number;
  readonly rowsFailed: number;
  readonly sample: string[];
  readonly details: string;
}

const SETTINGS_LINE = /^--\s*check:\s*(\{.*\})\s*$/m;

/**
 * The settings line of a check's SQL text; fails naming the file and the problem.
 *
 * @example checkSettingsOf('schema_validation', '-- check: {"target_table": "t", "severity": "warn", "rows_checked": "lines_read"}\nSELECT 1')
 */
export function checkSettingsOf(name: string, sql: string): CheckSettings {
  const file = `quality/orders/${name}.sql`;
  const line = SETTINGS_LINE.exec(sql)?.[1];
  if (!line)
    throw new NonRetryableError(
      `${file} has no settings line; add one like -- check: {"target_table": "staging_orders", "severity": "warn", "rows_checked": "lines_read"}`,
    );
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    throw new NonRetryableError(`${file}: the -- check: line is not JSON (${(error as Error).message})`);
  }
  const parsed = checkSettings.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new NonRetryableError(`${file}: -- check: ${issue.path.join('.') || '(line)'}: ${issue.message}`);
  }
  return parsed.data;
}

/** The status and effective severity of a check result (pure). */
export function judge(
  settings: CheckSettings,
  rowsFailed: number,
  rowsChecked: number,
): { status: CheckStatus; severity: 'warn' | 'error' } {
  const escalated =
    settings.error_above_pct !== undefined &&
    rowsChecked > 0 &&
    (rowsFailed / rowsChecked) * 100 > settings.error_above_pct;
  const severity = settings.severity === 'error' || escalated ? 'error' : 'warn';
  const status = rowsFailed === 0 ? 'pass' : severity === 'error' ? 'fail' : 'warn';
  return { status, severity };
}

function describe(settings: CheckSettings, result: { rowsFailed: number; rowsChecked: number }): string {
  const share =
    result.rowsChecked > 0 ? ` (${((result.rowsFailed / result.rowsChecked) * 100).toFixed(2)}%)` : '';
  const rule =
    settings.error_above_pct !== undefined
      ? `warn; error above ${settings.error_above_pct}% of ${settings.rows_checked}`
      : settings.severity;
  return `${result.rowsFailed} of ${result.rowsChecked} ${settings.rows_checked} failed${share}; severity ${rule}`;
}

/**
 * Run one check of the batch in the warehouse and record its data_quality_checks row.
 *
 * @example const r = await runOrderCheck(ctx, 'schema_validation', totals)
 */
export async function runOrderCheck(
  ctx: JobContext<unknown>,
  name: string,
  totals: BatchTotals,
): Promise<CheckResult> {
  const batchId = ctx.runId;
  const sql = ctx.sql(`quality/orders/${name}`).trimEnd();
  const settings = checkSettingsOf(name, sql);
  const opts = { params: { batch_id: batchId }, identity: ctx.identity, signal: ctx.signal };
  // One pass: the count of every failing row travels with the first 10 sample keys.
  const { rows } = await ctx.warehouse.query<{ rows_failed: number | string; sample_key: string | null }>(
    ctx.sql('quality/_failing_summary', { failing: sql }),
    opts,
  );
  const rowsFailed = Number(rows[0]?.rows_failed ?? 0);
  const rowsChecked = totals[ROWS_CHECKED[settings.rows_checked]];
  const sample = rows.map((r) => r.sample_key ?? '(null)');
  const { status, severity } = judge(settings, rowsFailed, rowsChecked);
  const details = describe(settings, { rowsFailed, rowsChecked });
  await ctx.warehouse.execute(ctx.sql('quality/_record_result'), {
    params: {
      check_id: `${ctx.runId}__${ctx.taskId}__${name}`,
      check_name: name,
      target_table: settings.target_table,
      dag_id: ctx.dagId,
      run_id: ctx.runId,
      task_id: ctx.taskId,
      batch_id: batchId,
      interval_start: ctx.interval.start,
      interval_end: ctx.interval.end,
      severity,
      status,
      rows_checked: rowsChecked,
      rows_failed: rowsFailed,
      sample: JSON.stringify(sample),
      details,
    },
    identity: ctx.identity,
    signal: ctx.signal,
  });
  ctx.log[status === 'pass' ? 'info' : 'warn'](`check ${name}: ${status}`, {
    rowsChecked,
    rowsFailed,
    sample,
  });
  return { check: name, status, severity, rowsChecked, rowsFailed, sample, details };
}
