import { describe, expect, it } from 'vitest';
import { compileDag } from '../../../src/core/dag/compile-dag.ts';
import { defineDag } from '../../../src/sdk/index.ts';

const jobs = new Set(['noop', 'fail', 'sense']);

function compile(definition: unknown, id = 'my_dag') {
  return compileDag({ id, file: `dags/${id}.ts`, definition, knownJobs: jobs });
}

describe('compileDag', () => {
  it('applies defaults and orders tasks topologically', () => {
    const r = compile(
      defineDag({
        schedule: '*/15 * * * *',
        startDate: '2026-01-01T00:00:00Z',
        defaults: { retries: 2, retryDelay: '5m', timeout: '30m' },
        tasks: {
          d: { job: 'noop', upstream: ['b', 'c'] },
          b: { job: 'noop', upstream: ['a'], pool: 'warehouse', retryDelay: 1000 },
          c: { job: 'noop', upstream: ['a'], triggerRule: 'all_done' },
          a: { job: 'sense', sensor: { pokeInterval: '30s', timeout: '10m', softFail: true } },
        },
      }),
    );
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const { spec } = r;
    expect(spec.tasks.map((t) => t.id)).toEqual(['a', 'b', 'c', 'd']);
    const [a, b, c, d] = spec.tasks;
    expect(a!.sensor).toEqual({ pokeIntervalMs: 30_000, timeoutMs: 600_000, softFail: true });
    expect(a!.downstream).toEqual(['b', 'c']);
    expect(b).toMatchObject({ pool: 'warehouse', retries: 2, retryDelayMs: 1000, timeoutMs: 1_800_000 });
    expect(c).toMatchObject({ triggerRule: 'all_done', pool: 'default', retryDelayMs: 300_000 });
    expect(d).toMatchObject({ triggerRule: 'all_success', upstream: ['b', 'c'], maxRetryDelayMs: 3_600_000 });
    expect(spec).toMatchObject({ catchup: false, maxActiveRuns: 1, schedule: '*/15 * * * *' });
    expect(spec.startDate.toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });

  it('reports every problem with file and field', () => {
    const r = compile({
      schedule: '61 * * * *',
      startDate: 'not a date',
      defaults: { retryDelay: 'soon' },
      tasks: {
        a: { job: 'nope', upstream: ['ghost'] },
        b: { job: 'noop', upstream: ['b'], timeout: '5 minutes' },
      },
    });
    expect(r.ok).toBe(false);
    const lines = r.problems.map((p) => `${p.file}|${p.field}|${p.message}`);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dags\/my_dag\.ts\|schedule\|invalid cron "61 \* \* \* \*"/),
        expect.stringMatching(/\|startDate\|invalid date/),
        expect.stringMatching(/\|defaults\.retryDelay\|invalid duration "soon"/),
        expect.stringMatching(/\|tasks\.a\.job\|unknown job "nope": no file jobs\/nope\.ts/),
        expect.stringMatching(/\|tasks\.a\.upstream\|unknown task "ghost"/),
        expect.stringMatching(/\|tasks\.b\.upstream\|task "b" lists itself/),
        expect.stringMatching(/\|tasks\.b\.timeout\|invalid duration/),
      ]),
    );
    expect(lines).toHaveLength(7);
  });

  it('names the tasks of a cycle', () => {
    const r = compile({
      schedule: null,
      startDate: '2026-01-01T00:00:00Z',
      tasks: {
        a: { job: 'noop', upstream: ['c'] },
        b: { job: 'noop', upstream: ['a'] },
        c: { job: 'noop', upstream: ['b'] },
        x: { job: 'noop' },
      },
    });
    expect(r.ok).toBe(false);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.field).toBe('tasks');
    expect(r.problems[0]!.message).toMatch(/^cycle: (a|b|c) -> (a|b|c) -> (a|b|c) -> \1$/);
  });

  it('rejects unknown keys, bad ids and bad shapes', () => {
    const r = compile(
      {
        schedule: '0 * * * *',
        startDate: '2026-01-01T00:00:00Z',
        tasks: { ok: { job: 'noop', upstreams: ['x'] } },
      },
      'Bad-Name',
    );
    expect(r.problems.map((p) => p.field)).toEqual(['', 'tasks.ok']);
    expect(r.problems[0]!.message).toMatch(/not a valid DAG id/);
    expect(r.problems[1]!.message).toMatch(/upstreams/);
    const bad = compile({ schedule: '0 * * * *', startDate: '2026-01-01T00:00:00Z', tasks: {} });
    expect(bad.problems.map((p) => p.message)).toEqual(['a DAG needs at least one task']);
    const notObject = compile(undefined);
    expect(notObject.ok).toBe(false);
  });

  it('skips the unknown-job check when no job list is given', () => {
    const r = compileDag({
      id: 'x',
      file: 'dags/x.ts',
      definition: { schedule: null, startDate: '2026-01-01T00:00:00Z', tasks: { a: { job: 'whatever' } } },
    });
    expect(r.ok).toBe(true);
  });
});
