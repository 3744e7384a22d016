import { SluiceError } from './sluice-error.ts';

/** A try ran longer than its task's `timeout`; its signal was aborted and the try failed (retryable). */
export class TaskTimeoutError extends SluiceError {
  constructor(taskId: string, timeoutMs: number) {
    super(
      'E_TASK_TIMEOUT',
      `task ${taskId} timed out after ${timeoutMs} ms; raise its timeout or make it faster`,
    );
    this.name = 'TaskTimeoutError';
  }
}
