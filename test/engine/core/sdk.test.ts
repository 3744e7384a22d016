import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  defineDag,
  defineJob,
  isDagDefinition,
  isJob,
  isJobOutcome,
  NonRetryableError,
  reschedule,
  skip,
} from '../../../src/sdk/index.ts';

describe('sdk', () => {
  it('marks definitions so the loaders can tell them apart', () => {
    const dag = defineDag({ schedule: null, startDate: '2026-01-01T00:00:00Z', tasks: { a: { job: 'x' } } });
    expect(isDagDefinition(dag)).toBe(true);
    expect(isDagDefinition({ ...dag })).toBe(false);
    expect(JSON.parse(JSON.stringify(dag))).toEqual({
      schedule: null,
      startDate: '2026-01-01T00:00:00Z',
      tasks: { a: { job: 'x' } },
    });
    const job = defineJob({
      params: z.object({ n: z.number().default(1) }),
      run: (ctx) => ({ n: ctx.params.n }),
    });
    expect(isJob(job)).toBe(true);
    expect(isJob({ run() {} })).toBe(false);
  });

  it('builds tagged outcomes and a coded non-retryable error', () => {
    expect(skip('nothing')).toEqual({ __sluice: 'skip', reason: 'nothing' });
    expect(isJobOutcome(reschedule())).toBe(true);
    expect(isJobOutcome({ files: 1 })).toBe(false);
    const e = new NonRetryableError('bad input');
    expect(e.code).toBe('E_NON_RETRYABLE');
  });
});
