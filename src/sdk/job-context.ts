/**
 * What a job's `run(ctx)` receives: identity of the try, its data interval, parsed params, and the ports it
 * may use. Built by the task runner for each try.
 */
import type { JsonValue } from '../core/dag/dag-definition.ts';
import type { RunType } from '../core/run-state.ts';
import type { FileLedger } from '../ports/file-ledger.ts';
import type { Logger } from '../ports/logger.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { Warehouse, WorkIdentity } from '../ports/warehouse.ts';

export interface JobContext<P = Record<string, unknown>> {
  readonly dagId: string;
  readonly runId: string;
  readonly taskId: string;
  /** 1 for the first try; grows with retries and sensor pokes. */
  readonly tryNumber: number;
  readonly runType: RunType;
  /** Half-open `[start, end)` in UTC. Select data by this, never by the current time. */
  readonly interval: { readonly start: Date; readonly end: Date };
  /** The task's params, parsed by the job's schema. */
  readonly params: P;
  /** Lines are kept per try (`sluice tasks logs`). */
  readonly log: Logger;
  /** Aborted on timeout or cancel; pass it to long operations. */
  readonly signal: AbortSignal;
  /** Opened on first use, closed after the try. */
  readonly warehouse: Warehouse;
  readonly objects: ObjectStore;
  readonly ledger: FileLedger;
  /** Deterministic per (dag, task, interval, try): pass as `identity` in warehouse statements. */
  readonly identity: WorkIdentity;
  /**
   * Render `<projectDir>/<name>.sql` for the current dialect.
   *
   * @example ctx.warehouse.execute(ctx.sql('sql/orders/load_staging'), { params: { batch_id: ctx.runId } })
   */
  sql(name: string, vars?: Record<string, unknown>): string;
  /** The JSON result of an upstream task (direct or further up) of this run, like XCom; undefined otherwise. */
  upstream<T = JsonValue>(taskId: string): T | undefined;
}
