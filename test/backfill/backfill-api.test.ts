/**
 * The backfill routes of the dashboard API (/api/backfills...), and the CLI's client of them over a real
 * socket: preview, create, list, status with intervals, cancel; the same one-line errors as the CLI path
 * with their HTTP statuses (400 bad input, 404 unknown DAG or backfill, 409 a backfill already running).
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackfillApiClient } from '../../src/web/backfill-api-client.ts';
import { dailySpec, openWebTestEnv, seedRun, type WebTestEnv } from '../web/support/web-test-env.ts';

let env: WebTestEnv;
let app: FastifyInstance;
let notified = 0;

beforeAll(async () => {
  env = await openWebTestEnv();
  const spec = dailySpec('daily_demo');
  await env.store.syncDags([spec]);
  await seedRun(env.store, spec, new Date('2026-03-02T00:00:00Z'));
  app = await env.app({ notify: () => notified++ });
});

afterAll(() => env?.cleanup());

const post = async (url: string, payload?: object) => {
  const r = await app.inject({ method: 'POST', url, ...(payload ? { payload } : {}) });
  return { status: r.statusCode, body: r.json() };
};
const get = async (url: string) => {
  const r = await app.inject({ method: 'GET', url });
  return { status: r.statusCode, body: r.json() };
};

describe('backfill API', () => {
  it('previews without creating, then creates, lists, shows and cancels', async () => {
    const range = { dagId: 'daily_demo', from: '2026-03-01', to: '2026-03-05' };
    const preview = await post('/api/backfills/dry-run', range);
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ intervals: 4, create: 3, skip: 1, clear: 0, reprocess: 'missing' });
    expect(preview.body.items.map((i: { action: string }) => i.action)).toEqual([
      'create',
      'skip',
      'create',
      'create',
    ]);
    expect((await post('/api/backfills', { ...range, dryRun: true })).body).toMatchObject({ intervals: 4 });
    expect((await get('/api/backfills')).body).toEqual([]);

    const created = await post('/api/backfills', { ...range, reprocess: 'failed', maxActiveRuns: 3 });
    expect(created.status).toBe(201);
    expect(created.body.backfill).toMatchObject({
      backfillId: 'bf-1',
      dagId: 'daily_demo',
      state: 'running',
      maxActiveRuns: 3,
      totalIntervals: 4,
      counts: { pending: 4 },
    });
    expect(notified).toBe(1);
    expect((await get('/api/backfills')).body.map((b: { backfillId: string }) => b.backfillId)).toEqual([
      'bf-1',
    ]);
    const detail = await get('/api/backfills/bf-1?intervals=true');
    expect(detail.status).toBe(200);
    expect(detail.body.intervals.map((i: { runState: string | null }) => i.runState)).toEqual([
      null,
      'success',
      null,
      null,
    ]);

    const again = await post('/api/backfills', range);
    expect(again).toMatchObject({
      status: 409,
      body: {
        error: {
          code: 'E_CONFLICT',
          message: expect.stringContaining('already has a running backfill bf-1'),
        },
      },
    });

    const cancelled = await post('/api/backfills/bf-1/cancel');
    expect(cancelled).toMatchObject({ status: 200, body: { state: 'cancelled', counts: { cancelled: 4 } } });
  });

  it('answers bad input with the CLI messages', async () => {
    const cases: [object, number, string, RegExp][] = [
      [{ dagId: 'daily_demo', from: '2026-03-05', to: '2026-03-01' }, 400, 'E_USAGE', /is not before --to/],
      [
        { dagId: 'daily_demo', from: '2026-3-5', to: '2026-04-01' },
        400,
        'E_USAGE',
        /--from "2026-3-5" is not a date/,
      ],
      [{ dagId: 'nope', from: '2026-03-01', to: '2026-03-02' }, 404, 'E_NOT_FOUND', /unknown DAG "nope"/],
      [
        { dagId: 'daily_demo', from: '2026-03-01', to: '2026-03-02', reprocess: 'x' },
        400,
        'E_USAGE',
        /--reprocess/,
      ],
      [
        { dagId: 'daily_demo', from: '2026-03-01', to: '2026-03-02', maxActiveRuns: 99 },
        400,
        'E_USAGE',
        /1 to 64/,
      ],
      [{ dagId: 'daily_demo', from: '2026-03-01' }, 400, 'E_VALIDATION', /body/],
    ];
    for (const [payload, status, code, message] of cases) {
      const r = await post('/api/backfills', payload);
      expect({ payload, status: r.status, code: r.body.error.code }).toEqual({ payload, status, code });
      expect(r.body.error.message).toMatch(message);
    }
    expect(await get('/api/backfills/bf-99')).toMatchObject({
      status: 404,
      body: { error: { code: 'E_NOT_FOUND' } },
    });
    expect(await get('/api/backfills/bad%20id')).toMatchObject({ status: 400 });
  });

  it('is what the CLI reaches through a live server', async () => {
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    const remote = new BackfillApiClient(url);
    const plan = await remote.plan({ dagId: 'daily_demo', from: '2026-03-06', to: '2026-03-08' });
    expect(plan).toMatchObject({ intervals: 2, create: 2 });
    const { backfill } = await remote.create({ dagId: 'daily_demo', from: '2026-03-06', to: '2026-03-08' });
    expect((await remote.status(backfill.backfillId)).state).toBe('running');
    expect((await remote.list({ dagId: 'daily_demo' })).length).toBe(2);
    expect((await remote.cancel(backfill.backfillId)).state).toBe('cancelled');
    await expect(
      remote.create({ dagId: 'daily_demo', from: 'soon', to: '2026-03-08' }),
    ).rejects.toMatchObject({
      code: 'E_USAGE',
      message: expect.stringMatching(/^--from "soon" is not a date/),
    });
  });
});
