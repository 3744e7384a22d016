/**
 * The production object store: a Google Cloud Storage bucket through `@google-cloud/storage` (JSON API).
 * Listings page with GCS page tokens, writes are single atomic uploads (multipart for small payloads,
 * resumable for streams) with `ifGenerationMatch`, copies are server-side rewrites, and a move is
 * rewrite + verify (size and CRC32C) + delete guarded by the source generation.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type File, type FileMetadata, Storage, type StorageOptions } from '@google-cloud/storage';
import { ObjectNotFoundError } from '../../../core/errors/object-not-found-error.ts';
import { ObjectStoreError } from '../../../core/errors/object-store-error.ts';
import { PreconditionFailedError } from '../../../core/errors/precondition-failed-error.ts';
import type {
  ByteSource,
  ListOptions,
  ListPage,
  ObjectInfo,
  ObjectStore,
  WriteOptions,
} from '../../../ports/object-store.ts';
import { assertObjectName, assertPrefix } from '../object-name.ts';
import { gcsError, gcsStatus } from './gcs-error.ts';

const DEFAULT_PAGE_SIZE = 1000;
/** Payloads up to this size go in one multipart request; larger ones and streams use a resumable session. */
const MULTIPART_LIMIT = 8 * 1024 * 1024;

export interface GcsObjectStoreOptions {
  readonly bucket: string;
  readonly projectId?: string;
  /**
   * Another endpoint than storage.googleapis.com (an emulator or the test fixture server). The client then
   * sends no credentials unless `useAuthWithCustomEndpoint` is set.
   */
  readonly apiEndpoint?: string;
  readonly useAuthWithCustomEndpoint?: boolean;
  readonly keyFilename?: string;
  /** Client retries of transient errors (default: the client's own policy). */
  readonly maxRetries?: number;
}

/** An `ObjectStore` over one GCS bucket. */
export class GcsObjectStore implements ObjectStore {
  readonly kind = 'gcs' as const;
  readonly bucketName: string;
  readonly #storage: Storage;

  /**
   * Connect to a bucket with Application Default Credentials (or `keyFilename`).
   *
   * @example const store = GcsObjectStore.open({ bucket: 'my-landing-bucket', projectId: 'my-project' })
   */
  static open(options: GcsObjectStoreOptions): GcsObjectStore {
    const storageOptions: StorageOptions = {
      ...(options.projectId ? { projectId: options.projectId } : {}),
      ...(options.apiEndpoint ? { apiEndpoint: options.apiEndpoint } : {}),
      ...(options.useAuthWithCustomEndpoint ? { useAuthWithCustomEndpoint: true } : {}),
      ...(options.keyFilename ? { keyFilename: options.keyFilename } : {}),
      ...(options.maxRetries !== undefined
        ? { retryOptions: { maxRetries: options.maxRetries, autoRetry: options.maxRetries > 0 } }
        : {}),
    };
    return new GcsObjectStore(new Storage(storageOptions), options.bucket);
  }

  constructor(storage: Storage, bucket: string) {
    this.#storage = storage;
    this.bucketName = bucket;
  }

