/**
 * `sluice runs list [--dag D] [--state S] [--json]`.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors/usage-error.ts';
import { isRunState } from '../../core/run-state.ts';

/** Register `sluice runs ...`. */
export function register(program: Command): void {
  const runs = program.command('runs').description('inspect DAG runs');
  runs
    .command('list')
    .description('runs, newest interval first')
    .option('--dag <dag>', 'only this DAG')
    .option('--state <state>', 'only runs in this state (queued, running, success, failed)')
    .option('--limit <n>', 'at most this many runs', '50')
    .option('--json', 'print JSON')
    .action(async (flags: { dag?: string; state?: string; limit: string; json?: boolean }) => {
      if (flags.state !== undefined && !isRunState(flags.state))
        throw new UsageError(`--state ${flags.state}: use queued, running, success or failed`);
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError(`--limit ${flags.limit}: give a whole number >= 1`);
      const { cliConfig, connectOperations } = await import('../compose.ts');
      const { ops, close } = await connectOperations(await cliConfig());
      try {
        const list = await ops.listRuns({
          ...(flags.dag ? { dagId: flags.dag } : {}),
          ...(flags.state ? { state: flags.state as 'queued' } : {}),
          limit,
        });
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
          return;
        }
        if (list.length === 0) {
          process.stdout.write('no runs\n');
          return;
        }
        const rows = [
          ['RUN', 'TYPE', 'STATE', 'INTERVAL START', 'INTERVAL END', 'ENDED'],
          ...list.map((r) => [r.runId, r.runType, r.state, r.intervalStart, r.intervalEnd, r.endedAt ?? '-']),
        ];
        const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
        process.stdout.write(
          `${rows
            .map((r) =>
              r
                .map((c, i) => c.padEnd(widths[i]!))
                .join('  ')
                .trimEnd(),
            )
            .join('\n')}\n`,
        );
      } finally {
        await close();
      }
    });
}
