/**
 * `sluice run <dag>`: one run, to completion, printing each task's state as it settles; exit 0 on success,
 * 1 on failure. Without a server it executes inline in this process (same scheduler and task runner as the
 * server, restricted to this run); with a live server it triggers there and follows the run.
 * Also used by `sluice dags trigger --wait`.
 */
import type { Command } from 'commander';
import type { SluiceConfig } from '../../config/config.ts';
import type { RunDetail, TaskView } from '../../runtime/operations.ts';

/** Register `sluice run`. */
export function register(program: Command): void {
  program
    .command('run')
    .description('run a DAG once, inline, to completion; exit 0 on success, 1 on failure')
    .argument('<dag>', 'DAG id (file name in dags/)')
    .option(
      '--interval-start <iso>',
      'start of the data interval (a schedule time); default: the latest complete one',
    )
    .option('--json', 'print the finished run and its tasks as JSON')
    .action(async (dag: string, flags: { intervalStart?: string; json?: boolean }) => {
      const { cliConfig } = await import('../compose.ts');
      const config = await cliConfig();
      process.exitCode = await runToCompletion(config, {
        dagId: dag,
        intervalStart: flags.intervalStart,
        json: flags.json ?? false,
        create: 'run',
      });
    });
}

export interface RunToCompletionInput {
  readonly dagId: string;
  readonly intervalStart: string | undefined;
  readonly json: boolean;
  /** `run`: resume an unfinished run of that interval; `trigger`: the run must be new. */
  readonly create: 'run' | 'trigger';
}

/**
 * Run (or trigger) and follow a run until it finishes; returns the exit code.
 *
 * @example process.exitCode = await runToCompletion(config, { dagId: 'orders', intervalStart: undefined, json: false, create: 'run' })
 */
export async function runToCompletion(config: SluiceConfig, input: RunToCompletionInput): Promise<number> {
  const { findLiveServer } = await import('../../web/server-file.ts');
  const server = await findLiveServer(config.home, config.web.token);
  const printer = new TaskPrinter(input.json);
  let detail: RunDetail;
  if (server) {
    const { ApiClient } = await import('../../web/api-client.ts');
    const api = new ApiClient(server.url, config.web.token);
    const run = await api.triggerDag(
      input.dagId,
      input.intervalStart ? { intervalStart: input.intervalStart } : {},
    );
    printer.started(run.runId, `on the server at ${server.url}`);
    for (;;) {
      detail = await api.getRun(run.runId);
      for (const t of detail.tasks) printer.task(t);
      if (detail.run.state === 'success' || detail.run.state === 'failed') break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } else {
    const { createProcessLogger, openEngineRuntime } = await import('../compose.ts');
    const { runInline } = await import('../../runtime/run-inline.ts');
    const { parseInstant, createOperations, taskView } = await import('../../runtime/operations.ts');
    const rt = await openEngineRuntime(
      config,
      createProcessLogger(config.logLevel === 'debug' ? 'debug' : 'warn'),
    );
    try {
      for (const error of rt.dags.errors) process.stderr.write(`sluice: ${error}\n`);
      const intervalStart = input.intervalStart ? parseInstant(input.intervalStart) : undefined;
      const ops = createOperations({ store: rt.store, dags: rt.dags, clock: rt.clock });
      if (input.create === 'trigger') {
        const run = await ops.triggerDag(
          input.dagId,
          input.intervalStart ? { intervalStart: input.intervalStart } : {},
        );
        printer.started(run.runId, 'inline (no server running)');
      }
      const printing: Promise<void>[] = [];
      const result = await runInline(rt.engineOptions(), {
        dagId: input.dagId,
        ...(intervalStart ? { intervalStart } : {}),
        onTaskSettled: (ti) => {
          printer.started(ti.runId, 'inline (no server running)');
          printing.push(
            rt.store
              .listTries(ti.runId, ti.taskId)
              .then((tries) => printer.task(taskView(ti, tries)))
              .catch(() => printer.task(taskView(ti))),
          );
        },
      });
      await Promise.all(printing);
      detail = await ops.getRun(result.run.runId);
      printer.started(result.run.runId, 'inline (no server running)');
      for (const t of detail.tasks) printer.task(t);
    } finally {
      await rt.close();
    }
  }
  printer.finish(detail);
  return detail.run.state === 'success' ? 0 : 1;
}

const FINAL = new Set(['success', 'failed', 'skipped', 'upstream_failed']);

/** Prints each task once it is finished (and retries/reschedules as they happen). */
class TaskPrinter {
  readonly #json: boolean;
  readonly #seen = new Map<string, string>();
  #announced = false;

  constructor(json: boolean) {
    this.#json = json;
  }

  started(runId: string, where: string): void {
    if (this.#json || this.#announced) return;
    this.#announced = true;
    process.stdout.write(`run ${runId} ${where}\n`);
  }

  task(t: TaskView): void {
    if (this.#json) return;
    const key = `${t.state}#${t.tryNumber}`;
    if (this.#seen.get(t.taskId) === key) return;
    if (!FINAL.has(t.state) && t.state !== 'up_for_retry' && t.state !== 'up_for_reschedule') return;
    this.#seen.set(t.taskId, key);
    process.stdout.write(`${formatTask(t)}\n`);
  }

  finish(detail: RunDetail): void {
    if (this.#json) {
      process.stdout.write(`${JSON.stringify(detail, null, 2)}\n`);
      return;
    }
    for (const t of detail.tasks) this.task(t);
    const failed = detail.tasks.filter((t) => t.state === 'failed' || t.state === 'upstream_failed');
    const why = failed.length ? `: ${failed.map((t) => `${t.taskId} ${t.state}`).join(', ')}` : '';
    process.stdout.write(`run ${detail.run.runId} ${detail.run.state}${why}\n`);
  }
}

/** `  load_staging       success          try 1   1.2s` */
export function formatTask(t: TaskView): string {
  const duration =
    t.durationMs === null
      ? ''
      : t.durationMs < 1000
        ? `${t.durationMs}ms`
        : `${(t.durationMs / 1000).toFixed(1)}s`;
  const error =
    t.error && (t.state === 'failed' || t.state === 'up_for_retry') ? `  ${t.error.split('\n')[0]}` : '';
  return `  ${t.taskId.padEnd(24)} ${t.state.padEnd(17)} try ${String(t.tryNumber).padEnd(3)} ${duration.padStart(7)}${error}`;
}
