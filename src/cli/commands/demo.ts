/**
 * `sluice demo`: the whole pipeline on embedded defaults, in one command. Initializes SLUICE_HOME, lands a
 * product and a customer snapshot, then for each hour of today (UTC) lands that hour's order file (upstream
 * format, with some malformed lines, duplicates and re-sent orders) and runs `order_processing_incremental`
 * for the quarter-hour ending on the hour; then runs `daily_batch_processing` for today, and prints a summary:
 * files, lines read, kept, quarantined, duplicates, fact lines, revenue, and every check with its status.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors/usage-error.ts';

const ORDERS_DAG = 'order_processing_incremental';
const DAILY_DAG = 'daily_batch_processing';
const HOUR_MICROS = 3_600_000_000;

interface DemoFlags {
  readonly ordersPerHour: string;
  readonly badShare: string;
  readonly seed: string;
  readonly json?: boolean;
}

/** Register `sluice demo`. */
export function register(program: Command): void {
  program
    .command('demo')
    .description(
      'init, generate a day of data, run both DAGs over it and print a summary (embedded defaults)',
    )
    .option('--orders-per-hour <n>', 'order lines landed per hour of the day', '200')
    .option('--bad-share <x>', 'share of malformed lines (0..1); above 0.05 an hour is blocked', '0.02')
    .option('--seed <s>', 'seed of the generated data', 'demo')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: DemoFlags) => {
      const perHour = Number(flags.ordersPerHour);
      if (!Number.isInteger(perHour) || perHour < 1)
        throw new UsageError(`--orders-per-hour ${flags.ordersPerHour}: give a whole number >= 1`);
      const badShare = Number(flags.badShare);
      if (!Number.isFinite(badShare) || badShare < 0 || badShare > 1)
        throw new UsageError(`--bad-share ${flags.badShare}: give a number from 0 to 1`);
      await runDemo({ perHour, badShare, seed: flags.seed, json: flags.json ?? false });
    });
}

