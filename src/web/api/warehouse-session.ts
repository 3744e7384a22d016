/**
 * Opens a warehouse session for one request and closes it after, so the web server holds an embedded DuckDB
 * file only while it reads. Another process holding the file (a warehouse task) is retried briefly; then the
 * caller gets `E_WAREHOUSE_LOCKED`, which the API answers as 503 with a JSON error.
 */
import { hasCode } from '../../core/errors/sluice-error.ts';
import type { Warehouse } from '../../ports/warehouse.ts';

export interface WarehouseSessionOptions {
  readonly open: () => Promise<Warehouse>;
  /** Attempts in all (default 2). */
  readonly attempts?: number;
  /** Pause between attempts (default 250 ms). */
  readonly delayMs?: number;
}

/**
 * Run `work` on a fresh warehouse session, retrying on a lock error.
 *
 * @example const rows = await withWarehouse({ open }, (wh) => wh.query('SELECT 1'))
 */
export async function withWarehouse<T>(
  options: WarehouseSessionOptions,
  work: (warehouse: Warehouse) => Promise<T>,
): Promise<T> {
  const attempts = Math.max(1, options.attempts ?? 2);
  const delayMs = options.delayMs ?? 250;
  for (let attempt = 1; ; attempt++) {
    const warehouse = await options.open();
    try {
      return await work(warehouse);
    } catch (error) {
      if (!hasCode(error, 'E_WAREHOUSE_LOCKED') || attempt >= attempts) throw error;
    } finally {
      await warehouse.close().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}
