/**
 * Runs one dispatched try: claims it (queued -> running, compare-and-set on the try number), builds the
 * job's context, runs the job under its timeout, and writes the outcome with a compare-and-set, so a try
 * that lost its lease writes nothing. The executor calls `handle`; it never throws for a job's failure.
 */
import type { JsonValue } from '../core/dag/dag-definition.ts';
import { type DagSpec, findTask, type TaskSpec } from '../core/dag/dag-spec.ts';
import { NonRetryableError } from '../core/errors/non-retryable-error.ts';
import { hasCode } from '../core/errors/sluice-error.ts';
import { TaskTimeoutError } from '../core/errors/task-timeout-error.ts';
import { compactTimestamp } from '../core/ids.ts';
import { decideAfterFailure } from '../core/retry-policy.ts';
import type { Clock } from '../ports/clock.ts';
import type { TaskDispatch, TaskHandler } from '../ports/executor.ts';
import type { Logger } from '../ports/logger.ts';
import type { MetadataStore, StartedTry, TryError, TryOutcome } from '../ports/metadata-store.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { Dialect, Warehouse, WorkIdentity } from '../ports/warehouse.ts';
import type { Job } from '../sdk/define-job.ts';
import type { JobContext } from '../sdk/job-context.ts';
import { isJobOutcome } from '../sdk/job-outcome.ts';
import type { DagSource } from './dag-loader.ts';
import type { JobSource } from './job-loader.ts';
import { TryLogger } from './try-logger.ts';

/** How a try reaches the warehouse, the bucket and the SQL templates (given by the composition root). */
export interface TryResources {
  /** Build a warehouse session (adapters connect lazily); closed after the try. */
  openWarehouse(): Promise<Warehouse>;
  /** The process' object store (opened once, shared by tries). */
  objectStore(): Promise<ObjectStore>;
  /** Render `<name>.sql` for a dialect; absent until the SQL layer is wired. */
  renderSql?(name: string, vars: Record<string, unknown> | undefined, target: SqlTarget): string;
}

export interface SqlTarget {
  readonly dialect: Dialect;
  readonly qualify: (table: string) => string;
}

export interface TaskRunnerOptions {
  readonly store: MetadataStore;
  readonly dags: DagSource;
  readonly jobs: JobSource;
  readonly clock: Clock;
  /** Process logger: try lines are echoed here too. */
  readonly logger: Logger;
  /** This process' worker id (recorded on the try; zombie detection looks at its heartbeat). */
  readonly workerId: string;
  readonly resources: TryResources;
}

export interface TaskRunner {
  readonly handle: TaskHandler;
  /** Tries running in this process now. */
  active(): number;
}

const NOT_AVAILABLE = Symbol('not available');

/**
 * Build the task runner of a worker (or of the standalone process).
 *
 * @example const runner = createTaskRunner({ store, dags, jobs, clock, logger, workerId, resources })
 */
export function createTaskRunner(options: TaskRunnerOptions): TaskRunner {
  let active = 0;
  const handle: TaskHandler = async (dispatch, signal) => {
    active++;
    try {
      await runTry(options, dispatch, signal);
    } finally {
      active--;
    }
  };
  return { handle, active: () => active };
}

async function runTry(options: TaskRunnerOptions, dispatch: TaskDispatch, outer: AbortSignal): Promise<void> {
  const { store, clock, logger, workerId } = options;
  const key = { runId: dispatch.runId, taskId: dispatch.taskId, tryNumber: dispatch.tryNumber };
  const spec = options.dags.get(dispatch.dagId);
  const task = spec ? findTask(spec, dispatch.taskId) : undefined;
  // ctx.upstream() is synchronous, so the results it may read come with the claim (no extra round trip):
  // those of the task's ancestors only, none for a task without upstream.
  const resultsOf = spec && task ? ancestorsOf(spec, task.id) : [];
  const started = await persistently(options, 'claim a try', key, () =>
    store.startTry(key, workerId, clock.now(), { resultsOf }),
  );
  if (!started) {
    logger.debug('dispatch already handled or superseded', { dispatchId: dispatch.dispatchId });
    return;
  }
  const log = new TryLogger(store, key, clock, logger.child({ dagId: dispatch.dagId }));
  let outcome: TryOutcome;
  if (!task) {
    outcome = failure(
      null,
      new Error(
        `task ${dispatch.taskId} of DAG ${dispatch.dagId} is not in this worker's DAG files; deploy the same dags/ everywhere`,
      ),
      true,
      started,
      clock.now(),
    );
  } else {
    outcome = await execute(options, started, task, log, outer, dispatch);
  }
  await log.flush();
  const written = await persistently(options, 'record the outcome of a try', key, () =>
    store.finishTry(key, outcome, clock.now()),
  );
  if (!written)
    logger.warn('try lost its lease before finishing; its outcome was discarded', {
      dispatchId: dispatch.dispatchId,
      outcome: outcome.state,
    });
}

