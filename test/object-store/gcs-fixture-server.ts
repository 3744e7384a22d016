/**
 * A local HTTP server that speaks the part of the Cloud Storage JSON API the official Node client uses for
 * Sluice (objects.list/get/insert (multipart and resumable)/rewrite/delete, media download), answering with
 * the recorded response shapes in test/fixtures/gcs/ and recording every request so tests can assert what
 * the client sent. Errors can be injected per request. Test code only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'gcs');

function fixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Record<string, unknown>;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path with each segment decoded, e.g. `/storage/v1/b/bucket/o/landing/orders/a.json`. */
  readonly path: string;
  readonly rawPath: string;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
  /** The API operation this request was recognised as. */
  readonly operation: string;
}

interface StoredObject {
  readonly bucket: string;
  readonly name: string;
  readonly data: Buffer;
  readonly generation: string;
  readonly contentType: string;
  readonly created: Date;
}

interface Injection {
  readonly operation?: string;
  readonly objectName?: string;
  readonly status: 401 | 403 | 404 | 412 | 503;
  remaining: number;
}

interface ResumableSession {
  readonly bucket: string;
  readonly name: string;
  readonly contentType: string;
  readonly ifGenerationMatch: string | undefined;
  chunks: Buffer[];
  received: number;
}

/** An in-memory GCS speaking the JSON API, for tests. */
export class GcsFixtureServer {
  readonly requests: RecordedRequest[] = [];
  readonly buckets: Set<string>;
  readonly #objects = new Map<string, StoredObject>();
  readonly #sessions = new Map<string, ResumableSession>();
  readonly #injections: Injection[] = [];
  #server: Server | undefined;
  #generation = 1767262500417263n;
  endpoint = '';

  private constructor(buckets: readonly string[]) {
    this.buckets = new Set(buckets);
  }

  /** Start on a free loopback port. */
  static async start(buckets: readonly string[] = ['sluice-fixture-bucket']): Promise<GcsFixtureServer> {
    const server = new GcsFixtureServer(buckets);
    await server.#listen();
    return server;
  }

  /** Answer the next `times` requests matching `operation`/`objectName` with the recorded error `status`. */
  inject(injection: Omit<Injection, 'remaining'> & { times?: number }): void {
    this.#injections.push({ ...injection, remaining: injection.times ?? 1 });
  }

