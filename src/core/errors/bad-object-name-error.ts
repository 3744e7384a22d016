import { SluiceError } from './sluice-error.ts';

/** An object name or prefix that could escape the bucket root or that no bucket can hold. */
export class BadObjectNameError extends SluiceError {
  readonly objectName: string;

  constructor(objectName: string, why: string) {
    super(
      'E_BAD_OBJECT_NAME',
      `bad object name ${JSON.stringify(objectName)}: ${why}; use a relative, /-separated key like landing/orders/file.jsonl`,
    );
    this.name = 'BadObjectNameError';
    this.objectName = objectName;
  }
}
