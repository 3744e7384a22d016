/**
 * Static assets of the dashboard, served from the package: our CSS and scripts, and uPlot from node_modules.
 * A fixed map from URL name to file: no request path ever becomes a file path.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);
const OWN = join(import.meta.dirname, 'assets');

const FILES: Readonly<Record<string, { path: string; type: string }>> = {
  'dashboard.css': { path: join(OWN, 'dashboard.css'), type: 'text/css; charset=utf-8' },
  'dashboard.js': { path: join(OWN, 'dashboard.js'), type: 'text/javascript; charset=utf-8' },
  'favicon.svg': { path: join(OWN, 'favicon.svg'), type: 'image/svg+xml' },
  'backfills.js': { path: join(OWN, 'backfills.js'), type: 'text/javascript; charset=utf-8' },
  'charts.js': { path: join(OWN, 'charts.js'), type: 'text/javascript; charset=utf-8' },
  'uplot.js': {
    path: require.resolve('uplot/dist/uPlot.iife.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
  'uplot.css': { path: require.resolve('uplot/dist/uPlot.min.css'), type: 'text/css; charset=utf-8' },
};

/**
 * Register `GET /ui/assets/:name` for the files above (read once, served with an ETag).
 *
 * @example registerAssetRoutes(app)
 */
export function registerAssetRoutes(app: FastifyInstance): void {
  const cache = new Map<string, { body: Buffer; etag: string; type: string }>();
  for (const [name, f] of Object.entries(FILES)) {
    const body = readFileSync(f.path);
    cache.set(name, {
      body,
      type: f.type,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"`,
    });
  }
  app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) =>
    reply.redirect('/ui/assets/favicon.svg', 301),
  );
  app.get('/ui/assets/:name', { schema: { hide: true } }, async (request, reply) => {
    const asset = cache.get((request.params as { name: string }).name);
    if (!asset) return reply.code(404).send({ error: { code: 'E_NOT_FOUND', message: 'no such asset' } });
    if (request.headers['if-none-match'] === asset.etag) return reply.code(304).send();
    return reply
      .type(asset.type)
      .header('etag', asset.etag)
      .header('cache-control', 'public, max-age=3600')
      .send(asset.body);
  });
}
