/**
 * Whether the scheduler of this host is alive, from the heartbeat it records in the metadata DB (a worker
 * record of kind `scheduler`, written from its loop). The container health check of `sluice scheduler`.
 */
import { formatDuration } from '../core/duration.ts';
import type { MetadataStore } from '../ports/metadata-store.ts';

export interface SchedulerHealth {
  readonly healthy: boolean;
  /** One line for the operator. */
  readonly line: string;
}

/**
 * Healthy when a scheduler on `host` that has not stopped heartbeated within `maxAgeMs` of `now`.
 *
 * @example const { healthy, line } = await schedulerHealth(store, { host: hostname(), now: new Date(), maxAgeMs: 15_000 })
 */
export async function schedulerHealth(
  store: Pick<MetadataStore, 'listWorkers'>,
  options: { readonly host: string; readonly now: Date; readonly maxAgeMs: number },
): Promise<SchedulerHealth> {
  const schedulers = (await store.listWorkers()).filter((w) => w.kind === 'scheduler');
  const here = schedulers
    .filter((w) => w.hostname === options.host && w.stoppedAt === null)
    .sort((a, b) => b.lastHeartbeatAt.getTime() - a.lastHeartbeatAt.getTime());
  const latest = here[0];
  if (!latest) {
    const elsewhere = schedulers.filter((w) => w.stoppedAt === null).length;
    return {
      healthy: false,
      line:
        `unhealthy: no running scheduler on ${options.host} is recorded in the metadata DB` +
        (elsewhere > 0 ? ` (${elsewhere} on other hosts)` : ''),
    };
  }
  const age = Math.max(0, options.now.getTime() - latest.lastHeartbeatAt.getTime());
  if (age > options.maxAgeMs)
    return {
      healthy: false,
      line:
        `unhealthy: scheduler ${latest.workerId} last heartbeat ${formatDuration(age)} ago ` +
        `(limit ${formatDuration(options.maxAgeMs)})`,
    };
  return {
    healthy: true,
    line: `healthy: scheduler ${latest.workerId} heartbeat ${formatDuration(age)} ago`,
  };
}
