/**
 * Fuzzing of every documented route (taken from /api/openapi.json, so a new route is fuzzed without editing
 * this file): hostile path and query values and request bodies. The only acceptable answers are successes
 * and 4xx errors with the JSON error shape; never a 500, never a stack trace or a server path, and the data
 * is unchanged afterwards.
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openWebTestEnv, ROOT, seedDemo, seedWarehouse, type WebTestEnv } from './support/web-test-env.ts';

/** Raw values, percent-encoded before use unless marked raw. */
const VALUES = [
  'no_such_thing',
  "x' OR '1'='1",
  'x; DROP TABLE dag_runs; --',
  '../../../etc/passwd',
  '..\\..\\windows\\win.ini',
  '\u0000',
  '\u202e\u0000%00',
  'a'.repeat(5000),
  '9'.repeat(400),
  '-1',
  '1.5',
  '1e309',
  'NaN',
  '2026-13-45T99:00:00Z',
  '2026-02-30',
  '0000-00-00',
  'yesterday',
  '2026-01-01T00:00:00',
  '<script>alert(1)</script>',
  '{{ 7*7 }}',
  '${jndi:ldap://x}',
  '',
  ' ',
  'orders_demo__20260101T1045Z',
  'orders_demo',
  '2026-01-01T10:00:00.000Z~orders_demo',
  '2026-01-01T10:00:00.000Z~../etc',
];
const VALID = ['orders_demo', 'orders_demo__20260101T1045Z'];
/** Sent as they are (already percent-encoded or deliberately broken encodings). */
const RAW = ['..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e%2f', '%', '%E0%A4%A', '%C0%AE%C0%AE%2F'];

const BODIES: { type: string; payload: string }[] = [
  { type: 'application/json', payload: '{"intervalStart": ' },
  { type: 'application/json', payload: '[]' },
  { type: 'application/json', payload: '"just a string"' },
  { type: 'application/json', payload: '{"intervalStart": "2026-99-99T00:00:00Z"}' },
  { type: 'application/json', payload: '{"intervalStart": 12, "conf": "x"}' },
  { type: 'application/json', payload: '{"downstream": "yes"}' },
  { type: 'application/json', payload: '{"__proto__": {"admin": true}}' },
  { type: 'application/json', payload: JSON.stringify({ conf: { deep: 'x'.repeat(100_000) } }) },
  { type: 'application/json', payload: '{"a":'.repeat(2000) },
  { type: 'text/plain', payload: 'hello' },
  { type: 'application/x-www-form-urlencoded', payload: 'token=a&token=b&next=//evil' },
  { type: 'application/xml', payload: '<x/>' },
];

interface Route {
  readonly method: string;
  readonly path: string;
  readonly params: readonly string[];
  readonly query: readonly string[];
}

function routesOf(doc: {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string }[] }>>;
}): Route[] {
  const out: Route[] = [];
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops)) {
      const params = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      const query = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      out.push({ method: method.toUpperCase(), path, params, query });
    }
  return out;
}

const fill = (path: string, value: (name: string) => string) =>
  path.replace(/\{([^}]+)\}/g, (_m, name: string) => value(name));

