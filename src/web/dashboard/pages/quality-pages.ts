/**
 * Data-quality pages: the latest result of every check with its trend and recent failures (samples), and the
 * quarantine browser. Warehouse trouble (busy, not created) is shown on the page instead of failing it.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Row } from '../../../ports/warehouse.ts';
import {
  batchIdSchema,
  checkNameSchema,
  idSchema,
  offsetSchema,
  reasonCodeSchema,
} from '../../api/api-schemas.ts';
import { checkTrend, latestChecks, recentCheckFailures } from '../../api/quality-reads.ts';
import { quarantinePage, quarantineReasons } from '../../api/quarantine-reads.ts';
import { type PageKit, sendPage, warehouseUnavailable } from './page-kit.ts';

const TREND = 20;
const PAGE = 50;

/** Registers /ui/quality and /ui/quarantine. */
export const qualityPages: FastifyPluginAsyncZod<{ kit: PageKit }> = async (app, { kit }) => {
  const { ctx } = kit;

  app.get(
    '/ui/quality',
    {
      schema: {
        tags: ['pages'],
        summary: 'Data quality: latest checks, trends, failing samples (HTML)',
        querystring: z.object({
          dagId: z.union([idSchema, z.literal('')]).optional(),
          check: checkNameSchema.optional(),
        }),
      },
    },
    async (req, reply) => {
      const dagId = req.query.dagId || undefined;
      const check = req.query.check;
      const dagIds = (await ctx.store.listDags()).map((d) => d.dagId);
      let view: Record<string, unknown>;
      try {
        view = await ctx.warehouse(async (wh) => {
          const checks = await latestChecks(wh, dagId ? { dagId } : {});
          const withTrend = [];
          for (const c of checks) {
            const trend = (
              await checkTrend(wh, { dagId: String(c.dag_id), checkName: String(c.check_name), limit: TREND })
            ).reverse();
            withTrend.push({ ...c, trend: trendBars(trend) });
          }
          const failures = await recentCheckFailures(wh, {
            ...(dagId ? { dagId } : {}),
            ...(check ? { checkName: check } : {}),
            limit: 20,
          });
          return { checks: withTrend, failures };
        });
      } catch (error) {
        const unavailable = warehouseUnavailable(error);
        if (!unavailable) throw error;
        view = { unavailable };
      }
      return sendPage(kit, req, reply, 'quality', 'quality', { dagIds, dagId, check, ...view });
    },
  );

  app.get(
    '/ui/quarantine',
    {
      schema: {
        tags: ['pages'],
        summary: 'Quarantine browser with reason codes (HTML)',
        querystring: z.object({
          reason: reasonCodeSchema.optional(),
          batchId: z.union([batchIdSchema, z.literal('')]).optional(),
          offset: offsetSchema,
        }),
      },
    },
    async (req, reply) => {
      const { reason, offset } = req.query;
      const batchId = req.query.batchId || undefined;
      let view: Record<string, unknown>;
      try {
        view = await ctx.warehouse(async (wh) => {
          const reasons = await quarantineReasons(wh, batchId ? { batchId } : {});
          const page = await quarantinePage(wh, {
            ...(reason ? { reasonCode: reason } : {}),
            ...(batchId ? { batchId } : {}),
            limit: PAGE,
            offset,
          });
          return { reasons, ...page };
        });
      } catch (error) {
        const unavailable = warehouseUnavailable(error);
        if (!unavailable) throw error;
        view = { unavailable };
      }
      const query = (o: number) => {
        const p = new URLSearchParams();
        if (reason) p.set('reason', reason);
        if (batchId) p.set('batchId', batchId);
        p.set('offset', String(Math.max(0, o)));
        return p.toString();
      };
      return sendPage(kit, req, reply, 'quarantine', 'quarantine', {
        reason,
        batchId,
        offset,
        rows: [],
        prevQuery: query(offset - PAGE),
        nextQuery: query(offset + PAGE),
        ...view,
      });
    },
  );
};

/** Bar heights for a trend: failing rows relative to the most in the window, never invisible. */
function trendBars(
  rows: Row[],
): { status: unknown; rows_failed: unknown; checked_at: unknown; pct: number }[] {
  const most = Math.max(1, ...rows.map((r) => Number(r.rows_failed) || 0));
  return rows.map((r) => ({
    status: r.status,
    rows_failed: r.rows_failed,
    checked_at: r.checked_at,
    pct: r.status === 'pass' ? 20 : Math.max(35, Math.round(((Number(r.rows_failed) || 0) / most) * 100)),
  }));
}
