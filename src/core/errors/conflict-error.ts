import { SluiceError } from './sluice-error.ts';

/** The request clashes with existing state, e.g. a run for that interval already exists. */
export class ConflictError extends SluiceError {
  constructor(message: string) {
    super('E_CONFLICT', message);
    this.name = 'ConflictError';
  }
}
