/**
 * `sluice dags list|trigger|pause|unpause`: through the live server's API when one runs for this
 * SLUICE_HOME, else on the stores directly.
 */
import type { Command } from 'commander';
import type { DagView } from '../../runtime/operations.ts';

/** Register `sluice dags ...`. */
export function register(program: Command): void {
  const dags = program.command('dags').description('list, trigger, pause and unpause DAGs');

  dags
    .command('list')
    .description('DAGs with schedule, paused, last and next run; bad DAG files are reported on stderr')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      await withOps(async (ops) => {
        const list = await ops.listDags();
        for (const error of list.errors) process.stderr.write(`sluice: ${error}\n`);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
          return;
        }
        process.stdout.write(table(list.dags));
      });
    });

  dags
    .command('trigger')
    .description('create a manual run (queued for the scheduler), optionally waiting for it')
    .argument('<dag>', 'DAG id')
    .option(
      '--interval-start <iso>',
      'start of the data interval (a schedule time); default: the latest complete one',
    )
    .option(
      '--wait',
      'wait until the run finishes (runs it inline when no server is running); exit 1 if it fails',
    )
    .option('--json', 'print JSON')
    .action(async (dag: string, flags: { intervalStart?: string; wait?: boolean; json?: boolean }) => {
      if (flags.wait) {
        const { cliConfig } = await import('../compose.ts');
        const { runToCompletion } = await import('./run.ts');
        process.exitCode = await runToCompletion(await cliConfig(), {
          dagId: dag,
          intervalStart: flags.intervalStart,
          json: flags.json ?? false,
          create: 'trigger',
        });
        return;
      }
      await withOps(async (ops, server) => {
        const run = await ops.triggerDag(
          dag,
          flags.intervalStart ? { intervalStart: flags.intervalStart } : {},
        );
        if (flags.json) process.stdout.write(`${JSON.stringify(run, null, 2)}\n`);
        else
          process.stdout.write(
            `queued run ${run.runId} [${run.intervalStart}, ${run.intervalEnd})${server ? '' : ' (no server running: `sluice standalone` will run it)'}\n`,
          );
      });
    });

  for (const [name, paused] of [
    ['pause', true],
    ['unpause', false],
  ] as const) {
    dags
      .command(name)
      .description(
        paused ? 'stop creating scheduled runs for a DAG' : 'resume creating scheduled runs for a DAG',
      )
      .argument('<dag>', 'DAG id')
      .option('--json', 'print JSON')
      .action(async (dag: string, flags: { json?: boolean }) => {
        await withOps(async (ops) => {
          const view = await ops.setPaused(dag, paused);
          if (flags.json) process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
          else process.stdout.write(`${view.dagId} ${view.paused ? 'paused' : 'unpaused'}\n`);
        });
      });
  }
}

async function withOps(
  fn: (
    ops: import('../../runtime/operations.ts').Operations,
    server: import('../../web/server-file.ts').ServerInfo | undefined,
  ) => Promise<void>,
): Promise<void> {
  const { cliConfig, connectOperations } = await import('../compose.ts');
  const { ops, server, close } = await connectOperations(await cliConfig());
  try {
    await fn(ops, server);
  } finally {
    await close();
  }
}

function table(dags: readonly DagView[]): string {
  if (dags.length === 0) return 'no DAGs loaded (put them in dags/<dag_id>.ts)\n';
  const rows = [
    ['DAG', 'SCHEDULE', 'PAUSED', 'LAST RUN', 'NEXT RUN'],
    ...dags.map((d) => [
      d.dagId,
      d.schedule ?? '(manual)',
      d.paused ? 'yes' : 'no',
      d.lastRun ? `${d.lastRun.intervalStart} ${d.lastRun.state}` : '-',
      d.nextRunAt ?? '-',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return `${rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}
