/**
 * The GCS adapter: the shared contract against the JSON API fixture server (the official client talks HTTP
 * to it), the requests the client sends (paths, prefix/pageToken/maxResults, ifGenerationMatch, upload
 * types, rewrite), errors as one line naming gs://bucket/object, and the contract live when
 * GOOGLE_APPLICATION_CREDENTIALS and GCS_BUCKET are set.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GcsObjectStore } from '../../src/adapters/object-store/gcs/gcs-object-store.ts';
import { openObjectStore } from '../../src/adapters/object-store/open-object-store.ts';
import { compileConfig } from '../../src/config/config.ts';
import { crc32cBase64, GcsFixtureServer } from './gcs-fixture-server.ts';
import { objectStoreContract } from './object-store.contract.ts';

const BUCKET = 'sluice-fixture-bucket';
let server: GcsFixtureServer;

beforeAll(async () => {
  server = await GcsFixtureServer.start([BUCKET]);
});
afterAll(async () => {
  await server.close();
});

function open(bucket = BUCKET): GcsObjectStore {
  return GcsObjectStore.open({
    bucket,
    projectId: 'sluice-fixture',
    apiEndpoint: server.endpoint,
    maxRetries: 0,
  });
}

objectStoreContract('gcs (JSON API fixture server)', async () => {
  server.clear();
  return { store: open(), base: '', cleanup: async () => server.clear() };
});

async function* chunks(parts: string[]): AsyncIterable<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('GcsObjectStore requests (fixture server)', () => {
  afterEach(() => server.clear());

  it('computes CRC32C like GCS (RFC 3720 test vector)', () => {
    expect(Buffer.from(crc32cBase64(Buffer.from('123456789')), 'base64').toString('hex')).toBe('e3069283');
  });

  it('lists with prefix, maxResults and the pageToken GCS returned, and maps the JSON resource', async () => {
    const store = open();
    for (const n of [
      'landing/orders/a.json',
      'landing/orders/b.json',
      'landing/orders/c.json',
      'archive/x.json',
    ])
      await store.write(n, `{"name": "${n}"}\n`, { contentType: 'application/x-ndjson' });
    server.requests.length = 0;
    const first = await store.listPage('landing/orders/', { pageSize: 2 });
    const second = await store.listPage('landing/orders/', { pageSize: 2, pageToken: first.nextPageToken! });
    const [r1, r2] = server.requestsOf('objects.list');
    expect(r1).toMatchObject({ method: 'GET', path: `/storage/v1/b/${BUCKET}/o` });
    expect(r1!.query).toMatchObject({ prefix: 'landing/orders/', maxResults: '2' });
    expect(r1!.query.pageToken).toBeUndefined();
    expect(r2!.query).toMatchObject({
      prefix: 'landing/orders/',
      maxResults: '2',
      pageToken: first.nextPageToken,
    });
    expect(first.objects.map((o) => o.name)).toEqual(['landing/orders/a.json', 'landing/orders/b.json']);
    expect(second.objects.map((o) => o.name)).toEqual(['landing/orders/c.json']);
    expect(second.nextPageToken).toBeUndefined();
    const info = first.objects[0]!;
    expect(info.size).toBe('{"name": "landing/orders/a.json"}\n'.length);
    expect(info.generation).toMatch(/^\d{16}$/);
    expect(info.etag).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(info.createdAt.getTime()).toBeGreaterThan(0);
    // Only JSON API calls, no auth or metadata-server traffic: the custom endpoint bypasses credentials.
    expect(server.requests.every((r) => r.operation !== 'unknown')).toBe(true);
    expect(server.requests.every((r) => r.headers.authorization === undefined)).toBe(true);
  });

  it('uploads small payloads as multipart and streams as resumable, with ifGenerationMatch', async () => {
    const store = open();
    const created = await store.write('landing/orders/a.jsonl', 'line\n', {
      ifGenerationMatch: '0',
      contentType: 'application/x-ndjson',
    });
    const multipart = server.requestsOf('objects.insert.multipart');
    expect(multipart).toHaveLength(1);
    expect(multipart[0]).toMatchObject({ method: 'POST', path: `/upload/storage/v1/b/${BUCKET}/o` });
    expect(multipart[0]!.query).toMatchObject({
      uploadType: 'multipart',
      name: 'landing/orders/a.jsonl',
      ifGenerationMatch: '0',
    });
    expect(String(multipart[0]!.headers['content-type'])).toMatch(/^multipart\/related; boundary=/);
    expect(multipart[0]!.body.toString()).toContain('"contentType":"application/x-ndjson"');

    await store.write('landing/orders/a.jsonl', chunks(['one\n', 'two\n']), {
      ifGenerationMatch: created.generation,
    });
    const [start] = server.requestsOf('objects.insert.resumable');
    expect(start!.query).toMatchObject({
      uploadType: 'resumable',
      name: 'landing/orders/a.jsonl',
      ifGenerationMatch: created.generation,
    });
    const puts = server.requestsOf('objects.insert.resumable.put');
    expect(puts.length).toBeGreaterThanOrEqual(1);
    expect(String(puts.at(-1)!.headers['content-range'])).toMatch(/^bytes 0-(\*|\d+)\/(\*|8)$/);
    expect(await store.readText('landing/orders/a.jsonl')).toBe('one\ntwo\n');
  });

  it('copies with objects.rewrite and moves with rewrite + delete guarded by the source generation', async () => {
    const store = open();
    const source = await store.write('landing/orders/a.json', 'payload');
    server.requests.length = 0;
    const moved = await store.move('landing/orders/a.json', 'archive/orders/dt=2026-01-01/run/a.json');
    expect(moved.name).toBe('archive/orders/dt=2026-01-01/run/a.json');
    const [rewrite] = server.requestsOf('objects.rewrite');
    expect(rewrite!.path).toBe(
      `/storage/v1/b/${BUCKET}/o/landing/orders/a.json/rewriteTo/b/${BUCKET}/o/archive/orders/dt=2026-01-01/run/a.json`,
    );
    expect(rewrite!.rawPath).toContain('landing%2Forders%2Fa.json');
    const [del] = server.requestsOf('objects.delete');
    expect(del!.path).toBe(`/storage/v1/b/${BUCKET}/o/landing/orders/a.json`);
    expect(del!.query.ifGenerationMatch).toBe(source.generation);
    expect(server.names(BUCKET)).toEqual(['archive/orders/dt=2026-01-01/run/a.json']);
  });

  it('keeps the source when it changed during a move (the guarded delete fails)', async () => {
    const store = open();
    await store.write('m/src.json', 'v1');
    server.inject({ operation: 'objects.delete', status: 412 });
    const error = await rejection(store.move('m/src.json', 'm/dst.json'));
    expect(error.code).toBe('E_PRECONDITION_FAILED');
    expect(error.message).toContain(`gs://${BUCKET}/m/src.json`);
    expect(server.names(BUCKET)).toEqual(['m/dst.json', 'm/src.json']);
  });

  it('reads media with alt=media and validates the CRC32C GCS sends', async () => {
    const store = open();
    const bytes = randomBytes(100_000);
    await store.write('bin/blob', bytes);
    const out: Buffer[] = [];
    for await (const c of store.read('bin/blob')) out.push(Buffer.from(c));
    expect(Buffer.concat(out).equals(bytes)).toBe(true);
    const [get] = server.requestsOf('objects.get').filter((r) => r.query.alt === 'media');
    expect(get!.path).toBe(`/storage/v1/b/${BUCKET}/o/bin/blob`);
  });

  it('reports permission, missing-bucket and service errors as one line naming gs://bucket/object', async () => {
    const store = open();
    await store.write('landing/orders/a.json', 'x');
    server.inject({ operation: 'objects.get', objectName: 'landing/orders/a.json', status: 403 });
    const denied = await rejection(store.readText('landing/orders/a.json'));
    expect(denied.code).toBe('E_OBJECT_ACCESS_DENIED');
    expect(denied.message).toContain(`gs://${BUCKET}/landing/orders/a.json`);
    expect(denied.message).toContain('roles/storage.objectAdmin');
    expect(denied.message).not.toContain('\n');
    expect(denied.message).not.toMatch(/at .*\.js|ApiError|gaxios/);

    server.inject({ operation: 'objects.list', status: 401 });
    const anonymous = await rejection(store.listPage('landing/'));
    expect(anonymous.code).toBe('E_OBJECT_ACCESS_DENIED');
    expect(anonymous.message).toContain(`gs://${BUCKET}/landing/`);

    const missingBucket = await rejection(open('no-such-bucket').listPage('landing/'));
    expect(missingBucket.code).toBe('E_OBJECT_NOT_FOUND');
    expect(missingBucket.message).toContain('no-such-bucket');
    expect(missingBucket.message).toContain('GCS_BUCKET');

    server.inject({ operation: 'objects.delete', status: 503 });
    const unavailable = await rejection(store.delete('landing/orders/a.json'));
    expect(unavailable.code).toBe('E_OBJECT_STORE');
    expect(unavailable.message).toContain(`gs://${BUCKET}/landing/orders/a.json`);
    expect(unavailable.message).toContain('503');
    expect(unavailable.message).not.toContain('\n');
  });

  it('is what openObjectStore returns for SLUICE_STORAGE=gcs; STORAGE_EMULATOR_HOST points it at an emulator', async () => {
    const previous = process.env.STORAGE_EMULATOR_HOST;
    process.env.STORAGE_EMULATOR_HOST = server.endpoint;
    try {
      const env = {
        SLUICE_STORAGE: 'gcs',
        GCS_BUCKET: BUCKET,
        GCP_PROJECT: 'sluice-fixture',
        SLUICE_HOME: '/tmp/unused',
      };
      const config = compileConfig({ env, cwd: '/tmp', projectDir: '/tmp', fileOverrides: {}, flags: {} });
      const store = await openObjectStore(config);
      expect(store.kind).toBe('gcs');
      await store.write('x/a.json', '1');
      expect(await store.readText('x/a.json')).toBe('1');
      expect(store.uri('x/a.json')).toBe(`gs://${BUCKET}/x/a.json`);
    } finally {
      if (previous === undefined) delete process.env.STORAGE_EMULATOR_HOST;
      else process.env.STORAGE_EMULATOR_HOST = previous;
    }
  });

  it('uses gs:// URIs for the warehouse', () => {
    expect(open().uri('landing/orders/a.json')).toBe(`gs://${BUCKET}/landing/orders/a.json`);
  });
});

const live = Boolean(process.env.GOOGLE_APPLICATION_CREDENTIALS && process.env.GCS_BUCKET);
describe.skipIf(!live)('GcsObjectStore live', () => {
  objectStoreContract('gcs (live bucket)', async () => {
    const store = GcsObjectStore.open({
      bucket: process.env.GCS_BUCKET!,
      ...(process.env.GCP_PROJECT ? { projectId: process.env.GCP_PROJECT } : {}),
    });
    const base = `sluice-test/${Date.now()}-${randomBytes(4).toString('hex')}/`;
    return {
      store,
      base,
      cleanup: async () => {
        for await (const o of store.list(base)) await store.delete(o.name);
      },
    };
  });
});
