import { SluiceError } from './sluice-error.ts';

/** Any other failure of the object store (disk full, name conflict, I/O, service error), naming the object. */
export class ObjectStoreError extends SluiceError {
  readonly objectName: string;

  constructor(message: string, objectName: string, options?: { cause?: unknown }) {
    super('E_OBJECT_STORE', message, options);
    this.name = 'ObjectStoreError';
    this.objectName = objectName;
  }
}
