/**
 * The filesystem adapter: the shared contract for real, plus what only a folder can get wrong (temp files,
 * marker files, paths outside the root, permission errors as one line).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FilesystemObjectStore,
  FOLDER_MARKER_FILE,
} from '../../src/adapters/object-store/filesystem/filesystem-object-store.ts';
import { fsError } from '../../src/adapters/object-store/filesystem/fs-error.ts';
import { openObjectStore } from '../../src/adapters/object-store/open-object-store.ts';
import { compileConfig } from '../../src/config/config.ts';
import { objectStoreContract } from './object-store.contract.ts';

objectStoreContract('filesystem', async () => {
  const root = mkdtempSync(join(tmpdir(), 'sluice-fs-store-'));
  return {
    store: new FilesystemObjectStore({ root: join(root, 'bucket') }),
    base: '',
    cleanup: async () => rmSync(root, { recursive: true, force: true }),
  };
});

describe('FilesystemObjectStore specifics', () => {
  let dir: string;
  let root: string;
  let store: FilesystemObjectStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-fs-store-'));
    root = join(dir, 'bucket');
    store = new FilesystemObjectStore({ root });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is what openObjectStore returns for SLUICE_STORAGE=local, rooted at $SLUICE_HOME/bucket', async () => {
    const config = compileConfig({
      env: { SLUICE_HOME: dir },
      cwd: dir,
      projectDir: dir,
      fileOverrides: {},
      flags: {},
    });
    const opened = await openObjectStore(config);
    expect(opened.kind).toBe('local');
    expect(opened.uri('landing/orders/a.json')).toBe(join(dir, 'bucket', 'landing', 'orders', 'a.json'));
  });

  it('uses absolute file paths as URIs, and writes where the URI says', async () => {
    await store.write('landing/orders/a.json', 'x');
    expect(existsSync(store.uri('landing/orders/a.json'))).toBe(true);
    expect(store.uri('landing/orders/a.json')).toBe(join(root, 'landing/orders/a.json'));
  });

  it('never shows temp files: a write in progress is invisible, and a failed stream leaves nothing', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    async function* slow(): AsyncIterable<Uint8Array> {
      yield Buffer.from('first part\n');
      await gate;
      yield Buffer.from('second part\n');
    }
    const pending = store.write('landing/orders/slow.jsonl', slow());
    // Wait until the temp file exists on disk, then look at the listing.
    for (let i = 0; i < 200 && !existsSync(join(root, 'landing/orders')); i++)
      await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 200 && readdirSync(join(root, 'landing/orders')).length === 0; i++)
      await new Promise((r) => setTimeout(r, 5));
    expect(readdirSync(join(root, 'landing/orders'))[0]).toMatch(/^\.sluice-tmp-/);
    expect((await store.listPage('')).objects).toEqual([]);
    expect(await store.exists('landing/orders/slow.jsonl')).toBe(false);
    release();
    await pending;
    expect(await store.readText('landing/orders/slow.jsonl')).toBe('first part\nsecond part\n');

    async function* broken(): AsyncIterable<Uint8Array> {
      yield Buffer.from('half');
      throw new Error('upstream died');
    }
    await expect(store.write('landing/orders/broken.jsonl', broken())).rejects.toThrow(/upstream died/);
    expect(readdirSync(join(root, 'landing/orders'))).toEqual(['slow.jsonl']);
  });

  it('keeps folder markers as hidden files and lists them under their GCS name', async () => {
    await store.write('landing/orders/', '');
    expect(existsSync(join(root, 'landing/orders', FOLDER_MARKER_FILE))).toBe(true);
    expect((await store.listPage('landing/')).objects.map((o) => o.name)).toEqual(['landing/orders/']);
    expect(store.uri('landing/orders/')).toBe(join(root, 'landing/orders', FOLDER_MARKER_FILE));
  });

  it('lists files dropped into the folder by other tools, but not symlinks', async () => {
    mkdirSync(join(root, 'landing/orders'), { recursive: true });
    writeFileSync(join(root, 'landing/orders/dropped.json'), '{}\n');
    const outside = join(dir, 'secret.txt');
    writeFileSync(outside, 'secret');
    const { symlinkSync } = await import('node:fs');
    symlinkSync(outside, join(root, 'landing/orders/link.json'));
    expect((await store.listPage('landing/orders/')).objects.map((o) => o.name)).toEqual([
      'landing/orders/dropped.json',
    ]);
  });

  it('refuses to hold an object and a folder of the same name, with one line naming the object', async () => {
    await store.write('landing/orders', 'a file where a folder should be');
    const error = await store.write('landing/orders/a.json', 'x').then(
      () => ({ code: 'none', message: 'no error' }),
      (e: unknown) => e as Error & { code: string },
    );
    expect(error).toMatchObject({ code: 'E_OBJECT_STORE' });
    expect(error.message).toContain('landing/orders/a.json');
    expect(error.message).not.toContain('\n');
  });

  it('rejects a page token it did not issue', async () => {
    await expect(store.listPage('', { pageToken: '%%%' })).rejects.toMatchObject({ code: 'E_OBJECT_STORE' });
  });

  it('maps disk-full and read-only errors to one line naming the object and what to do', () => {
    const full = fsError(
      Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' }),
      'write',
      'landing/x',
      root,
    );
    expect(full.code).toBe('E_OBJECT_STORE');
    expect(full.message).toBe(
      `no space left on device to write landing/x in local bucket ${root}: free disk space and retry`,
    );
    const ro = fsError(Object.assign(new Error('EROFS'), { code: 'EROFS' }), 'move', 'landing/x', root);
    expect(ro.code).toBe('E_OBJECT_ACCESS_DENIED');
    expect(ro.message).toContain('landing/x');
  });

  it('reports a real full disk as one line naming the object and leaves no temp file (tmpfs, root only)', async () => {
    const mnt = join(dir, 'small');
    mkdirSync(mnt);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mnt], { encoding: 'utf8' });
    if (mounted.status !== 0) return; // not root or no CAP_SYS_ADMIN: the mapping test above covers the message
    try {
      const small = new FilesystemObjectStore({ root: mnt });
      const error = await small.write('archive/orders/big.jsonl', Buffer.alloc(256 * 1024, 120)).then(
        () => ({ code: 'none', message: 'no error' }),
        (e: unknown) => e as Error & { code: string },
      );
      expect(error.code).toBe('E_OBJECT_STORE');
      expect(error.message).toContain('no space left on device to write archive/orders/big.jsonl');
      expect(readdirSync(join(mnt, 'archive/orders'))).toEqual([]);
      expect(await small.exists('archive/orders/big.jsonl')).toBe(false);
    } finally {
      spawnSync('umount', [mnt]);
    }
  });

  it('reports a permission error as one line naming the object (run as an unprivileged user)', async () => {
    if (process.getuid?.() !== 0) {
      // Not root: make the folder read-only for ourselves.
      mkdirSync(join(root, 'archive'), { recursive: true });
      chmodSync(join(root, 'archive'), 0o555);
      const error = await store.write('archive/a.json', 'x').then(
        () => ({ code: 'none', message: 'no error' }),
        (e: unknown) => e as Error & { code: string },
      );
      chmodSync(join(root, 'archive'), 0o755);
      expect(error).toMatchObject({ code: 'E_OBJECT_ACCESS_DENIED' });
      expect(error.message).toContain('archive/a.json');
      return;
    }
    // Root ignores file modes, so run the write in a child process as `nobody` against a root-owned bucket.
    mkdirSync(join(root, 'archive'), { recursive: true });
    chmodSync(dir, 0o755);
    chmodSync(root, 0o755);
    const script = `
      import { FilesystemObjectStore } from ${JSON.stringify(join(import.meta.dirname, '../../src/adapters/object-store/filesystem/filesystem-object-store.ts'))};
      const store = new FilesystemObjectStore({ root: ${JSON.stringify(root)} });
      try { await store.write('archive/a.json', 'x'); console.log('WROTE'); }
      catch (e) { console.log(JSON.stringify({ code: e.code, message: e.message })); }`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      uid: 65534,
      gid: 65534,
      encoding: 'utf8',
      cwd: tmpdir(),
    });
    const line = child.stdout.trim().split('\n').at(-1) ?? '';
    expect(line, child.stderr).not.toBe('WROTE');
    const result = JSON.parse(line) as { code: string; message: string };
    expect(result.code).toBe('E_OBJECT_ACCESS_DENIED');
    expect(result.message).toContain('archive/a.json');
    expect(result.message).not.toContain('\n');
  });
});
