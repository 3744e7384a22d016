/**
 * `sluice backfill <dag> --from DATE --to DATE`: reprocess history, one run per schedule interval starting in
 * [--from, --to) (UTC days or instants; --to is exclusive), as a backfill record that a scheduler executes.
 * With a live server (server.json) it goes through the server's API; without one it writes the record on
 * the stores, and with --wait runs the scheduler and local executor in this process until the backfill is
 * done. Also `backfill list`, `backfill status <id>` and `backfill cancel <id>`.
 */
import type { Command } from 'commander';
import type { SluiceConfig } from '../../config/config.ts';
import type { BackfillCounts } from '../../core/backfill/backfill-progress.ts';
import { UsageError } from '../../core/errors/usage-error.ts';
import type {
  BackfillDetail,
  BackfillOperations,
  BackfillPlan,
  BackfillRequest,
  BackfillView,
} from '../../runtime/backfill-service.ts';

interface CreateFlags {
  from?: string;
  to?: string;
  reprocess: string;
  maxActiveRuns: string;
  dryRun?: boolean;
  wait?: boolean;
  yes?: boolean;
  json?: boolean;
}

/** Register `sluice backfill` and its subcommands. */
export function register(program: Command): void {
  const backfill = program
    .command('backfill')
    .description(
      'reprocess history: one run per schedule interval starting in [--from, --to) (UTC; --to is exclusive), executed by the scheduler',
    )
    .argument('[dag]', 'DAG id (file name in dags/)')
    .option('--from <date>', 'first day, inclusive: YYYY-MM-DD (UTC) or an ISO instant')
    .option('--to <date>', 'end, EXCLUSIVE: YYYY-MM-DD (UTC) or an ISO instant')
    .option('--reprocess <mode>', 'missing (no run yet) | failed (also re-run failed runs) | all', 'missing')
    .option('--max-active-runs <n>', 'runs of this backfill at once (live runs never wait for them)', '2')
    .option('--dry-run', 'print the intervals and what each would process; create nothing')
    .option('--wait', 'follow it to the end; without a server, execute it in this process')
    .option('--yes', 'confirm a range of more than 10,000 intervals')
    .option('--json', 'print JSON')
    .action(async (dag: string | undefined, flags: CreateFlags) => {
      if (!dag) throw new UsageError('give a DAG: sluice backfill <dag> --from YYYY-MM-DD --to YYYY-MM-DD');
      if (!flags.from || !flags.to)
        throw new UsageError(
          `give both --from and --to (UTC days, --to exclusive), e.g. sluice backfill ${dag} --from 2026-01-01 --to 2026-01-08`,
        );
      if (!/^\d+$/.test(flags.maxActiveRuns))
        throw new UsageError(`--max-active-runs ${flags.maxActiveRuns}: give a whole number from 1 to 64`);
      // What can be checked without the stores fails fast (the service checks it all again).
      const { parseBackfillDate } = await import('../../core/backfill/backfill-date.ts');
      const { parseReprocessMode } = await import('../../core/backfill/reprocess-mode.ts');
      const from = parseBackfillDate(flags.from, '--from');
      const to = parseBackfillDate(flags.to, '--to');
      if (from >= to)
        throw new UsageError(
          `--from ${flags.from} is not before --to ${flags.to} (--to is exclusive): give a later --to`,
        );
      parseReprocessMode(flags.reprocess);
      const max = Number(flags.maxActiveRuns);
      if (max < 1 || max > 64)
        throw new UsageError(`--max-active-runs ${flags.maxActiveRuns}: give a whole number from 1 to 64`);
      const request: BackfillRequest = {
        dagId: dag,
        from: flags.from,
        to: flags.to,
        reprocess: flags.reprocess,
        maxActiveRuns: Number(flags.maxActiveRuns),
        yes: flags.yes === true,
      };
      const { cliConfig } = await import('../compose.ts');
      const config = await cliConfig();
      const conn = await connect(config, { preview: flags.dryRun === true });
      try {
        if (flags.dryRun) {
          const plan = await conn.ops.plan(request);
          write(flags.json ? JSON.stringify(plan, null, 2) : formatPlan(plan, true));
          return;
        }
        const created = await conn.ops.create(request);
        const id = created.backfill.backfillId;
        if (!flags.wait) {
          write(
            flags.json
              ? JSON.stringify(created, null, 2)
              : `${formatPlan(created.plan, false)}\nbackfill ${id} created ${conn.where}; ${
                  conn.server
                    ? 'the server runs it'
                    : 'a scheduler runs it (sluice standalone / sluice scheduler), or follow it here with'
                } ${conn.server ? `(follow: sluice backfill status ${id} --wait)` : `\`sluice backfill status ${id} --wait\``}`,
          );
          return;
        }
        if (!flags.json) write(`${formatPlan(created.plan, false)}\nbackfill ${id} created ${conn.where}`);
        process.exitCode = await follow(conn, id, flags.json === true);
      } finally {
        await conn.close();
      }
    });

  backfill
    .command('list')
    .description('backfills, newest first, with their progress')
    .option('--dag <dag>', 'only this DAG')
    .option('--json', 'print JSON')
    .action(async (_flags: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<{ dag?: string; json?: boolean }>();
      const { cliConfig } = await import('../compose.ts');
      const conn = await connect(await cliConfig());
      try {
        const all = await conn.ops.list(flags.dag ? { dagId: flags.dag } : {});
        if (flags.json) return write(JSON.stringify(all, null, 2));
        if (all.length === 0) return write('no backfills');
        write(all.map(formatLine).join('\n'));
      } finally {
        await conn.close();
      }
    });

  backfill
    .command('status')
    .description('one backfill: progress, and with --intervals every interval')
    .argument('<id>', 'backfill id, e.g. bf-3')
    .option('--intervals', 'list every interval with its run')
    .option('--wait', 'follow it to the end; without a server, execute it in this process')
    .option('--json', 'print JSON')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<{ intervals?: boolean; wait?: boolean; json?: boolean }>();
      const { cliConfig } = await import('../compose.ts');
      const conn = await connect(await cliConfig());
      try {
        if (flags.wait) {
          process.exitCode = await follow(conn, id, flags.json === true);
          return;
        }
        const detail = await conn.ops.status(id, { intervals: flags.intervals === true });
        write(flags.json ? JSON.stringify(detail, null, 2) : formatDetail(detail));
      } finally {
        await conn.close();
      }
    });

  backfill
    .command('cancel')
    .description('stop creating runs; runs already started finish')
    .argument('<id>', 'backfill id, e.g. bf-3')
    .option('--json', 'print JSON')
    .action(async (id: string, _flags: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<{ json?: boolean }>();
      const { cliConfig } = await import('../compose.ts');
      const conn = await connect(await cliConfig());
      try {
        const view = await conn.ops.cancel(id);
        if (flags.json) return write(JSON.stringify(view, null, 2));
        const active = view.counts.queued + view.counts.running;
        write(
          view.state === 'cancelled'
            ? `backfill ${id} cancelled: no new runs${active ? `; ${active} started run(s) will finish` : ''}`
            : `backfill ${id} is already ${view.state}; nothing to cancel`,
        );
      } finally {
        await conn.close();
      }
    });
}

interface Connection {
  readonly ops: BackfillOperations;
  /** Set when the commands go through a live server. */
  readonly server: { readonly url: string } | undefined;
  readonly where: string;
  /** Runs the backfill in this process until it settles (no server). */
  readonly execute?: (backfillId: string, onTick: () => Promise<boolean>, stop: AbortSignal) => Promise<void>;
  close(): Promise<void>;
}

/** The server's API when one runs for this home, else the stores (and an engine for --wait). */
async function connect(config: SluiceConfig, options: { preview?: boolean } = {}): Promise<Connection> {
  const { findLiveServer } = await import('../../web/server-file.ts');
  const server = await findLiveServer(config.home, config.web.token);
  if (server) {
    const { BackfillApiClient } = await import('../../web/backfill-api-client.ts');
    return {
      ops: new BackfillApiClient(server.url, config.web.token),
      server,
      where: `on the server at ${server.url}`,
      close: async () => {},
    };
  }
  const { createProcessLogger, openEngineRuntime } = await import('../compose.ts');
  const { createBackfillService, specLookup } = await import('../../runtime/backfill-service.ts');
  const rt = await openEngineRuntime(
    config,
    createProcessLogger(config.logLevel === 'debug' ? 'debug' : 'warn'),
  );
  for (const error of rt.dags.errors) process.stderr.write(`sluice: ${error}\n`);
  let previewer: import('../../runtime/backfill-preview.ts').BackfillPreviewer | undefined;
  if (options.preview) {
    const { reportDryRunPreviewer } = await import('../../runtime/backfill-bytes.ts');
    const { openWarehouse } = await import('../../adapters/warehouse/open-warehouse.ts');
    previewer = reportDryRunPreviewer({
      openWarehouse: () => openWarehouse(config),
      projectDir: config.projectDir,
    });
  }
  const ops = createBackfillService({
    store: rt.store,
    dags: specLookup(rt.dags),
    clock: rt.clock,
    ...(previewer ? { previewer } : {}),
  });
  return {
    ops,
    server: undefined,
    where: 'in the metadata DB (no server running)',
    async execute(backfillId, onTick, stop) {
      const { runBackfillInProcess } = await import('../../runtime/backfill-in-process.ts');
      await runBackfillInProcess(rt.engineOptions(), { backfillId, onTick, stopSignal: stop });
    },
    async close() {
      await previewer?.close?.();
      await rt.close();
    },
  };
}

/** Follow a backfill until it settles (executing it here when no server runs); returns the exit code. */
async function follow(conn: Connection, backfillId: string, json: boolean): Promise<number> {
  const display = json ? undefined : await progressDisplay(backfillId);
  let last = await conn.ops.status(backfillId);
  const tick = async (): Promise<boolean> => {
    last = await conn.ops.status(backfillId);
    display?.update(last);
    return last.completedAt !== null;
  };
  display?.update(last);
  // Ctrl-C stops following (and executing here); the backfill stays recorded for any scheduler.
  const interrupted = new AbortController();
  const onSignal = () => interrupted.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (last.completedAt === null) {
      if (conn.execute) await conn.execute(backfillId, tick, interrupted.signal);
      else
        while (!interrupted.signal.aborted && !(await tick()))
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 500);
            interrupted.signal.addEventListener('abort', () => {
              clearTimeout(timer);
              resolve();
            });
          });
    }
    last = await conn.ops.status(backfillId);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    display?.stop(last);
  }
  if (interrupted.signal.aborted && last.completedAt === null) {
    process.stderr.write(
      `sluice: stopped following backfill ${backfillId} (${last.runsDone}/${last.runsPlanned} runs done); ${
        conn.server
          ? 'it goes on on the server'
          : 'it goes on when a scheduler runs (sluice standalone / sluice scheduler), or here with'
      } \`sluice backfill status ${backfillId} --wait\`\n`,
    );
    return 130;
  }
  if (json) write(JSON.stringify(last, null, 2));
  else write(formatDetail(last));
  return last.counts.failed === 0 && last.state === 'completed' ? 0 : 1;
}

interface ProgressDisplay {
  update(view: BackfillView): void;
  stop(view: BackfillView): void;
}

/** A cli-progress bar on a terminal; a plain line per change otherwise (logs, CI). */
async function progressDisplay(backfillId: string): Promise<ProgressDisplay> {
  const payload = (v: BackfillView) => ({
    failed: v.counts.failed,
    running: v.counts.running + v.counts.queued,
    left: v.etaSeconds === null ? '-' : formatSeconds(v.etaSeconds),
  });
  if (process.stderr.isTTY) {
    const { default: cliProgress } = await import('cli-progress');
    const bar = new cliProgress.SingleBar(
      {
        format: `${backfillId} |{bar}| {value}/{total} runs | {failed} failed | {running} running | ETA {left}`,
        hideCursor: true,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(v) {
        if (!started) {
          bar.start(v.runsPlanned, v.runsDone, payload(v));
          started = true;
        } else {
          bar.setTotal(v.runsPlanned);
          bar.update(v.runsDone, payload(v));
        }
      },
      stop(v) {
        if (started) {
          bar.update(v.runsDone, payload(v));
          bar.stop();
        }
      },
    };
  }
  let previous = '';
  const line = (v: BackfillView) =>
    `${backfillId}: ${v.runsDone}/${v.runsPlanned} runs done, ${v.counts.failed} failed, ${v.counts.running + v.counts.queued} running, ETA ${payload(v).left}`;
  return {
    update(v) {
      const text = line(v);
      if (text.replace(/, ETA .*$/, '') === previous.replace(/, ETA .*$/, '')) return;
      previous = text;
      write(text);
    },
    stop() {},
  };
}

function write(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** `[2026-01-01, 2026-01-11)`, with instants where the bounds are not midnights. */
function range(from: string, to: string): string {
  const short = (iso: string) =>
    iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.replace(':00.000Z', 'Z');
  return `[${short(from)}, ${short(to)})`;
}

function formatPlan(plan: BackfillPlan, dryRun: boolean): string {
  const out = [
    `backfill ${plan.dagId} ${range(plan.from, plan.to)} (--to exclusive), reprocess ${plan.reprocess}, ` +
      `max ${plan.maxActiveRuns} active run(s)${dryRun ? ' -- dry run, nothing created' : ''}`,
    `${plan.intervals} interval(s): ${plan.create} to create, ${plan.clear} to clear and re-run, ${plan.skip} to skip, ${plan.wait} waiting for a run in progress`,
  ];
  if (dryRun) out.push(`each run executes: ${plan.tasks.join(', ')}`);
  for (const item of plan.items ?? []) {
    const at = item.intervalStart.replace(':00.000Z', 'Z');
    let what = item.reason ?? '';
    if (item.action === 'clear') what = `re-run its ${item.existing} run`;
    if (item.files)
      what += `${what ? '; ' : ''}${item.files.count} file(s), ${formatBytes(item.files.bytes)}${
        item.files.objects.length
          ? `: ${item.files.objects.join(', ')}${item.files.count > item.files.objects.length ? ', ...' : ''}`
          : ''
      }`;
    if (item.bytesProcessed !== null)
      what += `${what ? '; ' : ''}${formatBytes(item.bytesProcessed)} processed (dry run)`;
    out.push(`  ${at.padEnd(18)} ${item.action.padEnd(6)} ${what}`.trimEnd());
  }
  for (const note of plan.notes) out.push(`note: ${note}`);
  return out.join('\n');
}

function formatCounts(c: BackfillCounts): string {
  const parts = [`${c.success} success`, `${c.failed} failed`];
  if (c.running + c.queued) parts.push(`${c.running + c.queued} running`);
  if (c.pending) parts.push(`${c.pending} pending`);
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  if (c.cancelled) parts.push(`${c.cancelled} cancelled`);
  return parts.join(', ');
}

function formatLine(v: BackfillView): string {
  return `${v.backfillId.padEnd(8)} ${v.dagId.padEnd(30)} ${range(v.from, v.to).padEnd(26)} ${v.reprocess.padEnd(7)} ${v.state.padEnd(9)} ${v.runsDone}/${v.runsPlanned} runs  (${formatCounts(v.counts)})`;
}

function formatDetail(v: BackfillDetail): string {
  const out = [
    `backfill ${v.backfillId}: ${v.dagId} ${range(v.from, v.to)} reprocess ${v.reprocess}, max ${v.maxActiveRuns} active run(s)`,
    `state ${v.state}${v.completedAt ? ` (settled ${v.completedAt})` : ''}; ${v.runsDone}/${v.runsPlanned} runs done: ${formatCounts(v.counts)}${
      v.etaSeconds !== null ? `; ETA ${formatSeconds(v.etaSeconds)}` : ''
    }`,
  ];
  for (const i of v.intervals ?? [])
    out.push(
      `  ${i.intervalStart.replace(':00.000Z', 'Z').padEnd(18)} ${i.state.padEnd(9)} ${(i.runState ?? '-').padEnd(8)} ${i.action ?? ''}${i.reason ? ` ${i.reason}` : ''}`.trimEnd(),
    );
  return out.join('\n');
}

function formatSeconds(s: number): string {
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}
