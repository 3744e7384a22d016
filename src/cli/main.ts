/**
 * The `sluice` command: the composition root. Each command group lives in `commands/<group>.ts` and exports
 * `register(program)`; heavy modules (adapters, runtime) are imported inside actions, so `--help` is instant.
 */
import { Command, CommanderError } from 'commander';
import { register as backfill } from './commands/backfill.ts';
import { register as dags } from './commands/dags.ts';
import { register as demo } from './commands/demo.ts';
import { register as files } from './commands/files.ts';
import { register as generate } from './commands/generate.ts';
import { register as init } from './commands/init.ts';
import { register as run } from './commands/run.ts';
import { register as runs } from './commands/runs.ts';
import { register as scheduler } from './commands/scheduler.ts';
import { register as sql } from './commands/sql.ts';
import { register as standalone } from './commands/standalone.ts';
import { register as tasks } from './commands/tasks.ts';
import { register as web } from './commands/web.ts';
import { register as worker } from './commands/worker.ts';
import { reportError } from './report-error.ts';

/** Build the program; exported so tests can drive the CLI in-process. */
export function buildProgram(): Command {
  const program = new Command('sluice')
    .description('Airflow-style micro-batch ELT orchestrator: DAGs in TypeScript on DuckDB or BigQuery')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  for (const registerGroup of [
    init,
    standalone,
    scheduler,
    worker,
    web,
    demo,
    dags,
    run,
    runs,
    tasks,
    backfill,
    generate,
    files,
    sql,
  ]) {
    registerGroup(program);
  }
  return program;
}

/** Run the CLI with `argv` (as in `process.argv`); sets `process.exitCode`. Used by `bin/sluice.js`. */
export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit 0; usage errors exit 2 (commander already printed the message).
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    process.exitCode = reportError(error);
  }
}

if (import.meta.main) {
  await main(process.argv);
}
