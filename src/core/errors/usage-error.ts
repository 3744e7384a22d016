import { SluiceError } from './sluice-error.ts';

/** Input the user can fix (a bad date, a flag that does not apply); the message says how. */
export class UsageError extends SluiceError {
  constructor(message: string) {
    super('E_USAGE', message);
    this.name = 'UsageError';
  }
}
