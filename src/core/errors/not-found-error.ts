import { SluiceError } from './sluice-error.ts';

/** Something the user named does not exist (a DAG, a run, a task); the message says what to check. */
export class NotFoundError extends SluiceError {
  constructor(message: string) {
    super('E_NOT_FOUND', message);
    this.name = 'NotFoundError';
  }
}
