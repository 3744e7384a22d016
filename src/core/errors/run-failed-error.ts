import { SluiceError } from './sluice-error.ts';

/** A DAG run ended `failed` (exit code 1 in the CLI); the message names the failed tasks. */
export class RunFailedError extends SluiceError {
  constructor(message: string) {
    super('E_RUN_FAILED', message);
    this.name = 'RunFailedError';
  }
}
