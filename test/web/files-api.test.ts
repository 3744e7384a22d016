/** The file ledger over HTTP (`sluice files` uses it while a server holds the embedded stores). */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openObjectStore } from '../../src/adapters/object-store/open-object-store.ts';
import type { ObjectStore } from '../../src/ports/object-store.ts';
import { openWebTestEnv, type WebTestEnv } from './support/web-test-env.ts';

describe('files API', () => {
  let env: WebTestEnv;
  let app: FastifyInstance;
  let bucket: ObjectStore;

  beforeAll(async () => {
    env = await openWebTestEnv({ tables: false });
    bucket = await openObjectStore(env.config);
    const good = await bucket.write('landing/orders/good.jsonl', '{"order_id":"a"}\n');
    const bad = await bucket.write('landing/orders/bad.jsonl', 'not json\n');
    await env.store.ledger.record('orders', [good, bad]);
    app = await env.app({ openObjectStore: () => openObjectStore(env.config) });
  });
  afterAll(async () => {
    await app?.close();
    await bucket?.close();
    await env?.cleanup();
  });

  it('lists ledger entries, filtered by state', async () => {
    const all = await app.inject({ url: '/api/files' });
    expect(all.statusCode).toBe(200);
    expect(
      all
        .json()
        .files.map((f: { object: string }) => f.object)
        .sort(),
    ).toEqual(['landing/orders/bad.jsonl', 'landing/orders/good.jsonl']);
    const archived = await app.inject({ url: '/api/files?state=archived' });
    expect(archived.json().files).toEqual([]);
    expect((await app.inject({ url: '/api/files?state=lost' })).statusCode).toBe(400);
  });

  it('skips a file: rejected in the ledger, moved to rejected/, the other file untouched', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/files/skip',
      payload: { object: 'landing/orders/bad.jsonl', reason: 'truncated export' },
    });
    expect(r.statusCode).toBe(200);
    expect(r.json().file).toMatchObject({
      state: 'rejected',
      reason: 'truncated export',
      movedTo: 'rejected/orders/bad.jsonl',
    });
    expect(await bucket.exists('landing/orders/bad.jsonl')).toBe(false);
    expect(await bucket.readText('rejected/orders/bad.jsonl')).toBe('not json\n');
    expect(await bucket.exists('landing/orders/good.jsonl')).toBe(true);
  });

  it('answers 404 for an object the ledger does not hold, 400 for a name that escapes the bucket', async () => {
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/files/skip',
      payload: { object: 'landing/orders/nope.jsonl', reason: 'x' },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('E_NOT_FOUND');
    for (const object of ['../etc/passwd', '/abs', 'a\\b']) {
      const bad = await app.inject({
        method: 'POST',
        url: '/api/files/skip',
        payload: { object, reason: 'x' },
      });
      expect(bad.statusCode).toBe(400);
    }
    const noReason = await app.inject({
      method: 'POST',
      url: '/api/files/skip',
      payload: { object: 'landing/orders/good.jsonl', reason: '  ' },
    });
    expect(noReason.statusCode).toBe(400);
  });
});
