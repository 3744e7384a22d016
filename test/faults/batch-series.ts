/**
 * The history of one scenario: the batches it landed (numbered from 0, one per run), what each run is
 * expected to have done, and the tasks' recent durations (so a fault can be injected at a seeded point of a
 * task). `check` runs every invariant over the whole history after a trial.
 */
import { type BatchExpectation, checkInvariants, type World } from './invariants.ts';
import { type Batch, landBatch } from './order-batches.ts';
import type { Tally } from './tally.ts';

export const LINES = 3_000;
export const FILES = 6;
/** Orders of earlier batches re-sent (changed) in each batch after the first. */
export const RESENDS = 25;

export class BatchSeries {
  readonly landed: Batch[] = [];
  readonly history: BatchExpectation[] = [];
  readonly #world: () => World;
  readonly #seed: string;
  readonly #tally: Tally;
  readonly #observed = new Map<string, number[]>();

  constructor(world: () => World, seed: string, tally: Tally) {
    this.#world = world;
    this.#seed = seed;
    this.#tally = tally;
  }

  /** Land the next batch into the bucket. */
  async land(options: { index?: number } = {}): Promise<Batch> {
    const batch = await landBatch(this.#world().home, {
      seed: this.#seed,
      index: options.index ?? this.landed.length,
      lines: LINES,
      files: FILES,
      earlier: this.landed,
      resends: this.landed.length > 0 ? RESENDS : 0,
    });
    this.landed.push(batch);
    return batch;
  }

  /** The usual expectation: the run succeeded, published its files and archived them all. */
  expect(batch: Batch, overrides: Partial<BatchExpectation> = {}): BatchExpectation {
    return {
      runId: batch.runId,
      intervalStart: batch.intervalStart,
      files: batch.files,
      outcome: 'success',
      published: true,
      archived: true,
      ...overrides,
    };
  }

  /** Add the runs to the history and check every invariant (these runs' accounting, the whole history's tables). */
  async check(label: string, ...runs: BatchExpectation[]): Promise<void> {
    for (const run of runs) {
      const at = this.history.findIndex((h) => h.runId === run.runId);
      if (at >= 0) this.history[at] = run;
      else this.history.push(run);
    }
    await checkInvariants(this.#tally, this.#world(), label, runs, this.history);
  }

  /** Every invariant again for every run so far (a later fault must not have changed an earlier batch). */
  async checkAll(label: string): Promise<void> {
    await checkInvariants(this.#tally, this.#world(), label, this.history, this.history);
  }

  /** Record the durations of a run's successful tries. */
  async observe(runId: string): Promise<void> {
    for (const t of await this.#world().meta<{ task_id: string; duration_ms: number }>(
      `select task_id, duration_ms from task_tries where run_id = $1 and state = 'success'`,
      [runId],
    ))
      this.#observed.set(
        t.task_id,
        [...(this.#observed.get(t.task_id) ?? []), Number(t.duration_ms)].slice(-3),
      );
  }

  /** A task's duration now: the median of its last three successful tries (100 ms before any). */
  duration(task: string): number {
    const d = [...(this.#observed.get(task) ?? [100])].sort((a, b) => a - b);
    return d[Math.floor(d.length / 2)]!;
  }
}
