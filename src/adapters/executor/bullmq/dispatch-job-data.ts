/**
 * The BullMQ job payload of a dispatched try: identity only (the worker reads everything else from the
 * metadata DB), as plain JSON. The job's return value is the `TaskSettled` the scheduler is woken with.
 */
import { SluiceError } from '../../../core/errors/sluice-error.ts';
import type { TaskDispatch, TaskSettled } from '../../../ports/executor.ts';

/** What is stored in Redis for one try. `notBefore` travels as an ISO string. */
export interface DispatchJobData {
  readonly dispatchId: string;
  readonly runId: string;
  readonly dagId: string;
  readonly taskId: string;
  readonly tryNumber: number;
  readonly pool: string;
  readonly notBefore?: string;
}

/** Serialize a dispatch for `queue.add`. */
export function toJobData(task: TaskDispatch): DispatchJobData {
  const data: DispatchJobData = {
    dispatchId: task.dispatchId,
    runId: task.runId,
    dagId: task.dagId,
    taskId: task.taskId,
    tryNumber: task.tryNumber,
    pool: task.pool,
  };
  return task.notBefore ? { ...data, notBefore: task.notBefore.toISOString() } : data;
}

/** Parse a job payload back into a dispatch; a payload from something else is an error naming the job. */
export function fromJobData(jobId: string | undefined, data: unknown): TaskDispatch {
  const d = data as Partial<DispatchJobData> | null;
  if (
    !d ||
    typeof d.dispatchId !== 'string' ||
    typeof d.runId !== 'string' ||
    typeof d.dagId !== 'string' ||
    typeof d.taskId !== 'string' ||
    typeof d.tryNumber !== 'number' ||
    typeof d.pool !== 'string'
  ) {
    throw new SluiceError(
      'E_BAD_DISPATCH',
      `BullMQ job ${jobId ?? '(no id)'} does not carry a Sluice task dispatch; was it added by something else to a Sluice queue?`,
    );
  }
  const base = {
    dispatchId: d.dispatchId,
    runId: d.runId,
    dagId: d.dagId,
    taskId: d.taskId,
    tryNumber: d.tryNumber,
    pool: d.pool,
  };
  return d.notBefore ? { ...base, notBefore: new Date(d.notBefore) } : base;
}

/** The settle event of a dispatch (what the worker returns as the job's result). */
export function settledOf(
  task: Pick<TaskDispatch, 'dispatchId' | 'runId' | 'taskId' | 'tryNumber'>,
): TaskSettled {
  return { dispatchId: task.dispatchId, runId: task.runId, taskId: task.taskId, tryNumber: task.tryNumber };
}

/** A job's return value when it is a settle event, else undefined. */
export function asSettled(value: unknown): TaskSettled | undefined {
  const v = value as Partial<TaskSettled> | null;
  return v &&
    typeof v.dispatchId === 'string' &&
    typeof v.runId === 'string' &&
    typeof v.taskId === 'string' &&
    typeof v.tryNumber === 'number'
    ? settledOf(v as TaskSettled)
    : undefined;
}
