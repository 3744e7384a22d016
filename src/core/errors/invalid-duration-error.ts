import { SluiceError } from './sluice-error.ts';

/** A duration that is neither milliseconds nor a string like `'30s'`, `'5m'`, `'1h30m'`. */
export class InvalidDurationError extends SluiceError {
  constructor(value: unknown) {
    super(
      'E_INVALID_DURATION',
      `invalid duration ${JSON.stringify(value)}: use milliseconds or a string like '30s', '5m', '1h', '1h30m'`,
    );
    this.name = 'InvalidDurationError';
  }
}
