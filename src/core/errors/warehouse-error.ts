import { SluiceError } from './sluice-error.ts';

/**
 * A warehouse operation that failed, as one line naming the table, file or job. Codes:
 * `E_WAREHOUSE_NOT_FOUND`, `E_WAREHOUSE_PERMISSION`, `E_WAREHOUSE_LOCKED`, `E_WAREHOUSE_LOAD`,
 * `E_WAREHOUSE_QUERY`, `E_WAREHOUSE_CONFLICT`, `E_WAREHOUSE_CANCELLED`, `E_WAREHOUSE_UNSUPPORTED`.
 */
export class WarehouseError extends SluiceError {
  constructor(code: `E_WAREHOUSE_${string}`, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'WarehouseError';
  }
}
