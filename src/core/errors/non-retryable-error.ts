import { SluiceError } from './sluice-error.ts';

/**
 * Thrown by a job when another try cannot succeed (bad input, a failed quality gate): the task fails now,
 * whatever retries remain.
 */
export class NonRetryableError extends SluiceError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('E_NON_RETRYABLE', message, options);
    this.name = 'NonRetryableError';
  }
}