describe('dashboard fuzzing', () => {
  let env: WebTestEnv;
  let app: FastifyInstance;
  let routes: Route[];
  const problems: string[] = [];
  let requests = 0;

  /** No route may answer a 5xx to any of these inputs (the warehouse is there and idle). */
  const allowed5xx = (_route: Route): number[] => [];

  function check(route: Route, url: string, r: LightMyRequestResponse): void {
    requests++;
    const where = `${route.method} ${url.slice(0, 160)} -> ${r.statusCode}`;
    if (r.statusCode >= 500 && !allowed5xx(route).includes(r.statusCode))
      problems.push(`${where}: server error ${r.body.slice(0, 200)}`);
    // Task pages show the stack of a task's own error on purpose; an error answer must never show ours.
    if (r.statusCode >= 400 && (/\n\s+at\s|node_modules|\.ts:\d+/.test(r.body) || r.body.includes(ROOT)))
      problems.push(`${where}: leaks a stack or a path`);
    if (
      r.statusCode >= 400 &&
      !route.path.startsWith('/ui/') &&
      route.path !== '/login' &&
      r.statusCode !== 404
    ) {
      let body: { error?: { code?: unknown; message?: unknown } } | undefined;
      try {
        body = r.json();
      } catch {
        problems.push(`${where}: error body is not JSON: ${r.body.slice(0, 120)}`);
        return;
      }
      if (typeof body?.error?.code !== 'string' || typeof body.error.message !== 'string')
        problems.push(`${where}: error body lacks {error:{code,message}}: ${r.body.slice(0, 120)}`);
    }
    if (r.statusCode === 404 && route.path.startsWith('/api/')) {
      const body = r.json() as { error?: { code?: string } };
      if (body.error?.code !== 'E_NOT_FOUND') problems.push(`${where}: 404 without the JSON error shape`);
    }
  }

  beforeAll(async () => {
    env = await openWebTestEnv();
    await seedDemo(env.store);
    await seedWarehouse(() => env.openWarehouse());
    app = await env.app({ clock: { now: () => new Date('2026-01-01T11:20:00Z') } });
    routes = routesOf((await app.inject({ url: '/api/openapi.json' })).json());
  });
  afterAll(async () => env?.cleanup());

  it('documents enough routes to be worth fuzzing', () => {
    expect(routes.length).toBeGreaterThan(30);
  });

  it('answers hostile path parameters with 4xx JSON errors only', async () => {
    const encoded = [...VALUES.map((v) => encodeURIComponent(v)), ...RAW];
    for (const route of routes.filter((r) => r.params.length > 0))
      for (const target of route.params)
        for (const value of encoded) {
          // Valid ids are fuzz values for the GET routes (an id in the wrong place); on a POST they would act.
          if (route.method === 'POST' && VALID.includes(value)) continue;
          const url = fill(route.path, (name) =>
            name === target
              ? value
              : name === 'runId'
                ? 'orders_demo__20260101T1045Z'
                : name === 'report'
                  ? 'low_stock'
                  : 'orders_demo',
          );
          check(route, url, await app.inject({ method: route.method as 'GET', url }));
        }
    expect(problems).toEqual([]);
  });

  it('answers hostile query parameters with 4xx JSON errors only', async () => {
    const encoded = [...VALUES.map((v) => encodeURIComponent(v)), ...RAW];
    for (const route of routes.filter((r) => r.query.length > 0)) {
      const path = fill(route.path, (name) =>
        name === 'runId'
          ? 'orders_demo__20260101T1045Z'
          : name === 'report'
            ? 'low_stock'
            : name === 'taskId'
              ? 'run_checks'
              : 'orders_demo',
      );
      for (const key of route.query) {
        for (const value of encoded) {
          const url = `${path}?${key}=${value}`;
          check(route, url, await app.inject({ method: route.method as 'GET', url }));
        }
        const twice = `${path}?${key}=1&${key}=2`;
        check(route, twice, await app.inject({ method: route.method as 'GET', url: twice }));
      }
      const unknown = `${path}?${encodeURIComponent("'; --")}=1&__proto__[x]=1&constructor=1`;
      check(route, unknown, await app.inject({ method: route.method as 'GET', url: unknown }));
    }
    expect(problems).toEqual([]);
  });

  it('answers hostile request bodies with 4xx JSON errors only', async () => {
    for (const route of routes.filter((r) => r.method === 'POST')) {
      const url = fill(route.path, (name) =>
        name === 'runId'
          ? 'orders_demo__20260101T1045Z'
          : name === 'taskId'
            ? 'run_checks'
            : name === 'backfillId'
              ? 'b1'
              : 'orders_demo',
      );
      for (const body of BODIES)
        check(
          route,
          `${url} [${body.type}] ${body.payload.slice(0, 40)}`,
          await app.inject({
            method: 'POST',
            url,
            headers: { 'content-type': body.type },
            payload: body.payload,
          }),
        );
    }
    expect(problems).toEqual([]);
  });

  it('leaves the data as it was and never answered with a server error', async () => {
    expect(requests).toBeGreaterThan(1000);
    const runs = await env.store.listRuns({ limit: 1000 });
    // The one valid body (a large `conf`) may have created a run; no hostile value created anything.
    const manual = runs.filter((r) => r.runType === 'manual');
    expect(manual.length).toBeLessThanOrEqual(1);
    for (const run of manual) expect(Object.keys(run.conf as object)).toEqual(['deep']);
    const reasons = (await app.inject({ url: '/api/quarantine/reasons' })).json().reasons;
    expect(reasons.reduce((n: number, r: { lines: number }) => n + r.lines, 0)).toBe(120);
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });
});
