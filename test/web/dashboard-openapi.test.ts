/**
 * /api/openapi.json describes every route the dashboard registers (only static assets are left out), with
 * parameters generated from the routes' zod schemas.
 */
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardServerOptions } from '../../src/web/dashboard/dashboard-server-options.ts';
import { registerDashboard } from '../../src/web/dashboard/register-dashboard.ts';
import { openWebTestEnv, type WebTestEnv } from './support/web-test-env.ts';

interface Operation {
  parameters?: { in: string; name: string; required?: boolean; schema?: Record<string, unknown> }[];
  responses?: Record<string, unknown>;
  tags?: string[];
}

describe('OpenAPI description', () => {
  let env: WebTestEnv;
  beforeAll(async () => {
    env = await openWebTestEnv({ tables: false, token: 'a-token-for-openapi' });
  });
  afterAll(async () => env?.cleanup());

  it('covers every registered route', async () => {
    const app = Fastify({ logger: false, ...dashboardServerOptions });
    const routes: { method: string; url: string; hidden: boolean }[] = [];
    app.addHook('onRoute', (r) => {
      for (const method of [r.method].flat())
        if (method !== 'HEAD')
          routes.push({
            method,
            url: r.url,
            hidden: Boolean((r.schema as { hide?: boolean } | undefined)?.hide),
          });
    });
    await app.register(registerDashboard, {
      store: env.store,
      openWarehouse: () => env.openWarehouse(),
      executor: { kind: 'local' },
      config: env.config,
    });
    await app.ready();
    const doc = (
      await app.inject({ url: '/api/openapi.json', headers: { authorization: 'Bearer a-token-for-openapi' } })
    ).json() as { openapi: string; paths: Record<string, Record<string, Operation>>; components: unknown };
    await app.close();

    expect(doc.openapi).toBe('3.0.3');
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    const expected = routes
      .filter((r) => !r.hidden)
      .map((r) => `${r.method} ${r.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`);
    expect(expected.filter((r) => !documented.has(r))).toEqual([]);
    expect(
      routes
        .filter((r) => r.hidden)
        .map((r) => r.url)
        .sort(),
    ).toEqual(['/favicon.ico', '/ui/assets/:name']);
    expect(documented.size).toBeGreaterThan(35);

    const grid = doc.paths['/api/dags/{dagId}/grid']!.get!;
    expect(grid.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual([
      'path:dagId',
      'query:after',
      'query:before',
      'query:limit',
    ]);
    expect(grid.parameters!.find((p) => p.name === 'dagId')!.schema).toMatchObject({ maxLength: 100 });
    expect(Object.keys(grid.responses!)).toEqual(expect.arrayContaining(['200', '400', '404']));
    expect(doc.paths['/api/runs']!.get!.tags).toEqual(['runs']);
    expect(JSON.stringify(doc.components)).toContain('bearer');
  });
});
