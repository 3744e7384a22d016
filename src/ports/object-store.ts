/**
 * The object store port: the landing zone, archive and report exports. A GCS bucket in production, the
 * folder `$SLUICE_HOME/bucket` locally. Object names are `/`-separated keys relative to the bucket root.
 */

export interface ObjectInfo {
  /** Key relative to the bucket root, e.g. `landing/orders/2026-01-01T10-00.jsonl`. */
  readonly name: string;
  readonly size: number;
  /** Changes whenever the object's content is replaced (GCS generation; file mtime+inode+size locally). */
  readonly generation: string;
  readonly etag?: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface ListPage {
  readonly objects: readonly ObjectInfo[];
  /** Present when more objects follow. */
  readonly nextPageToken?: string;
}

export interface ListOptions {
  readonly pageSize?: number;
  readonly pageToken?: string;
}

export interface WriteOptions {
  readonly contentType?: string;
  /** Fail with `PreconditionFailed` unless the current generation matches (`'0'` = must not exist). */
  readonly ifGenerationMatch?: string;
}

/** Raw bytes as an async iterable, so that no vendor stream type crosses the port. */
export type ByteSource = string | Uint8Array | AsyncIterable<Uint8Array>;

export interface ObjectStore {
  /** `local` or `gcs`; for messages only. */
  readonly kind: 'local' | 'gcs';

  /** One page of objects whose name starts with `prefix`, ordered by name. */
  listPage(prefix: string, options?: ListOptions): Promise<ListPage>;
  /** Every object under `prefix`, following pages. */
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Metadata of one object, or `undefined` when it does not exist. */
  stat(name: string): Promise<ObjectInfo | undefined>;
  exists(name: string): Promise<boolean>;
  read(name: string): AsyncIterable<Uint8Array>;
  readText(name: string): Promise<string>;
  /** Atomic write: readers see the old object or the new one, never a partial one. */
  write(name: string, data: ByteSource, options?: WriteOptions): Promise<ObjectInfo>;
  copy(source: string, destination: string): Promise<ObjectInfo>;
  /** Copy, verify size and generation of the copy, then delete the source. Safe to repeat after a crash. */
  move(source: string, destination: string): Promise<ObjectInfo>;
  /** Delete; a missing object is not an error. */
  delete(name: string, options?: { ifGenerationMatch?: string }): Promise<void>;
  /** Location the warehouse can read/write directly: an absolute file path locally, `gs://bucket/name` on GCS. */
  uri(name: string): string;
  close(): Promise<void>;
}
