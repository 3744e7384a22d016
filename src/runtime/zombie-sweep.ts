/**
 * Finds running tries whose worker is gone and ends them as a worker would (compare-and-set on the try):
 * `up_for_retry` when retries remain, else `failed` (docs/adr/0013-zombie-detection.md).
 */
import { hostname } from 'node:os';
import { findTask } from '../core/dag/dag-spec.ts';
import { decideAfterFailure } from '../core/retry-policy.ts';
import type { Logger } from '../ports/logger.ts';
import type { MetadataStore, RunningTry, TryOutcome } from '../ports/metadata-store.ts';
import type { DagSource } from './dag-loader.ts';

export interface ZombieSweepOptions {
  readonly store: MetadataStore;
  readonly dags: DagSource;
  readonly logger: Logger;
  /** A worker silent for longer than this is dead. */
  readonly thresholdMs: number;
  /** Whether a process on this host is alive (default: signal 0). */
  readonly isLocalProcessAlive?: (pid: number) => boolean;
  /** Only consider tries of these runs (inline `sluice run`). */
  readonly runFilter?: (runId: string) => boolean;
}

const HOST = hostname();

/** Why a running try is a zombie, or undefined when its worker looks alive. */
export function zombieReason(
  running: RunningTry,
  now: Date,
  thresholdMs: number,
  isLocalProcessAlive: (pid: number) => boolean,
): string | undefined {
  const { worker, instance } = running;
  if (!worker) {
    const since = instance.startedAt?.getTime() ?? 0;
    return now.getTime() - since > thresholdMs ? `worker ${instance.workerId} never registered` : undefined;
  }
  if (worker.hostname === HOST && worker.pid === process.pid) return undefined;
  if (worker.stoppedAt) return `worker ${worker.workerId} stopped at ${worker.stoppedAt.toISOString()}`;
  if (worker.hostname === HOST && !isLocalProcessAlive(worker.pid))
    return `worker ${worker.workerId} (pid ${worker.pid} on this host) is gone`;
  const silentMs = now.getTime() - worker.lastHeartbeatAt.getTime();
  if (silentMs > thresholdMs)
    return `worker ${worker.workerId} silent for ${silentMs} ms (threshold ${thresholdMs} ms)`;
  return undefined;
}

/**
 * End every zombie try; returns the run ids touched.
 *
 * @example const touched = await sweepZombies({ store, dags, logger, thresholdMs: 60_000 }, clock.now())
 */
export async function sweepZombies(options: ZombieSweepOptions, now: Date): Promise<string[]> {
  const alive = options.isLocalProcessAlive ?? isAlive;
  const touched: string[] = [];
  for (const running of await options.store.listRunningTries()) {
    const ti = running.instance;
    if (options.runFilter && !options.runFilter(ti.runId)) continue;
    const reason = zombieReason(running, now, options.thresholdMs, alive);
    if (!reason) continue;
    const task = options.dags.get(ti.dagId) ? findTask(options.dags.get(ti.dagId)!, ti.taskId) : undefined;
    const error = { code: 'E_ZOMBIE', message: `try ${ti.tryNumber} lost: ${reason}`, stack: null };
    const decision = task
      ? decideAfterFailure(task, { failures: ti.failures + 1, nonRetryable: false, now })
      : ({ state: 'failed' } as const);
    const outcome: TryOutcome =
      decision.state === 'up_for_retry'
        ? { state: 'up_for_retry', nextAttemptAt: decision.retryAt, error, countsAsFailure: true }
        : { state: 'failed', error, countsAsFailure: true };
    const key = { runId: ti.runId, taskId: ti.taskId, tryNumber: ti.tryNumber };
    if (await options.store.finishTry(key, outcome, now)) {
      await options.store.appendLogs(key, [{ at: now, level: 'error', message: error.message }]);
      options.logger.warn('zombie try ended', { ...key, reason, state: outcome.state });
      touched.push(ti.runId);
    }
  }
  return touched;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