/**
 * Run a metadata write that must not be lost to a short database outage (a Postgres restart or failover),
 * retrying with backoff. Claiming: a job that failed on the claim would leave the try queued with its
 * BullMQ job already spent. Finishing: the work is done, and giving up would leave the try `running` under
 * a live worker that no zombie sweep reaps. A fenced try is not an error: the write returns false/undefined.
 */
async function persistently<T>(
  options: TaskRunnerOptions,
  what: string,
  key: { runId: string; taskId: string; tryNumber: number },
  write: () => Promise<T>,
): Promise<T> {
  const { clock, logger } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= WRITE_ATTEMPTS) throw error;
      const delayMs = Math.min(250 * 2 ** (attempt - 1), 5_000);
      logger.warn(`cannot ${what} yet; retrying`, {
        ...key,
        attempt,
        delayMs,
        error: (error as Error).message,
      });
      await clock.sleep(delayMs);
    }
  }
}

/** About two minutes of retries (250 ms doubling to 5 s) before the error surfaces. */
const WRITE_ATTEMPTS = 30;

const ancestorCache = new WeakMap<
  DagSpec,
  { byId: Map<string, TaskSpec>; ancestors: Map<string, readonly string[]> }
>();

/** Every task `taskId` depends on, directly or through others (cached per spec). */
function ancestorsOf(spec: DagSpec, taskId: string): readonly string[] {
  let cache = ancestorCache.get(spec);
  if (!cache) {
    cache = { byId: new Map(spec.tasks.map((t) => [t.id, t])), ancestors: new Map() };
    ancestorCache.set(spec, cache);
  }
  const cached = cache.ancestors.get(taskId);
  if (cached) return cached;
  const seen = new Set<string>();
  const stack = [...(cache.byId.get(taskId)?.upstream ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(cache.byId.get(id)?.upstream ?? []));
  }
  const ancestors = [...seen];
  cache.ancestors.set(taskId, ancestors);
  return ancestors;
}

async function execute(
  options: TaskRunnerOptions,
  started: StartedTry,
  task: TaskSpec,
  log: TryLogger,
  outer: AbortSignal,
  dispatch: TaskDispatch,
): Promise<TryOutcome> {
  const { store, clock, resources } = options;
  const { instance, run } = started;
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort(outer.reason);
  if (outer.aborted) onOuterAbort();
  else outer.addEventListener('abort', onOuterAbort, { once: true });
  const stopTimer = new AbortController();
  void clock.sleep(task.timeoutMs, stopTimer.signal).then(() => {
    if (!stopTimer.signal.aborted) controller.abort(new TaskTimeoutError(task.id, task.timeoutMs));
  });

  let warehouse: Warehouse | undefined;
  let warehouseError: unknown;
  try {
    warehouse = await resources.openWarehouse();
  } catch (error) {
    warehouseError = error;
  }
  let objects: ObjectStore | typeof NOT_AVAILABLE = NOT_AVAILABLE;
  let objectsError: unknown;
  try {
    objects = await resources.objectStore();
  } catch (error) {
    objectsError = error;
  }

  try {
    const job: Job = await options.jobs.load(task.job);
    const params = job.params
      ? job.params.safeParse(task.params)
      : { success: true as const, data: task.params };
    if (!params.success) {
      const issue = params.error.issues[0];
      throw new NonRetryableError(
        `params of task ${task.id} do not match job ${task.job}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`,
      );
    }
    const results = started.results;
    const identity: WorkIdentity = {
      jobIdPrefix: `sluice_${instance.dagId}_${task.id}_${compactTimestamp(run.intervalStart)}_try${instance.tryNumber}`,
      labels: {
        sluice_dag: label(instance.dagId),
        sluice_task: label(task.id),
        sluice_run: label(run.runId),
        sluice_try: String(instance.tryNumber),
      },
    };
    const ctx: JobContext<unknown> = {
      dagId: instance.dagId,
      runId: instance.runId,
      taskId: task.id,
      tryNumber: instance.tryNumber,
      runType: run.runType,
      interval: { start: run.intervalStart, end: run.intervalEnd },
      params: params.data,
      log,
      signal: controller.signal,
      get warehouse(): Warehouse {
        if (!warehouse) throw warehouseError;
        return warehouse;
      },
      get objects(): ObjectStore {
        if (objects === NOT_AVAILABLE) throw objectsError;
        return objects;
      },
      ledger: store.ledger,
      identity,
      sql(name, vars) {
        if (!resources.renderSql)
          throw new Error(
            'ctx.sql is not available yet: the SQL renderer (src/sql) is not wired in this build',
          );
        if (!warehouse) throw warehouseError;
        return resources.renderSql(name, vars, {
          dialect: warehouse.dialect,
          qualify: (t) => warehouse!.qualify(t),
        });
      },
      upstream<T = JsonValue>(taskId: string): T | undefined {
        const value = Object.hasOwn(results, taskId) ? results[taskId] : undefined;
        return value === null || value === undefined ? undefined : (value as T);
      },
    };
    const aborted = new Promise<never>((_, reject) => {
      const fire = () => reject(controller.signal.reason);
      if (controller.signal.aborted) fire();
      else controller.signal.addEventListener('abort', fire, { once: true });
    });
    aborted.catch(() => {});
    const value = await Promise.race([Promise.resolve().then(() => job.run(ctx as never)), aborted]);
    return success(value, task, instance.firstStartedAt ?? clock.now(), clock.now(), log);
  } catch (error) {
    const now = clock.now();
    if (hasCode(error, 'E_WORKER_SHUTDOWN')) {
      log.warn(`try handed back: ${(error as Error).message}`);
      return { state: 'up_for_retry', nextAttemptAt: now, error: toTryError(error), countsAsFailure: false };
    }
    log.error(`try ${instance.tryNumber} failed: ${(error as Error)?.message ?? String(error)}`);
    const nonRetryable = hasCode(error, 'E_NON_RETRYABLE');
    return failure(task, error, nonRetryable, started, now);
  } finally {
    // A plain reason: the default one is a DOMException, whose stack capture shows in a worker's profile.
    stopTimer.abort('try ended');
    outer.removeEventListener('abort', onOuterAbort);
    if (warehouse) {
      await warehouse.close().catch((error: unknown) =>
        options.logger.warn('closing the warehouse after a try failed', {
          dispatchId: dispatch.dispatchId,
          error: (error as Error).message,
        }),
      );
    }
  }
}

