/**
 * Builds the configured object store adapter. The composition root calls this; nothing else names an adapter.
 */
import type { SluiceConfig } from '../../config/config.ts';
import { ConfigError } from '../../core/errors/config-error.ts';
import type { ObjectStore } from '../../ports/object-store.ts';

/**
 * Open the object store named by `config.storage.kind`: the folder `config.storage.localRoot`, or the GCS bucket.
 *
 * @example const objects = await openObjectStore(config); await objects.write('landing/orders/a.jsonl', text)
 */
export async function openObjectStore(config: SluiceConfig): Promise<ObjectStore> {
  if (config.storage.kind === 'local') {
    const { FilesystemObjectStore } = await import('./filesystem/filesystem-object-store.ts');
    return new FilesystemObjectStore({ root: config.storage.localRoot });
  }
  const bucket = config.storage.gcsBucket;
  if (!bucket) throw new ConfigError('GCS_BUCKET is required with SLUICE_STORAGE=gcs');
  // The client reads Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS) and honours
  // STORAGE_EMULATOR_HOST, which points it at an emulator without credentials.
  const { GcsObjectStore } = await import('./gcs/gcs-object-store.ts');
  return GcsObjectStore.open({
    bucket,
    ...(config.storage.gcsProject ? { projectId: config.storage.gcsProject } : {}),
  });
}
