/**
 * A dry-run previewer for backfills: for each task whose job has a report template of the same name
 * (`sql/reports/<job>.sql`), render it for the interval's day and ask the warehouse what it would process.
 * Only warehouses with `capabilities.dryRun` (BigQuery) answer; elsewhere every estimate is null and the
 * warehouse is never touched beyond opening the session object.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { DataInterval } from '../core/data-interval.ts';
import type { SqlParams, Warehouse } from '../ports/warehouse.ts';
import { createSqlRenderer, type SqlRenderer } from '../sql/sql-renderer.ts';
import type { BackfillPreviewer } from './backfill-preview.ts';
import type { BackfillDag } from './backfill-service.ts';

/** Estimates for at most this many intervals per preview (each is one dry-run job per template). */
const MAX_ESTIMATED_INTERVALS = 100;

/**
 * A previewer that dry-runs the report templates of a DAG's tasks.
 *
 * @example const previewer = reportDryRunPreviewer({ openWarehouse: () => openWarehouse(config), projectDir })
 */
export function reportDryRunPreviewer(options: {
  readonly openWarehouse: () => Promise<Warehouse>;
  readonly projectDir: string;
}): BackfillPreviewer {
  let session: Promise<{ warehouse: Warehouse; renderer: SqlRenderer } | null> | undefined;
  let estimated = 0;
  let capped = false;
  let failure: string | undefined;

  function open() {
    session ??= options.openWarehouse().then(async (warehouse) => {
      if (!warehouse.capabilities.dryRun) {
        await warehouse.close();
        return null;
      }
      const renderer = createSqlRenderer({
        projectDir: options.projectDir,
        dialect: warehouse.dialect,
        qualify: (t) => warehouse.qualify(t),
      });
      return { warehouse, renderer };
    });
    return session;
  }

  return {
    async bytesProcessed(dag: BackfillDag, interval: DataInterval, runId: string) {
      const templates = dag.tasks
        .map((t) => `sql/reports/${t.job}`)
        .filter((name) => existsSync(join(options.projectDir, `${name}.sql`)));
      if (templates.length === 0) return null;
      if (estimated >= MAX_ESTIMATED_INTERVALS) {
        capped = true;
        return null;
      }
      const s = await open();
      if (!s) return null;
      estimated++;
      const values: SqlParams = {
        report_date: interval.start.toISOString().slice(0, 10),
        interval_start: interval.start,
        interval_end: interval.end,
        batch_id: runId,
      };
      let bytes = 0;
      try {
        for (const name of templates) {
          const text = s.renderer.render(name);
          // Only the parameters the statement names: BigQuery rejects unused ones.
          const params = Object.fromEntries(
            Object.entries(values).filter(([k]) => new RegExp(`[@$]${k}\\b`).test(text)),
          ) as SqlParams;
          bytes += (await s.warehouse.dryRun(text, { params })).bytesProcessed;
        }
      } catch (error) {
        // A preview without bytes is still a preview: say why instead of failing it.
        failure ??= (error as Error).message.split('\n')[0];
        return null;
      }
      return bytes;
    },
    notes() {
      const out: string[] = [];
      if (failure) out.push(`bytes are missing where the warehouse dry run failed: ${failure}`);
      if (capped) out.push(`bytes are estimated for the first ${MAX_ESTIMATED_INTERVALS} intervals only`);
      return out;
    },
    async close() {
      const s = await session?.catch(() => null);
      await s?.warehouse.close();
    },
  };
}
