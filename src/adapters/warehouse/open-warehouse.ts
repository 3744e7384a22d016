/**
 * Builds the configured warehouse adapter. The composition root (CLI, worker, task runner) calls this;
 * nothing else names an adapter.
 */
import type { SluiceConfig } from '../../config/config.ts';
import { SluiceError } from '../../core/errors/sluice-error.ts';
import type { Warehouse } from '../../ports/warehouse.ts';

/** Open (lazily) the warehouse named by `config.warehouse.kind`. */
export async function openWarehouse(config: SluiceConfig): Promise<Warehouse> {
  throw new SluiceError('E_NOT_BUILT', `warehouse adapter ${config.warehouse.kind} is not built yet`);
}
