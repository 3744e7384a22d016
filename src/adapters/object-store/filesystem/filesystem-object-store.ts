/**
 * The embedded object store: a folder (`$SLUICE_HOME/bucket`) that behaves like a GCS bucket. Writes are atomic
 * (temp file in the same folder, fsync, rename), generations change whenever content is replaced, listings are
 * in GCS order with page tokens, and zero-byte folder objects (`landing/orders/`) are kept as hidden marker
 * files. See docs/adr for how GCS semantics map onto a filesystem.
 */
import { randomBytes } from 'node:crypto';
import { type BigIntStats, constants, type Dirent } from 'node:fs';
import { copyFile, link, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { BadObjectNameError } from '../../../core/errors/bad-object-name-error.ts';
import { ObjectNotFoundError } from '../../../core/errors/object-not-found-error.ts';
import { ObjectStoreError } from '../../../core/errors/object-store-error.ts';
import { PreconditionFailedError } from '../../../core/errors/precondition-failed-error.ts';
import { SluiceError } from '../../../core/errors/sluice-error.ts';
import type {
  ByteSource,
  ListOptions,
  ListPage,
  ObjectInfo,
  ObjectStore,
  WriteOptions,
} from '../../../ports/object-store.ts';
import {
  assertObjectName,
  assertPrefix,
  compareObjectNames,
  isFolderMarker,
  RESERVED_SEGMENT_PREFIX,
} from '../object-name.ts';
import { fsError } from './fs-error.ts';

/** The file that stands for a zero-byte folder object `a/b/` inside the folder `a/b`. */
export const FOLDER_MARKER_FILE = `${RESERVED_SEGMENT_PREFIX}folder`;
const TEMP_FILE_PREFIX = `${RESERVED_SEGMENT_PREFIX}tmp-`;
const DEFAULT_PAGE_SIZE = 1000;
const READ_CHUNK = 1 << 20;

export interface FilesystemObjectStoreOptions {
  /** Absolute or relative path of the bucket folder; created on first write. */
  readonly root: string;
  /** fsync files and folders on write (default true). Benchmarks that write scratch data may turn it off. */
  readonly durable?: boolean;
}

/** An `ObjectStore` over a local folder. */
export class FilesystemObjectStore implements ObjectStore {
  readonly kind = 'local' as const;
  readonly root: string;
  readonly #durable: boolean;

  constructor(options: FilesystemObjectStoreOptions) {
    this.root = resolve(options.root);
    this.#durable = options.durable ?? true;
  }

  async listPage(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    assertPrefix(prefix);
    const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(pageSize) || pageSize < 1)
      throw new ObjectStoreError(`list ${prefix}: pageSize must be a positive integer`, prefix);
    const after = options.pageToken === undefined ? undefined : decodePageToken(options.pageToken);
    const baseDir = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/') + 1) : '';
    const names: string[] = [];
    await this.#walk(baseDir, names);
    const selected = names
      .filter((n) => n.startsWith(prefix) && (after === undefined || compareObjectNames(n, after) > 0))
      .sort(compareObjectNames);
    const objects: ObjectInfo[] = [];
    let index = 0;
    for (; index < selected.length && objects.length < pageSize; index++) {
      // A file removed between the walk and the stat is simply not part of this page.
      const info = await this.stat(selected[index]!);
      if (info) objects.push(info);
    }
    const last = objects.at(-1);
    return index < selected.length && last
      ? { objects, nextPageToken: encodePageToken(last.name) }
      : { objects };
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
    const path = this.#path(name);
    let s: BigIntStats;
    try {
      s = await stat(path, { bigint: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
      throw fsError(error, 'stat', name, this.root);
    }
    if (!s.isFile()) return undefined;
    return toInfo(name, s);
  }

  async exists(name: string): Promise<boolean> {
    return (await this.stat(name)) !== undefined;
  }

  async *read(name: string): AsyncIterable<Uint8Array> {
    const path = this.#path(name);
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw fsError(error, 'read', name, this.root);
    }
    try {
      if (!(await handle.stat()).isFile())
        throw new ObjectNotFoundError(`${name} in local bucket ${this.root}`, name);
      for (;;) {
        const buffer = Buffer.allocUnsafe(READ_CHUNK);
        let bytesRead: number;
        try {
          ({ bytesRead } = await handle.read(buffer, 0, READ_CHUNK, null));
        } catch (error) {
          throw fsError(error, 'read', name, this.root);
        }
        if (bytesRead === 0) return;
        yield buffer.subarray(0, bytesRead);
      }
    } finally {
      await handle.close();
    }
  }

  async readText(name: string): Promise<string> {
    const path = this.#path(name);
    try {
      return await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EISDIR')
        throw new ObjectNotFoundError(`${name} in local bucket ${this.root}`, name, { cause: error });
      throw fsError(error, 'read', name, this.root);
    }
  }

  async write(name: string, data: ByteSource, options: WriteOptions = {}): Promise<ObjectInfo> {
    const path = this.#path(name);
    const dir = dirname(path);
    await this.#mkdir(dir, name, 'write');
    const temp = join(dir, `${TEMP_FILE_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      await this.#writeTemp(temp, data, name);
      await this.#publish(temp, path, name, options.ifGenerationMatch);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await this.#syncDir(dir, name, 'write');
    return this.#statOrThrow(name);
  }

  async copy(source: string, destination: string): Promise<ObjectInfo> {
    const from = this.#path(source);
    const to = this.#path(destination);
    const before = await this.#statOrThrow(source);
    if (from === to) return before;
    const dir = dirname(to);
    await this.#mkdir(dir, destination, 'copy to');
    const temp = join(dir, `${TEMP_FILE_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`);
    try {
      await this.#copyTemp(from, temp, source, destination);
      await this.#publish(temp, to, destination, undefined);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    await this.#syncDir(dir, destination, 'copy to');
    const after = await this.#statOrThrow(destination);
    if (after.size !== before.size)
      throw new ObjectStoreError(
        `copy ${source} -> ${destination} in local bucket ${this.root}: copied ${after.size} bytes, ` +
          `expected ${before.size}; the source changed during the copy, retry`,
        destination,
      );
    return after;
  }

  async move(source: string, destination: string): Promise<ObjectInfo> {
    const from = this.#path(source);
    const to = this.#path(destination);
    const before = await this.stat(source);
    if (!before) {
      // Repeat after a crash: the earlier attempt already moved it.
      const done = await this.stat(destination);
      if (done) return done;
      throw new ObjectNotFoundError(`${source} in local bucket ${this.root}`, source);
    }
    if (from === to) return before;
    const dir = dirname(to);
    await this.#mkdir(dir, destination, 'move to');
    try {
      // Same filesystem: rename is atomic, so a crash leaves the object either here or there, never both.
      await rename(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') {
        // Another mover (a concurrent retry of the same task) got there first.
        const done = await this.stat(destination);
        if (done) return done;
      }
      if (code !== 'EXDEV') throw fsError(error, 'move', source, this.root);
      const copied = await this.copy(source, destination);
      if (copied.size !== before.size)
        throw new ObjectStoreError(`move ${source}: copy size differs, source kept`, source);
      await this.delete(source, { ifGenerationMatch: before.generation });
      return copied;
    }
    await this.#syncDir(dir, destination, 'move to');
    await this.#syncDir(dirname(from), source, 'move');
    const after = await this.#statOrThrow(destination);
    if (after.size !== before.size)
      throw new ObjectStoreError(
        `move ${source} -> ${destination} in local bucket ${this.root}: destination has ${after.size} bytes, ` +
          `expected ${before.size}; another writer replaced it during the move`,
        destination,
      );
    return after;
  }

  async delete(name: string, options: { ifGenerationMatch?: string } = {}): Promise<void> {
    const path = this.#path(name);
    if (options.ifGenerationMatch !== undefined) {
      const current = await this.stat(name);
      if (!current) return;
      if (current.generation !== options.ifGenerationMatch)
        throw new PreconditionFailedError(
          `${name} in local bucket ${this.root}`,
          name,
          options.ifGenerationMatch,
          current.generation,
        );
    }
    try {
      await unlink(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      if (code === 'EISDIR') return; // a folder is not an object: nothing to delete
      throw fsError(error, 'delete', name, this.root);
    }
  }

  uri(name: string): string {
    return this.#path(name);
  }

  async close(): Promise<void> {}

  /** Absolute path for an object; folder markers map to a hidden file inside the folder. */
  #path(name: string): string {
    assertObjectName(name);
    const relative = isFolderMarker(name) ? `${name}${FOLDER_MARKER_FILE}` : name;
    const path = resolve(this.root, ...relative.split('/'));
    // assertObjectName already refuses `..`; this guards against any path-resolution surprise.
    if (!path.startsWith(this.root + sep))
      throw new BadObjectNameError(name, 'it resolves outside the bucket');
    return path;
  }

  async #statOrThrow(name: string): Promise<ObjectInfo> {
    const info = await this.stat(name);
    if (!info) throw new ObjectNotFoundError(`${name} in local bucket ${this.root}`, name);
    return info;
  }

  async #mkdir(dir: string, name: string, action: string): Promise<void> {
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      throw fsError(error, action, name, this.root);
    }
  }

  async #writeTemp(temp: string, data: ByteSource, name: string): Promise<void> {
    let handle: Awaited<ReturnType<typeof open>> | undefined;
    try {
      handle = await open(temp, 'wx');
      await handle.writeFile(data);
      if (this.#durable) await handle.sync();
    } catch (error) {
      throw isSluiceError(error) ? error : fsError(error, 'write', name, this.root);
    } finally {
      await handle?.close();
    }
  }

  async #copyTemp(from: string, temp: string, source: string, destination: string): Promise<void> {
    try {
      await copyFile(from, temp, constants.COPYFILE_EXCL);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // The destination folder was just created, so ENOENT means the source vanished.
      throw code === 'ENOENT'
        ? fsError(error, 'copy', source, this.root)
        : fsError(error, 'copy to', destination, this.root);
    }
    if (!this.#durable) return;
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /** Put the finished temp file in place, honouring `ifGenerationMatch`. */
  async #publish(temp: string, path: string, name: string, ifGenerationMatch: string | undefined) {
    try {
      if (ifGenerationMatch === '0') {
        // link() fails atomically when the name exists: no window between the check and the write.
        try {
          await link(temp, path);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          const current = await this.stat(name);
          throw new PreconditionFailedError(
            `${name} in local bucket ${this.root}`,
            name,
            '0',
            current?.generation ?? 'a folder',
          );
        }
        await unlink(temp);
        return;
      }
      if (ifGenerationMatch !== undefined) {
        const current = await this.stat(name);
        if (current?.generation !== ifGenerationMatch)
          throw new PreconditionFailedError(
            `${name} in local bucket ${this.root}`,
            name,
            ifGenerationMatch,
            current?.generation,
          );
      }
      await rename(temp, path);
    } catch (error) {
      throw isSluiceError(error) ? error : fsError(error, 'write', name, this.root);
    }
  }

  async #syncDir(dir: string, name: string, action: string): Promise<void> {
    if (!this.#durable) return;
    try {
      const handle = await open(dir, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw fsError(error, action, name, this.root);
    }
  }

  /** Collect every object name below the folder `relDir` (`''` or ending in `/`). */
  async #walk(relDir: string, out: string[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(join(this.root, ...relDir.split('/')), { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw fsError(error, 'list', relDir || '(bucket root)', this.root);
    }
    for (const entry of entries) {
      if (entry.name === FOLDER_MARKER_FILE) {
        if (entry.isFile() && relDir !== '') out.push(relDir);
        continue;
      }
      // Temp files and anything else reserved never show; symlinks are skipped so nothing escapes the root.
      if (entry.name.startsWith(RESERVED_SEGMENT_PREFIX)) continue;
      if (entry.isDirectory()) await this.#walk(`${relDir}${entry.name}/`, out);
      else if (entry.isFile()) out.push(`${relDir}${entry.name}`);
    }
  }
}

function toInfo(name: string, s: BigIntStats): ObjectInfo {
  const updatedAt = new Date(Number(s.mtimeMs));
  // birthtime is 0 where the filesystem does not record it.
  const createdAt = s.birthtimeMs > 0n ? new Date(Number(s.birthtimeMs)) : updatedAt;
  return {
    name,
    size: Number(s.size),
    // A rename-based write always brings a new inode and mtime, so replaced content changes this.
    generation: `${s.mtimeNs}.${s.ino}.${s.size}`,
    createdAt,
    updatedAt,
  };
}

function encodePageToken(lastName: string): string {
  return Buffer.from(lastName, 'utf8').toString('base64url');
}

function decodePageToken(token: string): string {
  const name = Buffer.from(token, 'base64url').toString('utf8');
  if (name === '' || encodePageToken(name) !== token)
    throw new ObjectStoreError(`list: invalid page token ${JSON.stringify(token)}`, token);
  return name;
}

function isSluiceError(error: unknown): boolean {
  return error instanceof SluiceError;
}
