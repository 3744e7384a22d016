import { z } from 'zod';
import type { LedgerEntry } from '../src/ports/file-ledger.ts';
import { defineJob } from '../src/sdk/index.ts';
import { runCheck } from './lib-daily/run-check.ts';

const NOT_YET_ARCHIVED = ['landed', 'claimed', 'loaded', 'rejected'] as const;

export default defineJob({
  description:
    'order_file_freshness: warn when no order file landed for more than maxGapMinutes during the day (landing times from the file ledger)',
  params: z.object({ maxGapMinutes: z.number().int().positive().default(60) }),
  async run(ctx) {
    const { start, end } = ctx.interval;
    // The last landing before the day, if recent enough, shortens the first silence of the day.
    const from = new Date(start.getTime() - ctx.params.maxGapMinutes * 60_000);
    const entries: LedgerEntry[] = [...(await ctx.ledger.landedIn('orders', from, end))];
    for (const state of NOT_YET_ARCHIVED)
      entries.push(...(await ctx.ledger.list({ entity: 'orders', state })));
    const seen = new Set<string>();
    const landedAt: Date[] = [];
    for (const e of entries) {
      const key = `${e.object}#${e.generation}`;
      if (seen.has(key) || e.landedAt < from || e.landedAt >= end) continue;
      seen.add(key);
      landedAt.push(e.landedAt);
    }
    landedAt.sort((a, b) => a.getTime() - b.getTime());
    const inDay = landedAt.filter((t) => t >= start).length;

    const params: Record<string, Date | number> = {
      interval_start: start,
      interval_end: end,
      max_gap_minutes: ctx.params.maxGapMinutes,
    };
    landedAt.forEach((t, i) => {
      params[`landed_at_${i}`] = t;
    });
    const result = await runCheck(ctx, {
      name: 'order_file_freshness',
      targetTable: 'fact_orders',
      params,
      vars: { landing_count: landedAt.length },
      rowsChecked: inDay + 1,
      orderBy: ['gap_start'],
      sampleKey: (row) => `${iso(row.gap_start)}/${iso(row.gap_end)}`,
      severity: 'warn',
      details: `silences longer than ${ctx.params.maxGapMinutes} minutes between order files landing in [${start.toISOString()}, ${end.toISOString()}); rows_checked = silences measured`,
    });
    return { orderFiles: inDay, silences: result.rowsFailed, status: result.status };
  },
});

function iso(value: unknown): string {
  const d =
    value instanceof Date
      ? value
      : new Date(
          String(value)
            .replace(' ', 'T')
            .replace(/(Z|[+-]\d\d:?\d\d)?$/, (m) => m || 'Z'),
        );
  return Number.isNaN(d.getTime()) ? String(value) : d.toISOString();
}
