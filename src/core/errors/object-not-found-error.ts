import { SluiceError } from './sluice-error.ts';

/** An object (or its bucket) does not exist; the message names the bucket and the object. */
export class ObjectNotFoundError extends SluiceError {
  readonly objectName: string;

  constructor(location: string, objectName: string, options?: { cause?: unknown }) {
    super('E_OBJECT_NOT_FOUND', `object not found: ${location} (check the name and the bucket)`, options);
    this.name = 'ObjectNotFoundError';
    this.objectName = objectName;
  }
}
