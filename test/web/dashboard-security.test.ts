/**
 * Access control of the dashboard: the token (bearer or login cookie), CSRF on cookie sessions, the open
 * loopback mode, and the refusal to serve beyond loopback without a token.
 */
import Fastify, { type FastifyInstance, type LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasCode } from '../../src/core/errors/sluice-error.ts';
import { registerDashboard } from '../../src/web/dashboard/register-dashboard.ts';
import { assertSafeBinding, isLoopbackHost } from '../../src/web/security/loopback.ts';
import { safeNext } from '../../src/web/security/register-security.ts';
import { deriveKey, issueSession, verifySession } from '../../src/web/security/session-cookie.ts';
import { openWebTestEnv, seedDemo, type WebTestEnv } from './support/web-test-env.ts';

const TOKEN = 'correct-horse-battery-staple';

function cookiesOf(r: LightMyRequestResponse): Record<string, string> {
  return Object.fromEntries(r.cookies.map((c) => [c.name, c.value]));
}

function csrfMeta(html: string): string {
  const m = /<meta name="csrf-token" content="([^"]+)">/.exec(html);
  if (!m) throw new Error('page has no csrf-token meta');
  return m[1]!;
}

describe('dashboard security with SLUICE_WEB_TOKEN', () => {
  let env: WebTestEnv;
  let app: FastifyInstance;
  let now = new Date('2026-01-01T11:20:00Z');

  async function login(): Promise<Record<string, string>> {
    const r = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${encodeURIComponent(TOKEN)}&next=${encodeURIComponent('/ui/dags')}`,
    });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/ui/dags');
    const cookie = r.cookies.find((c) => c.name === 'sluice_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    return cookiesOf(r);
  }

  /** A logged-in page view: the cookies (session + CSRF secret) and the page's CSRF token. */
  async function session(): Promise<{ cookies: Record<string, string>; csrf: string }> {
    const cookies = await login();
    const page = await app.inject({ url: '/ui/dags', cookies });
    expect(page.statusCode).toBe(200);
    return { cookies: { ...cookies, ...cookiesOf(page) }, csrf: csrfMeta(page.body) };
  }

  beforeAll(async () => {
    env = await openWebTestEnv({ token: TOKEN, tables: false });
    await seedDemo(env.store);
    app = await env.app({ clock: { now: () => now } });
  });
  afterAll(async () => env?.cleanup());

  it('answers the API with 401 without the token and 200 with it', async () => {
    const without = await app.inject({ url: '/api/dags' });
    expect(without.statusCode).toBe(401);
    expect(without.json().error.code).toBe('E_UNAUTHORIZED');
    const wrong = await app.inject({ url: '/api/dags', headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.statusCode).toBe(401);
    const right = await app.inject({ url: '/api/dags', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(right.statusCode).toBe(200);
    for (const url of ['/metrics', '/api/openapi.json', '/queues', '/api/runs'])
      expect((await app.inject({ url })).statusCode, url).toBe(401);
    for (const url of ['/healthz', '/ui/assets/dashboard.css', '/login'])
      expect((await app.inject({ url })).statusCode, url).toBe(200);
  });

  it('sends browsers to the login form and back, never to another site', async () => {
    const page = await app.inject({ url: '/ui/dags/orders_demo?x=1', headers: { accept: 'text/html' } });
    expect(page.statusCode).toBe(303);
    expect(page.headers.location).toBe(`/login?next=${encodeURIComponent('/ui/dags/orders_demo?x=1')}`);
    const bad = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'token=nope&next=%2Fui%2Fdags',
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.body).toContain('That token is not right.');
    expect(bad.cookies.find((c) => c.name === 'sluice_session')).toBeUndefined();
    for (const next of ['//evil.example/x', 'https://evil.example', '/\\evil.example', 'javascript:alert(1)'])
      expect(safeNext(next), next).toBe('/');
    expect(safeNext('/ui/quality?dagId=a')).toBe('/ui/quality?dagId=a');
  });

  it('lets a cookie session read, but refuses its POSTs without the CSRF token (403)', async () => {
    const { cookies, csrf } = await session();
    expect((await app.inject({ url: '/api/dags', cookies })).statusCode).toBe(200);

    const before = (await env.store.listRuns({ dagId: 'orders_demo', runTypes: ['manual'] })).length;
    const noToken = await app.inject({
      method: 'POST',
      url: '/api/dags/orders_demo/trigger',
      cookies,
      payload: { intervalStart: '2026-01-01T12:00:00Z' },
    });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toMatch(/^FST_CSRF_/);
    const noSecret = await app.inject({
      method: 'POST',
      url: '/api/dags/orders_demo/trigger',
      cookies: { sluice_session: cookies.sluice_session! },
      headers: { 'x-csrf-token': csrf },
      payload: { intervalStart: '2026-01-01T12:00:00Z' },
    });
    expect(noSecret.statusCode).toBe(403);
    expect((await env.store.listRuns({ dagId: 'orders_demo', runTypes: ['manual'] })).length).toBe(before);

    const ok = await app.inject({
      method: 'POST',
      url: '/api/dags/orders_demo/trigger',
      cookies,
      headers: { 'x-csrf-token': csrf },
      payload: { intervalStart: '2026-01-01T12:00:00Z' },
    });
    expect(ok.statusCode).toBe(201);
  });

  it('binds CSRF tokens to their session (a token of one login fails in another)', async () => {
    const a = await session();
    const b = await session();
    const crossed = await app.inject({
      method: 'POST',
      url: '/api/dags/orders_demo/pause',
      cookies: { ...a.cookies, sluice_session: b.cookies.sluice_session! },
      headers: { 'x-csrf-token': a.csrf },
    });
    expect(crossed.statusCode).toBe(403);
  });

  it('needs no CSRF token with the bearer header (not a browser session)', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/api/dags/orders_demo/trigger',
      headers: { authorization: `Bearer ${TOKEN}` },
      payload: { intervalStart: '2026-01-01T12:15:00Z' },
    });
    expect(r.statusCode).toBe(201);
  });

  it('rejects tampered and expired session cookies', async () => {
    const { cookies } = await session();
    const [id, issued, mac] = cookies.sluice_session!.split('.');
    const tampered = `${id}.${Number(issued) + 1}.${mac}`;
    expect((await app.inject({ url: '/api/dags', cookies: { sluice_session: tampered } })).statusCode).toBe(
      401,
    );
    now = new Date(now.getTime() + 13 * 3600_000);
    try {
      expect((await app.inject({ url: '/api/dags', cookies })).statusCode).toBe(401);
    } finally {
      now = new Date('2026-01-01T11:20:00Z');
    }
    const key = deriveKey(TOKEN, 'session');
    const s = issueSession(key, now);
    expect(verifySession(key, s.value, now)).toBe(s.sessionId);
    expect(verifySession(deriveKey('another-token-123', 'session'), s.value, now)).toBeUndefined();
  });

  it('logs out with a CSRF-protected form post', async () => {
    const { cookies, csrf } = await session();
    const noToken = await app.inject({ method: 'POST', url: '/logout', cookies });
    expect(noToken.statusCode).toBe(403);
    const out = await app.inject({
      method: 'POST',
      url: '/logout',
      cookies,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `_csrf=${encodeURIComponent(csrf)}`,
    });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect(out.cookies.find((c) => c.name === 'sluice_session')?.value).toBe('');
  });
});

describe('dashboard security without a token (loopback only)', () => {
  let env: WebTestEnv;
  let app: FastifyInstance;

  beforeAll(async () => {
    env = await openWebTestEnv({ tables: false });
    await seedDemo(env.store);
    app = await env.app({ clock: { now: () => new Date('2026-01-01T11:20:00Z') } });
  });
  afterAll(async () => env?.cleanup());

  it('is open to local clients but refuses state changes a page of another site sends', async () => {
    expect((await app.inject({ url: '/api/dags' })).statusCode).toBe(200);
    const page = await app.inject({ url: '/ui/dags' });
    expect(page.body).not.toContain('csrf-token');
    const cross = await app.inject({
      method: 'POST',
      url: '/api/dags/orders_demo/pause',
      headers: { origin: 'http://evil.example', host: 'localhost:80' },
    });
    expect(cross.statusCode).toBe(403);
    const fetchMeta = await app.inject({
      method: 'POST',
      url: '/api/dags/orders_demo/pause',
      headers: { 'sec-fetch-site': 'cross-site' },
    });
    expect(fetchMeta.statusCode).toBe(403);
    expect((await env.store.getDag('orders_demo'))!.paused).toBe(false);
    const same = await app.inject({
      method: 'POST',
      url: '/api/dags/orders_demo/pause',
      headers: { origin: 'http://localhost:80', host: 'localhost:80' },
    });
    expect(same.statusCode).toBe(200);
    const cli = await app.inject({ method: 'POST', url: '/api/dags/orders_demo/unpause' });
    expect(cli.statusCode).toBe(200);
  });

  it('refuses to start on a non-loopback address without a token', async () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'sluice.example.com']) {
      const bare = Fastify();
      let thrown: unknown;
      try {
        await bare.register(registerDashboard, {
          store: env.store,
          openWarehouse: () => env.openWarehouse(),
          executor: { kind: 'local' },
          config: { ...env.config, web: { ...env.config.web, host } },
        });
        await bare.ready();
      } catch (error) {
        thrown = error;
      } finally {
        await bare.close().catch(() => undefined);
      }
      expect(hasCode(thrown, 'E_WEB_INSECURE_BIND'), host).toBe(true);
      expect(String((thrown as Error).message)).toContain('SLUICE_WEB_TOKEN');
    }
    expect(() => assertSafeBinding('0.0.0.0', TOKEN)).not.toThrow();
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', 'example.com', '128.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});
