import { SluiceError } from './sluice-error.ts';

/**
 * The abort reason a worker gives a running try when it shuts down and the try did not finish within the
 * shutdown deadline: the try is handed back (the scheduler retries it with a new try), it did not fail on
 * its own.
 */
export class WorkerShutdownError extends SluiceError {
  constructor(message: string) {
    super('E_WORKER_SHUTDOWN', message);
    this.name = 'WorkerShutdownError';
  }
}
