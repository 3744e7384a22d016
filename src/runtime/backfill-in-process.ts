/**
 * `sluice backfill --wait` without a server: this process becomes the backfill's scheduler and executor
 * (the same Scheduler and local executor as `sluice standalone`), restricted to that backfill's runs: it
 * creates no scheduled runs and admits nothing else. Returns when the backfill has settled, or when
 * stopped; an interrupted backfill stays in the metadata DB and any scheduler resumes it.
 */
import { backfillsOf } from '../ports/backfill-store.ts';
import { BackfillExecutor } from './backfill-executor.ts';
import { createLocalEngine, type LocalEngineOptions } from './local-engine.ts';

export interface InProcessBackfill {
  readonly backfillId: string;
  /** Called every `pollMs` (and after each run ends); return true when the backfill has settled. */
  readonly onTick: () => Promise<boolean>;
  readonly pollMs?: number;
  /** Resolves when the caller wants to stop early (e.g. on SIGINT). */
  readonly stopSignal?: AbortSignal;
}

/**
 * Execute one backfill in this process until it settles.
 *
 * @example await runBackfillInProcess(rt.engineOptions(), { backfillId: 'bf-3', onTick: async () => done() })
 */
export async function runBackfillInProcess(
  options: Omit<LocalEngineOptions, 'scheduler' | 'events'>,
  input: InProcessBackfill,
): Promise<void> {
  const backfills = backfillsOf(options.store);
  if (!backfills) throw new Error('this metadata store keeps no backfill records');
  const runIds = new Set(
    (await backfills.listIntervals(input.backfillId, { limit: 1_000_000 })).map((i) => i.runId),
  );
  let wake: () => void = () => {};
  const engine = createLocalEngine({
    ...options,
    scheduler: {
      createScheduledRuns: false,
      admitQueuedRuns: false,
      runFilter: (runId) => runIds.has(runId),
      backfills: new BackfillExecutor({
        store: options.store,
        backfills,
        dags: options.dags,
        logger: options.logger,
        only: (id) => id === input.backfillId,
      }),
    },
    events: { runFinished: () => wake() },
  });
  await engine.start();
  try {
    for (;;) {
      if (await input.onTick()) return;
      if (input.stopSignal?.aborted) return;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, input.pollMs ?? 250);
        wake = () => {
          clearTimeout(t);
          resolve();
        };
        input.stopSignal?.addEventListener('abort', () => wake(), { once: true });
      });
    }
  } finally {
    await engine.stop();
  }
}