function success(
  value: unknown,
  task: TaskSpec,
  firstStartedAt: Date,
  now: Date,
  log: TryLogger,
): TryOutcome {
  if (isJobOutcome(value)) {
    if (value.__sluice === 'skip') {
      log.info(`skipped: ${value.reason}`);
      return { state: 'skipped', result: null, countsAsFailure: false };
    }
    const sensor = task.sensor ?? { pokeIntervalMs: 60_000, timeoutMs: 3_600_000, softFail: false };
    const waited = now.getTime() - firstStartedAt.getTime();
    if (waited >= sensor.timeoutMs) {
      const message = `sensor timed out after ${waited} ms (timeout ${sensor.timeoutMs} ms): ${value.reason}`;
      log.warn(message);
      return sensor.softFail
        ? { state: 'skipped', result: null, countsAsFailure: false }
        : {
            state: 'failed',
            error: { code: 'E_SENSOR_TIMEOUT', message, stack: null },
            countsAsFailure: true,
          };
    }
    log.info(`not ready, poking again in ${sensor.pokeIntervalMs} ms: ${value.reason}`);
    return {
      state: 'up_for_reschedule',
      nextAttemptAt: new Date(now.getTime() + sensor.pokeIntervalMs),
      countsAsFailure: false,
    };
  }
  return { state: 'success', result: toJsonResult(value), countsAsFailure: false };
}

function failure(
  task: TaskSpec | null,
  error: unknown,
  nonRetryable: boolean,
  started: StartedTry,
  now: Date,
): TryOutcome {
  const tryError = toTryError(error);
  if (!task) return { state: 'failed', error: tryError, countsAsFailure: true };
  const decision = decideAfterFailure(task, {
    failures: started.instance.failures + 1,
    nonRetryable,
    now,
  });
  return decision.state === 'up_for_retry'
    ? { state: 'up_for_retry', nextAttemptAt: decision.retryAt, error: tryError, countsAsFailure: true }
    : { state: 'failed', error: tryError, countsAsFailure: true };
}

function toTryError(error: unknown): TryError {
  if (error instanceof Error)
    return {
      code:
        typeof (error as { code?: unknown }).code === 'string'
          ? (error as unknown as { code: string }).code
          : null,
      message: error.message,
      stack: error.stack ?? null,
    };
  return { code: null, message: String(error), stack: null };
}

function toJsonResult(value: unknown): JsonValue | null {
  if (value === undefined || value === null) return null;
  try {
    return JSON.parse(JSON.stringify(value)) as JsonValue;
  } catch {
    return { unserializable: String(value) };
  }
}

/** BigQuery label values: lowercase letters, digits, `_` and `-`, at most 63 characters. */
function label(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '_')
    .slice(0, 63);
}
