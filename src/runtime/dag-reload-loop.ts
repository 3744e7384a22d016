/**
 * Reloads a process' DAGs every `intervalMs` of the clock (0: never on its own) and whenever asked (SIGHUP),
 * one reload at a time; `onChange` runs after a reload that changed something (the scheduler records the
 * new specs and pools, and re-evaluates).
 */
import type { Clock } from '../ports/clock.ts';
import type { Logger } from '../ports/logger.ts';
import type { DagReload, ReloadableDags } from './dag-reloader.ts';

export interface DagReloadLoop {
  /** Reload now (SIGHUP); resolves when the reload and its `onChange` are done. Never rejects. */
  reloadNow(): Promise<DagReload | undefined>;
  stop(): Promise<void>;
}

/**
 * Start reloading.
 *
 * @example const loop = startDagReloads({ dags, intervalMs: 30_000, clock, logger, onChange: () => scheduler.notify() })
 */
export function startDagReloads(options: {
  readonly dags: ReloadableDags;
  readonly intervalMs: number;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly onChange?: (reload: DagReload) => Promise<void> | void;
}): DagReloadLoop {
  const { dags, clock, logger } = options;
  const stopped = new AbortController();
  let chain: Promise<DagReload | undefined> = Promise.resolve(undefined);

  const reloadNow = (): Promise<DagReload | undefined> => {
    chain = chain.then(async () => {
      if (stopped.signal.aborted) return undefined;
      try {
        const reload = await dags.reload();
        if (reload.changed) await options.onChange?.(reload);
        return reload;
      } catch (error) {
        logger.error('reloading the DAGs failed; keeping the loaded ones', {
          error: (error as Error).message,
        });
        return undefined;
      }
    });
    return chain;
  };

  const loop = (async () => {
    if (options.intervalMs <= 0) return;
    while (!stopped.signal.aborted) {
      await clock.sleep(options.intervalMs, stopped.signal);
      if (stopped.signal.aborted) break;
      await reloadNow();
    }
  })();

  return {
    reloadNow,
    async stop() {
      stopped.abort();
      await loop;
      await chain;
    },
  };
}
