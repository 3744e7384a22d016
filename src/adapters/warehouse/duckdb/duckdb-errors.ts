/**
 * Turns DuckDB's multi-line errors into one clear `WarehouseError` line naming the table, file or statement.
 */
import { WarehouseError } from '../../../core/errors/warehouse-error.ts';

export interface DuckDbErrorContext {
  /** The database file, for lock and I/O errors. */
  readonly file: string;
  /** The schema, to name tables as `schema.table`. */
  readonly dataset: string;
  /** What was being done, e.g. `loading landing/orders/a.jsonl into staging_orders_raw`. */
  readonly action: string;
}

/** True when DuckDB refused to open the file because another process holds its lock. */
export function isLockError(error: unknown): boolean {
  return /Could not set lock on file|Conflicting lock is held/i.test(
    String((error as Error)?.message ?? error),
  );
}

/** True for errors of the CSV reader (bad encoding, too many columns, line too long). */
export function isCsvReadError(error: unknown): boolean {
  return /CSV Error on Line|Invalid unicode|Maximum line size/i.test(
    String((error as Error)?.message ?? error),
  );
}

/**
 * Map a DuckDB error to a `WarehouseError` with a stable code.
 *
 * @example throw toDuckDbError(e, { file, dataset: 'ecommerce_data', action: 'running "-- publish"' })
 */
export function toDuckDbError(error: unknown, ctx: DuckDbErrorContext): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const raw = String((error as Error)?.message ?? error);
  const first = raw.split('\n')[0]!.trim();
  const withCause = (code: `E_WAREHOUSE_${string}`, message: string) =>
    new WarehouseError(code, message, { cause: error });

  const missingTable = /Table with name (\S+) does not exist/i.exec(raw);
  if (missingTable) {
    const table = missingTable[1]!.replace(/[!"]/g, '');
    const qualified = table.includes('.') ? table : `${ctx.dataset}.${table}`;
    return withCause(
      'E_WAREHOUSE_NOT_FOUND',
      `table ${qualified} does not exist in ${ctx.file} (while ${ctx.action}); run \`sluice init\` to create the tables`,
    );
  }
  const missingSchema = /Schema with name (\S+) does not exist/i.exec(raw);
  if (missingSchema)
    return withCause(
      'E_WAREHOUSE_NOT_FOUND',
      `schema ${missingSchema[1]!.replace(/"/g, '')} does not exist in ${ctx.file} (while ${ctx.action}); run \`sluice init\``,
    );
  const missingFile = /No files found that match the pattern "([^"]+)"|Cannot open file "([^"]+)"/i.exec(raw);
  if (missingFile)
    return withCause(
      'E_WAREHOUSE_NOT_FOUND',
      `file ${missingFile[1] ?? missingFile[2]} not found (while ${ctx.action})`,
    );
  if (isLockError(error))
    return withCause(
      'E_WAREHOUSE_LOCKED',
      `DuckDB file ${ctx.file} is locked by another process${pidOf(raw)}; stop it (only one process may open the file) or use another SLUICE_HOME`,
    );
  if (/^INTERRUPT Error/i.test(first))
    return withCause('E_WAREHOUSE_CANCELLED', `cancelled while ${ctx.action}`);
  if (isCsvReadError(error)) {
    const file = /file = (.+)$/m.exec(raw)?.[1]?.trim();
    return withCause('E_WAREHOUSE_LOAD', `${first}${file ? ` in ${file}` : ''} (while ${ctx.action})`);
  }
  if (/^Permission Error|Permission denied/i.test(raw))
    return withCause('E_WAREHOUSE_PERMISSION', `${first} (while ${ctx.action})`);
  return withCause('E_WAREHOUSE_QUERY', `DuckDB: ${first} (while ${ctx.action})`);
}

function pidOf(message: string): string {
  const m = /\(PID (\d+)\)/.exec(message);
  return m ? ` (PID ${m[1]})` : '';
}
