import { SluiceError } from './sluice-error.ts';

/** A feature that exists in the API's shape but is not built yet (the message says what to use meanwhile). */
export class NotImplementedError extends SluiceError {
  constructor(message: string) {
    super('E_NOT_IMPLEMENTED', message);
    this.name = 'NotImplementedError';
  }
}
