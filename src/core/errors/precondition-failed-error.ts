import { SluiceError } from './sluice-error.ts';

/** A conditional write or delete lost a race: the object's generation is not the one the caller expected. */
export class PreconditionFailedError extends SluiceError {
  readonly objectName: string;

  constructor(location: string, objectName: string, expected: string, actual: string | undefined) {
    super(
      'E_PRECONDITION_FAILED',
      `precondition failed on ${location}: expected generation ${expected === '0' ? '0 (absent)' : expected}, ` +
        `found ${actual ?? 'none (absent)'}; another writer changed it, re-read and retry`,
    );
    this.name = 'PreconditionFailedError';
    this.objectName = objectName;
  }
}
