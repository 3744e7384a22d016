import { z } from 'zod';
import type { ObjectInfo } from '../src/ports/object-store.ts';
import { defineJob, reschedule, skip } from '../src/sdk/index.ts';
import { batchFiles } from './lib/order-batch.ts';
import { ORDERS_ENTITY, ORDERS_LANDING, type OrderObjectKind, orderObjectKind } from './lib/order-files.ts';

const IGNORED_REASON: Record<Exclude<OrderObjectKind, 'orders'>, string> = {
  folder_marker: 'a zero-byte folder object, not an order file',
  wrong_extension: 'not an order file extension (.json, .jsonl, .ndjson, optionally .gz)',
};

/**
 * Sensor of the order batch (batch id = run id): lists `landing/orders/`, records new objects in the file
 * ledger, warns once about each object it ignores, and claims every unfinished order file for this batch
 * (new ones, and those of a batch whose run failed). Nothing to claim: poked again later, and after the
 * sensor timeout the task is skipped (soft fail), so a quiet quarter-hour is a successful, empty run. A
 * re-run of a batch that already holds files works on exactly those files and claims nothing new.
 */
export default defineJob({
  description: 'Record and claim the order files in landing/orders/ for this batch',
  params: z.object({}).default({}),
  async run(ctx) {
    const held = await batchFiles(ctx);
    if (held.length > 0) {
      ctx.log.info(
        `batch ${ctx.runId} already holds ${held.length} order file(s); reprocessing exactly those`,
      );
      return summary(held.map((e) => ({ object: e.object, size: e.size })));
    }
    // A backfill run reprocesses archived files only: what is in landing belongs to the live runs.
    if (ctx.runType === 'backfill')
      return skip(
        `no archived order files landed in [${ctx.interval.start.toISOString()}, ${ctx.interval.end.toISOString()})`,
      );
    const orders: ObjectInfo[] = [];
    const ignored = new Map<string, ObjectInfo[]>();
    for await (const object of ctx.objects.list(ORDERS_LANDING)) {
      const kind = orderObjectKind(object.name);
      if (kind === 'orders') orders.push(object);
      else ignored.set(IGNORED_REASON[kind], [...(ignored.get(IGNORED_REASON[kind]) ?? []), object]);
    }
    for (const [reason, objects] of ignored) {
      for (const entry of await ctx.ledger.ignore(ORDERS_ENTITY, objects, reason))
        ctx.log.warn(`ignoring ${entry.object}: ${reason}`, { object: entry.object, size: entry.size });
    }
    await ctx.ledger.record(ORDERS_ENTITY, orders);
    const claimed = await ctx.ledger.claim(ORDERS_ENTITY, ctx.runId, ctx.runId);
    if (claimed.length === 0) return reschedule(`no new order files in ${ORDERS_LANDING}`);
    ctx.log.info(`claimed ${claimed.length} order file(s) for batch ${ctx.runId}`, {
      objects: claimed.map((e) => e.object),
    });
    return summary(claimed.map((e) => ({ object: e.object, size: e.size })));
  },
});

function summary(files: { object: string; size: number }[]) {
  return {
    files: files.length,
    bytes: files.reduce((n, f) => n + f.size, 0),
    // The names are for humans reading the run; the ledger is the record, so a long list is cut.
    objects: files.slice(0, 20).map((f) => f.object),
  };
}
