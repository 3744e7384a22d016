/**
 * The executor port: how the scheduler hands a task try to something that runs it. Payloads carry identity
 * only; results travel through the metadata DB, and `onSettled` merely wakes the scheduler early.
 * Implementations: `local` (in-process, concurrency-limited) and `bullmq` (one queue per pool, workers in
 * other processes). Both pass the same contract suite (`test/contract/executor.contract.ts`).
 */

/** Everything a worker needs to find the task try in the metadata DB. Serializable. */
export interface TaskDispatch {
  /** Deterministic per (run, task, try): the BullMQ job id and the warehouse job-id prefix. */
  readonly dispatchId: string;
  readonly runId: string;
  readonly dagId: string;
  readonly taskId: string;
  readonly tryNumber: number;
  readonly pool: string;
  /** Start no earlier than this (reschedule-mode sensors, retry delays handled by a delayed job). */
  readonly notBefore?: Date;
  /**
   * Set by the scheduler's lost-dispatch sweep: the try was handed over before and is still `queued`, so an
   * earlier handling of it, if any, failed before it could record anything. An executor that keeps failed
   * jobs by id lets this one run again (the worker's claim fences a duplicate). Not part of the payload.
   */
  readonly redelivery?: boolean;
}

/** A worker reports that a dispatched try reached a terminal or waiting state (already written to metadata). */
export interface TaskSettled {
  readonly dispatchId: string;
  readonly runId: string;
  readonly taskId: string;
  readonly tryNumber: number;
}

/** What actually runs a dispatched try (the runtime's task runner); given to executors that run in-process. */
export type TaskHandler = (dispatch: TaskDispatch, signal: AbortSignal) => Promise<void>;

export interface Executor {
  readonly kind: 'local' | 'bullmq';
  /**
   * Hand a try over; dispatching the same `dispatchId` twice must not run it twice, except as a `redelivery`
   * after its handler threw.
   */
  dispatch(task: TaskDispatch): Promise<void>;
  /** Called after a try settles, so the scheduler can evaluate the run without waiting for its next tick. */
  onSettled(listener: (event: TaskSettled) => void): () => void;
  /** Tries dispatched and not settled, as far as this executor knows (for metrics and tests). */
  inFlight(): Promise<number>;
  /** Stop taking work; wait for running tries up to `deadlineMs`, then abort them. */
  close(deadlineMs?: number): Promise<void>;
}
