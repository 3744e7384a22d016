/**
 * The ObjectStore contract: every adapter (the local folder, GCS against the fixture server, GCS live) must
 * pass these. Call `objectStoreContract(label, factory)` from a `*.test.ts`; the factory returns a fresh,
 * empty store per test and a cleanup.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ObjectInfo, ObjectStore } from '../../src/ports/object-store.ts';

export interface ContractHarness {
  readonly store: ObjectStore;
  /** Prefix under which this test's objects live (lets a live bucket be shared); `''` for a fresh store. */
  readonly base: string;
  cleanup(): Promise<void>;
}

export type ContractFactory = () => Promise<ContractHarness>;

async function collect(iterable: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of iterable) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

async function names(store: ObjectStore, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const info of store.list(prefix)) out.push(info.name);
  return out;
}

async function* chunked(parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield new TextEncoder().encode(part);
}

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { code: String(e.code), message: String(e.message) };
  }
  throw new Error('expected a rejection');
}

/** Register the contract tests for one adapter. */
export function objectStoreContract(label: string, factory: ContractFactory): void {
  describe(`ObjectStore contract: ${label}`, () => {
    let h: ContractHarness;
    let store: ObjectStore;
    let b: string;

    beforeEach(async () => {
      h = await factory();
      store = h.store;
      b = h.base;
    });
    afterEach(async () => {
      await h.cleanup();
    });

    it('writes strings, bytes and streams, and reads them back as text and as a stream', async () => {
      const a = await store.write(`${b}landing/orders/a.jsonl`, '{"a": 1}\n');
      const bytes = await store.write(`${b}landing/orders/b.bin`, new Uint8Array([0, 255, 10, 13]));
      const streamed = await store.write(`${b}landing/orders/c.jsonl`, chunked(['{"x": ', '1}\n', 'é\n']));
      expect(a).toMatchObject({ name: `${b}landing/orders/a.jsonl`, size: 9 });
      expect(bytes.size).toBe(4);
      expect(streamed.size).toBe(Buffer.byteLength('{"x": 1}\né\n'));
      expect(await store.readText(`${b}landing/orders/a.jsonl`)).toBe('{"a": 1}\n');
      expect([...(await collect(store.read(`${b}landing/orders/b.bin`)))]).toEqual([0, 255, 10, 13]);
      expect((await collect(store.read(`${b}landing/orders/c.jsonl`))).toString('utf8')).toBe(
        '{"x": 1}\né\n',
      );
      expect(a.createdAt).toBeInstanceOf(Date);
      expect(a.updatedAt).toBeInstanceOf(Date);
      expect(Number.isNaN(a.createdAt.getTime())).toBe(false);
      expect(typeof a.generation).toBe('string');
      expect(a.generation.length).toBeGreaterThan(0);
    });

    it('stat and exists describe an object and report absent ones as undefined/false', async () => {
      const written = await store.write(`${b}x/one.json`, 'hello');
      const info = await store.stat(`${b}x/one.json`);
      expect(info).toMatchObject({ name: `${b}x/one.json`, size: 5, generation: written.generation });
      expect(await store.exists(`${b}x/one.json`)).toBe(true);
      expect(await store.stat(`${b}x/none.json`)).toBeUndefined();
      expect(await store.exists(`${b}x/none.json`)).toBe(false);
      // A "folder" that only exists because of its children is not an object.
      expect(await store.exists(`${b}x`)).toBe(false);
    });

    it('lists by prefix in byte order, including partial-segment prefixes', async () => {
      for (const n of [
        'landing/orders/b.json',
        'landing/orders/a.json',
        'landing/orders-old/z.json',
        'landing/orders/sub/c.json',
        'landing/products/p.csv',
        'archive/orders/a.json',
        'landing/orders/B.json',
      ])
        await store.write(`${b}${n}`, n);
      expect(await names(store, `${b}landing/orders/`)).toEqual(
        [
          'landing/orders/B.json',
          'landing/orders/a.json',
          'landing/orders/b.json',
          'landing/orders/sub/c.json',
        ].map((n) => `${b}${n}`),
      );
      expect(await names(store, `${b}landing/orders`)).toEqual(
        [
          'landing/orders-old/z.json',
          'landing/orders/B.json',
          'landing/orders/a.json',
          'landing/orders/b.json',
          'landing/orders/sub/c.json',
        ].map((n) => `${b}${n}`),
      );
      expect(await names(store, `${b}landing/orders/a`)).toEqual([`${b}landing/orders/a.json`]);
      expect(await names(store, `${b}nothing/here/`)).toEqual([]);
      const page = await store.listPage(`${b}landing/products/`);
      expect(page.objects.map((o) => [o.name, o.size])).toEqual([
        [`${b}landing/products/p.csv`, 'landing/products/p.csv'.length],
      ]);
      expect(page.nextPageToken).toBeUndefined();
    });

    it('pages through a listing: every object exactly once, in order', async () => {
      const all = Array.from({ length: 7 }, (_, i) => `${b}p/obj-${String(i).padStart(2, '0')}.json`);
      for (const n of [...all].reverse()) await store.write(n, n);
      const seen: string[] = [];
      let token: string | undefined;
      let pages = 0;
      do {
        const page = await store.listPage(
          `${b}p/`,
          token === undefined ? { pageSize: 3 } : { pageSize: 3, pageToken: token },
        );
        expect(page.objects.length).toBeLessThanOrEqual(3);
        seen.push(...page.objects.map((o) => o.name));
        token = page.nextPageToken;
        pages++;
      } while (token !== undefined);
      expect(seen).toEqual(all);
      expect(pages).toBe(3);
    });

    it('changes the generation when content is replaced, even with the same size', async () => {
      const first = await store.write(`${b}g/obj.json`, 'aaaa');
      const again = await store.stat(`${b}g/obj.json`);
      expect(again?.generation).toBe(first.generation);
      const second = await store.write(`${b}g/obj.json`, 'bbbb');
      expect(second.generation).not.toBe(first.generation);
      expect(second.size).toBe(4);
      expect(await store.readText(`${b}g/obj.json`)).toBe('bbbb');
    });

    it('honours ifGenerationMatch on write and leaves the object untouched when it fails', async () => {
      const created = await store.write(`${b}c/obj.json`, 'v1', { ifGenerationMatch: '0' });
      const exists = await codeOf(store.write(`${b}c/obj.json`, 'v2', { ifGenerationMatch: '0' }));
      expect(exists.code).toBe('E_PRECONDITION_FAILED');
      expect(exists.message).toContain(`${b}c/obj.json`);
      const updated = await store.write(`${b}c/obj.json`, 'v2', { ifGenerationMatch: created.generation });
      const stale = await codeOf(
        store.write(`${b}c/obj.json`, 'v3', { ifGenerationMatch: created.generation }),
      );
      expect(stale.code).toBe('E_PRECONDITION_FAILED');
      expect(await store.readText(`${b}c/obj.json`)).toBe('v2');
      expect((await store.stat(`${b}c/obj.json`))?.generation).toBe(updated.generation);
      expect(await names(store, `${b}c/`)).toEqual([`${b}c/obj.json`]);
    });

    it('copies an object and keeps the source', async () => {
      await store.write(`${b}landing/orders/a.json`, 'payload');
      const copy = await store.copy(`${b}landing/orders/a.json`, `${b}backup/a.json`);
      expect(copy).toMatchObject({ name: `${b}backup/a.json`, size: 7 });
      expect(await store.readText(`${b}backup/a.json`)).toBe('payload');
      expect(await store.exists(`${b}landing/orders/a.json`)).toBe(true);
      const missing = await codeOf(store.copy(`${b}landing/orders/none.json`, `${b}backup/none.json`));
      expect(missing.code).toBe('E_OBJECT_NOT_FOUND');
      expect(missing.message).toContain(`${b}landing/orders/none.json`);
    });

    it('moves an object, and a repeated move after success is a no-op that succeeds', async () => {
      await store.write(`${b}landing/orders/a.json`, 'payload');
      const src = `${b}landing/orders/a.json`;
      const dst = `${b}archive/orders/dt=2026-01-01/run1/a.json`;
      const moved = await store.move(src, dst);
      expect(moved).toMatchObject({ name: dst, size: 7 });
      expect(await store.exists(src)).toBe(false);
      expect(await store.readText(dst)).toBe('payload');
      const again = await store.move(src, dst);
      expect(again).toMatchObject({ name: dst, size: 7 });
      expect(await names(store, b === '' ? '' : b)).toEqual([dst]);
      const missing = await codeOf(store.move(`${b}landing/orders/none.json`, `${b}archive/none.json`));
      expect(missing.code).toBe('E_OBJECT_NOT_FOUND');
      expect(missing.message).toContain(`${b}landing/orders/none.json`);
    });

    it('finishes a move interrupted after the copy (destination written, source still there)', async () => {
      await store.write(`${b}m/src.json`, 'same');
      await store.copy(`${b}m/src.json`, `${b}m/dst.json`);
      const moved = await store.move(`${b}m/src.json`, `${b}m/dst.json`);
      expect(moved.size).toBe(4);
      expect(await names(store, `${b}m/`)).toEqual([`${b}m/dst.json`]);
    });

    it('lets two concurrent moves of the same object both succeed with one result', async () => {
      await store.write(`${b}race/src.json`, 'once');
      const [x, y] = await Promise.all([
        store.move(`${b}race/src.json`, `${b}race/dst.json`),
        store.move(`${b}race/src.json`, `${b}race/dst.json`),
      ]);
      expect(x.size).toBe(4);
      expect(y.size).toBe(4);
      expect(await names(store, `${b}race/`)).toEqual([`${b}race/dst.json`]);
      expect(await store.readText(`${b}race/dst.json`)).toBe('once');
    });

    it('deletes, treating a missing object as done, and honours ifGenerationMatch', async () => {
      const info = await store.write(`${b}d/obj.json`, 'x');
      await store.delete(`${b}d/none.json`);
      const stale = await codeOf(
        store.delete(`${b}d/obj.json`, { ifGenerationMatch: `${info.generation}9` }),
      );
      expect(stale.code).toBe('E_PRECONDITION_FAILED');
      expect(await store.exists(`${b}d/obj.json`)).toBe(true);
      await store.delete(`${b}d/obj.json`, { ifGenerationMatch: info.generation });
      expect(await store.exists(`${b}d/obj.json`)).toBe(false);
      await store.delete(`${b}d/obj.json`);
    });

    it('reports a missing object on read with one line naming it', async () => {
      const text = await codeOf(store.readText(`${b}landing/orders/missing.json`));
      expect(text.code).toBe('E_OBJECT_NOT_FOUND');
      expect(text.message).toContain(`${b}landing/orders/missing.json`);
      expect(text.message).not.toContain('\n');
      const stream = await codeOf(collect(store.read(`${b}landing/orders/missing.json`)));
      expect(stream.code).toBe('E_OBJECT_NOT_FOUND');
      expect(stream.message).toContain(`${b}landing/orders/missing.json`);
    });

    it('represents zero-byte folder objects next to their children', async () => {
      const marker = await store.write(`${b}landing/orders/`, '');
      expect(marker).toMatchObject({ name: `${b}landing/orders/`, size: 0 });
      await store.write(`${b}landing/orders/a.json`, 'a');
      expect(await names(store, `${b}landing/`)).toEqual([
        `${b}landing/orders/`,
        `${b}landing/orders/a.json`,
      ]);
      expect(await store.exists(`${b}landing/orders/`)).toBe(true);
      expect(await store.readText(`${b}landing/orders/`)).toBe('');
      await store.delete(`${b}landing/orders/`);
      expect(await names(store, `${b}landing/`)).toEqual([`${b}landing/orders/a.json`]);
    });

    it('refuses names that escape the root or that no bucket can hold, naming them', async () => {
      const bad = [
        '../etc/passwd',
        `${b}a/../../x`,
        '/etc/passwd',
        `${b}a\\b`,
        `${b}a\u0000b`,
        `${b}a//b`,
        '',
        `${b}./a`,
        `${b}a/./b`,
        `${b}a/..`,
        `${b}a\nb`,
        `${b}landing/.sluice-tmp-1`,
      ];
      for (const name of bad) {
        const attempts: Array<() => Promise<unknown>> = [
          () => store.write(name, 'x'),
          () => store.readText(name),
          () => store.stat(name),
          () => store.delete(name),
          () => collect(store.read(name)),
          () => store.copy(`${b}ok.json`, name),
        ];
        for (const attempt of attempts) {
          const result = await codeOf(Promise.resolve().then(attempt));
          expect(result.code, name).toBe('E_BAD_OBJECT_NAME');
          expect(result.message).toContain(JSON.stringify(name).slice(1, -1).slice(0, 20));
        }
        expect(() => store.uri(name)).toThrow(/bad object name/);
      }
      for (const prefix of ['../', '/abs/', `${b}a/../`, `${b}a\\`])
        expect((await codeOf(store.listPage(prefix))).code).toBe('E_BAD_OBJECT_NAME');
    });

    it('gives a URI the warehouse can read that ends with the object name', async () => {
      const uri = store.uri(`${b}landing/orders/a.json`);
      expect(uri.endsWith(`${b}landing/orders/a.json`)).toBe(true);
      expect(uri === '/' || uri.startsWith('/') || uri.startsWith('gs://')).toBe(true);
    });

    it('keeps listings consistent while many writes run at once', async () => {
      const writes: Promise<ObjectInfo>[] = [];
      for (let i = 0; i < 20; i++)
        writes.push(store.write(`${b}con/f${String(i).padStart(2, '0')}`, 'x'.repeat(i)));
      const during = await names(store, `${b}con/`);
      for (const n of during) expect(n).toMatch(/(^|\/)con\/f\d\d$/);
      await Promise.all(writes);
      expect((await names(store, `${b}con/`)).length).toBe(20);
    });
  });
}
