import { SluiceError } from './sluice-error.ts';

/** The process may not read or write an object (file mode, IAM); the message names the object. */
export class ObjectAccessDeniedError extends SluiceError {
  readonly objectName: string;

  constructor(message: string, objectName: string, options?: { cause?: unknown }) {
    super('E_OBJECT_ACCESS_DENIED', message, options);
    this.name = 'ObjectAccessDeniedError';
    this.objectName = objectName;
  }
}