async function runDemo(options: {
  perHour: number;
  badShare: number;
  seed: string;
  json: boolean;
}): Promise<void> {
  const say = (line: string) => {
    if (!options.json) process.stdout.write(`${line}\n`);
  };
  const { cliConfig, createProcessLogger, openEngineRuntime } = await import('../compose.ts');
  const config = await cliConfig();
  const { findLiveServer } = await import('../../web/server-file.ts');
  const server = await findLiveServer(config.home, config.web.token);
  if (server)
    throw new UsageError(
      `a Sluice server (pid ${server.pid}, ${server.url}) holds ${config.home}; stop it, or point SLUICE_HOME at an empty folder for the demo`,
    );

  // 1. init, exactly as `sluice init` does.
  say(`sluice demo in ${config.home}`);
  const { Command } = await import('commander');
  const { register: registerInit } = await import('./init.ts');
  const init = new Command('sluice').exitOverride();
  if (options.json) init.configureOutput({ writeOut: () => undefined });
  registerInit(init);
  await init.parseAsync(options.json ? ['init', '--json'] : ['init'], { from: 'user' });

  const rt = await openEngineRuntime(config, createProcessLogger('error'));
  try {
    for (const error of rt.dags.errors) process.stderr.write(`sluice: ${error}\n`);
    if (!rt.dags.get(ORDERS_DAG))
      throw new UsageError(`dags/${ORDERS_DAG}.ts is missing from ${config.projectDir}`);
    const now = new Date();
    const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const dayText = day.toISOString().slice(0, 10);
    const existing = await rt.store.listRuns({ dagId: ORDERS_DAG, limit: 1 });
    if (existing.length > 0)
      throw new UsageError(
        `${config.home} already has runs of ${ORDERS_DAG}; run the demo with SLUICE_HOME pointing at an empty folder`,
      );

    // 2. The day's reference data, as upstream would drop it.
    const gen = await import('../../../scripts/generate/index.ts');
    const objects = await rt.resources.objectStore();
    const nowMicros = now.getTime() * 1000;
    await gen.generateProducts(objects, { seed: options.seed, atMicros: nowMicros });
    await gen.generateCustomers(objects, { seed: options.seed, atMicros: nowMicros });
    say(
      `landed a product and a customer snapshot; ${options.perHour} order lines per hour of ${dayText} follow`,
    );

    // 3. One hour of orders lands, the quarter-hour that ends on the hour runs; 24 times.
    const { runInline } = await import('../../runtime/run-inline.ts');
    for (let hour = 0; hour < 24; hour++) {
      const end = day.getTime() * 1000 + (hour + 1) * HOUR_MICROS;
      await gen.generateOrders(objects, {
        seed: `${options.seed}-${String(hour).padStart(2, '0')}`,
        count: options.perHour,
        atMicros: end - 1,
        spreadMinutes: 59,
        badShare: options.badShare,
        duplicateShare: 0.01,
        resendShare: 0.02,
        unknownShare: 0.1,
      });
      const intervalStart = new Date(end / 1000 - 15 * 60_000);
      const { run, tasks } = await runInline(rt.engineOptions(), { dagId: ORDERS_DAG, intervalStart });
      const load = tasks.find((t) => t.taskId === 'load_staging')?.result as Record<string, number> | null;
      const failed = tasks.find((t) => t.state === 'failed');
      say(
        `${run.runId}  ${run.state.padEnd(7)}  ${
          load
            ? `read ${load.linesRead}, kept ${load.linesKept}, quarantined ${load.linesQuarantined}, duplicates ${load.linesDuplicate}`
            : '-'
        }${failed ? `  (${failed.taskId} failed)` : ''}`,
      );
    }

    // 4. The nightly DAG for the day: dimensions, reference backfill, reports.
    let daily: string | undefined;
    if (rt.dags.get(DAILY_DAG)) {
      const { run } = await runInline(rt.engineOptions(), { dagId: DAILY_DAG, intervalStart: day });
      daily = `${run.runId} ${run.state}`;
      say(`${run.runId}  ${run.state}`);
    }

    // 5. The summary: the ledger's line accounting, the warehouse's totals and every check.
    const files = await rt.store.ledger.list({ entity: 'orders' });
    const sum = (k: 'linesRead' | 'linesKept' | 'linesQuarantined' | 'linesDuplicate') =>
      files.reduce((n, f) => n + (f[k] ?? 0), 0);
    const { openWarehouse } = await import('../../adapters/warehouse/open-warehouse.ts');
    const { createSqlRenderer } = await import('../../sql/sql-renderer.ts');
    const warehouse = await openWarehouse(config);
    try {
      const sql = createSqlRenderer({
        projectDir: config.projectDir,
        dialect: warehouse.dialect,
        qualify: (t) => warehouse.qualify(t),
      });
      const [totals] = (await warehouse.query(sql.render('sql/orders/summary_totals'))).rows;
      const checks = (
        await warehouse.query(sql.render('sql/orders/summary_checks'), { params: { dag_id: ORDERS_DAG } })
      ).rows;
      const summary = {
        home: config.home,
        day: dayText,
        files: files.length,
        filesByState: Object.fromEntries(
          [...new Set(files.map((f) => f.state))].map((s) => [s, files.filter((f) => f.state === s).length]),
        ),
        linesRead: sum('linesRead'),
        kept: sum('linesKept'),
        quarantined: sum('linesQuarantined'),
        duplicates: sum('linesDuplicate'),
        factLines: Number(totals?.fact_lines ?? 0),
        orders: Number(totals?.orders ?? 0),
        revenue: String(totals?.revenue ?? '0'),
        hours: Number(totals?.hours ?? 0),
        unknownTierLines: Number(totals?.unknown_tier_lines ?? 0),
        unknownCategoryLines: Number(totals?.unknown_category_lines ?? 0),
        checks: checks.map((c) => ({
          check: String(c.check_name),
          executions: Number(c.executions),
          pass: Number(c.passes),
          warn: Number(c.warns),
          fail: Number(c.fails),
          rowsFailed: Number(c.rows_failed),
        })),
        daily: daily ?? null,
      };
      if (options.json) {
        process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
        return;
      }
      say('');
      say(
        `files        ${summary.files} (${Object.entries(summary.filesByState)
          .map(([s, n]) => `${n} ${s}`)
          .join(', ')})`,
      );
      say(`lines read   ${summary.linesRead}`);
      say(`kept         ${summary.kept}`);
      say(`quarantined  ${summary.quarantined}`);
      say(`duplicates   ${summary.duplicates}`);
      say(`fact lines   ${summary.factLines} (${summary.orders} orders, ${summary.hours} hours aggregated)`);
      say(`revenue      ${Number(summary.revenue).toFixed(2)} (completed orders)`);
      say(
        `references   ${summary.unknownTierLines} fact lines without a customer tier, ${summary.unknownCategoryLines} without a category${
          summary.daily ? ' after the daily DAG filled in what the snapshots know' : ''
        }`,
      );
      say('checks (per incremental run; references are checked before the nightly dimensions arrive)');
      for (const c of summary.checks)
        say(
          `  ${c.check.padEnd(28)} ${c.pass} pass, ${c.warn} warn, ${c.fail} fail  (${c.rowsFailed} rows flagged in ${c.executions} runs)`,
        );
      say('');
      say(
        `look around: sluice files list | sluice runs list | sluice standalone (dashboard on http://127.0.0.1:${config.web.port})`,
      );
    } finally {
      await warehouse.close();
    }
  } finally {
    await rt.close();
  }
}