  /** Requests recognised as `operation` (e.g. `objects.list`). */
  requestsOf(operation: string): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  /** Stored object names of a bucket, sorted. */
  names(bucket: string): string[] {
    return [...this.#objects.values()]
      .filter((o) => o.bucket === bucket)
      .map((o) => o.name)
      .sort();
  }

  clear(): void {
    this.#objects.clear();
    this.requests.length = 0;
    this.#injections.length = 0;
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.#server?.closeAllConnections();
      this.#server?.close(() => resolve());
    });
  }

  async #listen(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          this.#handle(req, res, Buffer.concat(chunks));
        } catch (error) {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
        }
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
  }

  #handle(req: IncomingMessage, res: ServerResponse, body: Buffer): undefined {
    const url = new URL(req.url ?? '/', 'http://localhost');
    // With STORAGE_EMULATOR_HOST the client drops the /storage/v1 prefix (as fake-gcs-server accepts).
    if (url.pathname.startsWith('/b/')) url.pathname = `/storage/v1${url.pathname}`;
    const segments = url.pathname.split('/').map((s) => decodeURIComponent(s));
    const query = Object.fromEntries(url.searchParams.entries());
    const route = this.#route(req.method ?? 'GET', segments, query);
    this.requests.push({
      method: req.method ?? 'GET',
      path: segments.join('/'),
      rawPath: url.pathname,
      query,
      headers: req.headers,
      body,
      operation: route.operation,
    });
    const injected = this.#injections.find(
      (i) =>
        i.remaining > 0 &&
        (i.operation === undefined || i.operation === route.operation) &&
        (i.objectName === undefined || i.objectName === route.object),
    );
    if (injected) {
      injected.remaining--;
      return this.#error(res, injected.status, route.bucket, route.object);
    }
    if (route.bucket !== undefined && !this.buckets.has(route.bucket))
      return this.#json(res, 404, fixture('error-404-bucket.json'));
    switch (route.operation) {
      case 'objects.list':
        return this.#list(res, route.bucket!, query);
      case 'objects.get':
        return this.#get(res, route.bucket!, route.object!, query.alt === 'media');
      case 'objects.delete':
        return this.#delete(res, route.bucket!, route.object!, query);
      case 'objects.rewrite':
        return this.#rewrite(res, route.bucket!, route.object!, route.destBucket!, route.destObject!, query);
      case 'objects.insert.multipart':
        return this.#multipart(req, res, route.bucket!, query, body);
      case 'objects.insert.media':
        return this.#finish(
          res,
          route.bucket!,
          query.name!,
          body,
          String(req.headers['content-type'] ?? ''),
          query.ifGenerationMatch,
        );
      case 'objects.insert.resumable':
        return this.#startResumable(req, res, route.bucket!, query, body);
      case 'objects.insert.resumable.put':
        return this.#putResumable(req, res, query, body);
      default:
        return this.#json(res, 501, {
          error: { code: 501, message: `fixture server: unsupported ${req.method} ${url.pathname}` },
        });
    }
  }

  #route(method: string, s: string[], query: Record<string, string>) {
    // ['', 'storage', 'v1', 'b', bucket, 'o', ...name] or ['', 'upload', 'storage', 'v1', 'b', bucket, 'o']
    if (s[1] === 'upload' && s[4] === 'b' && s[6] === 'o') {
      const bucket = s[5];
      if (method === 'PUT')
        return {
          operation: 'objects.insert.resumable.put',
          bucket,
          object: this.#sessions.get(query.upload_id ?? '')?.name,
        };
      return { operation: `objects.insert.${query.uploadType ?? 'media'}`, bucket, object: query.name };
    }
    if (s[1] === 'storage' && s[3] === 'b' && s[5] === 'o') {
      const bucket = s[4];
      const rest = s.slice(6);
      const rewriteAt = rest.indexOf('rewriteTo');
      if (method === 'POST' && rewriteAt >= 0 && rest[rewriteAt + 1] === 'b')
        return {
          operation: 'objects.rewrite',
          bucket,
          object: rest.slice(0, rewriteAt).join('/'),
          destBucket: rest[rewriteAt + 2],
          destObject: rest.slice(rewriteAt + 4).join('/'),
        };
      if (rest.length === 0 && method === 'GET')
        return { operation: 'objects.list', bucket, object: undefined };
      const object = rest.join('/');
      if (method === 'GET') return { operation: 'objects.get', bucket, object };
      if (method === 'DELETE') return { operation: 'objects.delete', bucket, object };
    }
    return { operation: 'unknown', bucket: undefined, object: undefined };
  }

  #key(bucket: string, name: string): string {
    return `${bucket}\u0000${name}`;
  }

  #resource(o: StoredObject): Record<string, unknown> {
    const template = fixture('object.json');
    const encoded = encodeURIComponent(o.name);
    const created = o.created.toISOString();
    return {
      ...template,
      id: `${o.bucket}/${o.name}/${o.generation}`,
      selfLink: `https://www.googleapis.com/storage/v1/b/${o.bucket}/o/${encoded}`,
      mediaLink: `https://storage.googleapis.com/download/storage/v1/b/${o.bucket}/o/${encoded}?generation=${o.generation}&alt=media`,
      name: o.name,
      bucket: o.bucket,
      generation: o.generation,
      metageneration: '1',
      contentType: o.contentType,
      size: String(o.data.length),
      md5Hash: createHash('md5').update(o.data).digest('base64'),
      crc32c: crc32cBase64(o.data),
      etag: etagOf(BigInt(o.generation), 1n),
      timeCreated: created,
      updated: created,
      timeStorageClassUpdated: created,
      timeFinalized: created,
    };
  }

  #list(res: ServerResponse, bucket: string, query: Record<string, string>): undefined {
    const prefix = query.prefix ?? '';
    const max = Math.min(Number(query.maxResults ?? 1000), 1000);
    const after = query.pageToken ? Buffer.from(query.pageToken, 'base64').toString('utf8') : undefined;
    const all = [...this.#objects.values()]
      .filter(
        (o) =>
          o.bucket === bucket &&
          o.name.startsWith(prefix) &&
          (after === undefined || Buffer.compare(Buffer.from(o.name), Buffer.from(after)) > 0),
      )
      .sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
    const page = all.slice(0, max);
    const template = fixture('objects-list.json');
    const out: Record<string, unknown> = { kind: template.kind };
    if (all.length > max) out.nextPageToken = Buffer.from(page.at(-1)!.name).toString('base64');
    if (page.length > 0) out.items = page.map((o) => this.#resource(o));
    this.#json(res, 200, out);
  }

  #get(res: ServerResponse, bucket: string, name: string, media: boolean): undefined {
    const o = this.#objects.get(this.#key(bucket, name));
    if (!o) return this.#error(res, 404, bucket, name);
    if (!media) return this.#json(res, 200, this.#resource(o));
    res.writeHead(200, {
      'content-type': o.contentType,
      'content-length': String(o.data.length),
      'x-goog-hash': `crc32c=${crc32cBase64(o.data)},md5=${createHash('md5').update(o.data).digest('base64')}`,
      'x-goog-generation': o.generation,
      'x-goog-metageneration': '1',
      'x-goog-stored-content-encoding': 'identity',
      'x-goog-stored-content-length': String(o.data.length),
      'x-goog-storage-class': 'STANDARD',
      etag: etagOf(BigInt(o.generation), 1n),
    });
    res.end(o.data);
  }

  #delete(res: ServerResponse, bucket: string, name: string, query: Record<string, string>): undefined {
    const o = this.#objects.get(this.#key(bucket, name));
    if (!o) return this.#error(res, 404, bucket, name);
    if (query.ifGenerationMatch !== undefined && query.ifGenerationMatch !== o.generation)
      return this.#error(res, 412, bucket, name);
    this.#objects.delete(this.#key(bucket, name));
    res.writeHead(204).end();
  }

  #rewrite(
    res: ServerResponse,
    bucket: string,
    name: string,
    destBucket: string,
    destName: string,
    query: Record<string, string>,
  ): undefined {
    const source = this.#objects.get(this.#key(bucket, name));
    if (!source) return this.#error(res, 404, bucket, name);
    if (!this.buckets.has(destBucket)) return this.#json(res, 404, fixture('error-404-bucket.json'));
    if (query.ifSourceGenerationMatch !== undefined && query.ifSourceGenerationMatch !== source.generation)
      return this.#error(res, 412, bucket, name);
    if (!this.#preconditionHolds(destBucket, destName, query.ifGenerationMatch))
      return this.#error(res, 412, destBucket, destName);
    const copy = this.#store(destBucket, destName, source.data, source.contentType);
    const template = fixture('rewrite-response.json');
    this.#json(res, 200, {
      ...template,
      totalBytesRewritten: String(copy.data.length),
      objectSize: String(copy.data.length),
      done: true,
      resource: this.#resource(copy),
    });
  }

  #multipart(
    req: IncomingMessage,
    res: ServerResponse,
    bucket: string,
    query: Record<string, string>,
    body: Buffer,
  ): undefined {
    const type = String(req.headers['content-type'] ?? '');
    const boundary = /boundary="?([^";]+)"?/.exec(type)?.[1];
    if (!boundary)
      return this.#json(res, 400, { error: { code: 400, message: 'multipart upload without a boundary' } });
    const parts = splitMultipart(body, boundary);
    const metadata = JSON.parse(parts[0]?.body.toString('utf8') ?? '{}') as {
      name?: string;
      contentType?: string;
    };
    const media = parts[1];
    const name = query.name ?? metadata.name;
    if (!name || !media)
      return this.#json(res, 400, {
        error: { code: 400, message: 'multipart upload without name or media' },
      });
    this.#finish(
      res,
      bucket,
      name,
      media.body,
      metadata.contentType ?? media.contentType ?? 'application/octet-stream',
      query.ifGenerationMatch,
    );
  }

  #startResumable(
    req: IncomingMessage,
    res: ServerResponse,
    bucket: string,
    query: Record<string, string>,
    body: Buffer,
  ): undefined {
    const metadata = body.length > 0 ? (JSON.parse(body.toString('utf8')) as { contentType?: string }) : {};
    const name = query.name!;
    if (!this.#preconditionHolds(bucket, name, query.ifGenerationMatch))
      return this.#error(res, 412, bucket, name);
    const id = randomBytes(12).toString('hex');
    this.#sessions.set(id, {
      bucket,
      name,
      contentType:
        metadata.contentType ?? String(req.headers['x-upload-content-type'] ?? 'application/octet-stream'),
      ifGenerationMatch: query.ifGenerationMatch,
      chunks: [],
      received: 0,
    });
    const location = `${this.endpoint}/upload/storage/v1/b/${bucket}/o?uploadType=resumable&name=${encodeURIComponent(name)}&upload_id=${id}`;
    res.writeHead(200, { location, 'x-guploader-uploadid': id, 'content-length': '0' }).end();
  }

  #putResumable(
    req: IncomingMessage,
    res: ServerResponse,
    query: Record<string, string>,
    body: Buffer,
  ): undefined {
    const session = this.#sessions.get(query.upload_id ?? '');
    if (!session) return this.#json(res, 404, { error: { code: 404, message: 'No such upload session' } });
    const range = String(req.headers['content-range'] ?? 'bytes */*');
    const m = /^bytes (\*|(\d+)-(\d+|\*))\/(\d+|\*)$/.exec(range);
    if (!m) return this.#json(res, 400, { error: { code: 400, message: `bad Content-Range ${range}` } });
    if (body.length > 0) {
      session.chunks.push(body);
      session.received += body.length;
    }
    const total = m[4] === '*' ? undefined : Number(m[4]);
    // `bytes N-*/*` is the client's single-request mode: the object ends with this request's body.
    const final = (m[3] === '*' && m[1] !== '*') || (total !== undefined && session.received === total);
    if (!final) {
      const headers: Record<string, string> = { 'content-length': '0' };
      if (session.received > 0) headers.range = `bytes=0-${session.received - 1}`;
      res.writeHead(308, headers).end();
      return;
    }
    this.#sessions.delete(query.upload_id!);
    this.#finish(
      res,
      session.bucket,
      session.name,
      Buffer.concat(session.chunks),
      session.contentType,
      session.ifGenerationMatch,
    );
  }

  #preconditionHolds(bucket: string, name: string, ifGenerationMatch: string | undefined): boolean {
    if (ifGenerationMatch === undefined) return true;
    const current = this.#objects.get(this.#key(bucket, name));
    return ifGenerationMatch === '0' ? current === undefined : current?.generation === ifGenerationMatch;
  }

  #finish(
    res: ServerResponse,
    bucket: string,
    name: string,
    data: Buffer,
    contentType: string,
    ifGenerationMatch: string | undefined,
  ): undefined {
    if (!this.#preconditionHolds(bucket, name, ifGenerationMatch)) return this.#error(res, 412, bucket, name);
    this.#json(res, 200, this.#resource(this.#store(bucket, name, data, contentType)));
  }

  #store(bucket: string, name: string, data: Buffer, contentType: string): StoredObject {
    this.#generation += 1000n + BigInt(this.#objects.size);
    const o: StoredObject = {
      bucket,
      name,
      data,
      generation: String(this.#generation),
      contentType,
      created: new Date(),
    };
    this.#objects.set(this.#key(bucket, name), o);
    return o;
  }

  #error(
    res: ServerResponse,
    status: number,
    bucket: string | undefined,
    name: string | undefined,
  ): undefined {
    const file = status === 404 ? 'error-404-object.json' : `error-${status}.json`;
    let text = readFileSync(join(FIXTURES, file), 'utf8');
    // Real 404 bodies name the object: "No such object: bucket/name".
    if (status === 404 && bucket && name)
      text = text.replaceAll('sluice-fixture-bucket/landing/orders/missing.json', `${bucket}/${name}`);
    this.#json(res, status, JSON.parse(text));
  }

  #json(res: ServerResponse, status: number, body: unknown): undefined {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/json; charset=UTF-8',
      'content-length': String(Buffer.byteLength(text)),
    });
    res.end(text);
  }
}

function splitMultipart(
  body: Buffer,
  boundary: string,
): { headers: string; body: Buffer; contentType?: string }[] {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: { headers: string; body: Buffer; contentType?: string }[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length, next);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      let content = part.subarray(headerEnd + 4);
      if (content.subarray(-2).toString() === '\r\n') content = content.subarray(0, -2);
      const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1];
      parts.push({ headers, body: content, ...(contentType ? { contentType } : {}) });
    }
    start = next;
  }
  return parts;
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32C (Castagnoli) of `data`, base64 of the big-endian value, as GCS reports it. */
export function crc32cBase64(data: Uint8Array): string {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  const out = Buffer.alloc(4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0);
  return out.toString('base64');
}

/** The JSON API object etag: base64 of a protobuf with the generation (field 1) and metageneration (field 2). */
function etagOf(generation: bigint, metageneration: bigint): string {
  const varint = (v: bigint) => {
    const bytes: number[] = [];
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) b |= 0x80;
      bytes.push(b);
    } while (v > 0n);
    return bytes;
  };
  return Buffer.from([0x08, ...varint(generation), 0x10, ...varint(metageneration)]).toString('base64');
}
