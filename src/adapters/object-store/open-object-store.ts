/**
 * Builds the configured object store adapter. The composition root calls this; nothing else names an adapter.
 */
import type { SluiceConfig } from '../../config/config.ts';
import { SluiceError } from '../../core/errors/sluice-error.ts';
import type { ObjectStore } from '../../ports/object-store.ts';

/** Open the object store named by `config.storage.kind`. */
export async function openObjectStore(config: SluiceConfig): Promise<ObjectStore> {
  throw new SluiceError('E_NOT_BUILT', `object store ${config.storage.kind} is not built yet`);
}