  async listPage(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    assertPrefix(prefix);
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1)
      throw new ObjectStoreError(
        `list gs://${this.bucketName}/${prefix}: pageSize must be a positive integer`,
        prefix,
      );
    try {
      const [files, nextQuery] = await this.#bucket().getFiles({
        prefix,
        maxResults: pageSize,
        autoPaginate: false,
        ...(options.pageToken !== undefined ? { pageToken: options.pageToken } : {}),
      });
      const token = (nextQuery as { pageToken?: string } | null | undefined)?.pageToken;
      const objects = files.map((f) => toInfo(f.metadata));
      return token ? { objects, nextPageToken: token } : { objects };
    } catch (error) {
      throw gcsError(error, 'list', this.bucketName, prefix);
    }
  }

  async *list(prefix: string): AsyncIterable<ObjectInfo> {
    let pageToken: string | undefined;
    do {
      const page = await this.listPage(prefix, pageToken === undefined ? {} : { pageToken });
      yield* page.objects;
      pageToken = page.nextPageToken;
    } while (pageToken !== undefined);
  }

  async stat(name: string): Promise<ObjectInfo | undefined> {
    const file = this.#file(name);
    try {
      const [metadata] = await file.getMetadata();
      return toInfo(metadata);
    } catch (error) {
      if (gcsStatus(error) === 404) return undefined;
      throw gcsError(error, 'stat', this.bucketName, name);
    }
  }

  async exists(name: string): Promise<boolean> {
    return (await this.stat(name)) !== undefined;
  }

  async *read(name: string): AsyncIterable<Uint8Array> {
    const file = this.#file(name);
    try {
      for await (const chunk of file.createReadStream()) yield chunk as Uint8Array;
    } catch (error) {
      throw gcsError(error, 'read', this.bucketName, name);
    }
  }

  async readText(name: string): Promise<string> {
    const file = this.#file(name);
    try {
      const [contents] = await file.download();
      return contents.toString('utf8');
    } catch (error) {
      throw gcsError(error, 'read', this.bucketName, name);
    }
  }

  async write(name: string, data: ByteSource, options: WriteOptions = {}): Promise<ObjectInfo> {
    const file = this.#file(name);
    const preconditionOpts =
      options.ifGenerationMatch !== undefined ? { ifGenerationMatch: options.ifGenerationMatch } : undefined;
    const common = {
      contentType: options.contentType ?? 'application/octet-stream',
      ...(preconditionOpts ? { preconditionOpts } : {}),
    };
    try {
      if (typeof data === 'string' || data instanceof Uint8Array) {
        const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
        await file.save(bytes, { ...common, resumable: bytes.length > MULTIPART_LIMIT });
      } else {
        await pipeline(Readable.from(data), file.createWriteStream({ ...common, resumable: true }));
      }
    } catch (error) {
      if (gcsStatus(error) === 412)
        throw new PreconditionFailedError(
          this.uri(name),
          name,
          options.ifGenerationMatch ?? '(given)',
          (await this.stat(name))?.generation,
        );
      throw gcsError(error, 'write', this.bucketName, name);
    }
    return toInfo(file.metadata);
  }

  async copy(source: string, destination: string): Promise<ObjectInfo> {
    const from = this.#file(source);
    const to = this.#file(destination);
    try {
      // objects.rewrite answers with the new object's resource (after any rewriteToken rounds).
      const [copied, response] = await from.copy(to);
      const resource = (response as { resource?: FileMetadata } | undefined)?.resource;
      return toInfo(resource?.name ? resource : copied.metadata);
    } catch (error) {
      // A 404 on a rewrite names the source; anything else is about the destination as much as the source.
      throw gcsError(error, 'copy', this.bucketName, gcsStatus(error) === 404 ? source : destination);
    }
  }

  async move(source: string, destination: string): Promise<ObjectInfo> {
    this.#file(destination);
    const before = await this.#fullStat(source);
    if (!before) {
      // Repeat after a crash between the delete and the ledger update: already moved.
      const done = await this.stat(destination);
      if (done) return done;
      throw new ObjectNotFoundError(this.uri(source), source);
    }
    if (source === destination) return toInfo(before);
    let after: ObjectInfo;
    try {
      after = await this.copy(source, destination);
    } catch (error) {
      // The source vanished after the stat: a concurrent retry of the same move finished it.
      const done =
        (error as { code?: string }).code === 'E_OBJECT_NOT_FOUND' && (await this.stat(destination));
      if (done) return done;
      throw error;
    }
    const copied = await this.#fullStat(destination);
    if (!copied || after.size !== Number(before.size) || (before.crc32c && copied.crc32c !== before.crc32c))
      throw new ObjectStoreError(
        `move ${this.uri(source)} -> ${this.uri(destination)}: the copy does not match the source ` +
          `(size ${after.size} vs ${before.size}); the source was kept, retry the move`,
        destination,
      );
    await this.delete(source, { ifGenerationMatch: String(before.generation) });
    return after;
  }

  async delete(name: string, options: { ifGenerationMatch?: string } = {}): Promise<void> {
    const file = this.#file(name);
    try {
      await file.delete({
        ignoreNotFound: true,
        ...(options.ifGenerationMatch !== undefined ? { ifGenerationMatch: options.ifGenerationMatch } : {}),
      } as unknown as Parameters<File['delete']>[0]);
    } catch (error) {
      if (gcsStatus(error) === 404) return;
      if (gcsStatus(error) === 412)
        throw new PreconditionFailedError(
          this.uri(name),
          name,
          options.ifGenerationMatch ?? '(given)',
          (await this.stat(name))?.generation,
        );
      throw gcsError(error, 'delete', this.bucketName, name);
    }
  }

  uri(name: string): string {
    assertObjectName(name);
    return `gs://${this.bucketName}/${name}`;
  }

  async close(): Promise<void> {}

  #bucket() {
    return this.#storage.bucket(this.bucketName);
  }

  #file(name: string): File {
    assertObjectName(name);
    return this.#bucket().file(name);
  }

  async #fullStat(name: string): Promise<FileMetadata | undefined> {
    try {
      const [metadata] = await this.#file(name).getMetadata();
      return metadata;
    } catch (error) {
      if (gcsStatus(error) === 404) return undefined;
      throw gcsError(error, 'stat', this.bucketName, name);
    }
  }
}

function toInfo(metadata: FileMetadata): ObjectInfo {
  const created = new Date(String(metadata.timeCreated ?? metadata.updated ?? 0));
  const updated = new Date(String(metadata.updated ?? metadata.timeCreated ?? 0));
  return {
    name: String(metadata.name),
    size: Number(metadata.size ?? 0),
    generation: String(metadata.generation),
    ...(metadata.etag ? { etag: metadata.etag } : {}),
    createdAt: created,
    updatedAt: updated,
  };
}
