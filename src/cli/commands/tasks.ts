/**
 * `sluice tasks logs <run-id> <task-id> [--try N]`: the log lines one try wrote (the latest try by default).
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors/usage-error.ts';

/** Register `sluice tasks ...`. */
export function register(program: Command): void {
  const tasks = program.command('tasks').description('inspect task instances');
  tasks
    .command('logs')
    .description("print a task try's log lines (the latest try unless --try)")
    .argument('<run-id>', 'run id, e.g. orders__20260101T1015Z')
    .argument('<task-id>', 'task id')
    .option('--try <n>', 'try number')
    .option('--json', 'print JSON')
    .action(async (runId: string, taskId: string, flags: { try?: string; json?: boolean }) => {
      const tryNumber = flags.try === undefined ? undefined : Number(flags.try);
      if (tryNumber !== undefined && (!Number.isInteger(tryNumber) || tryNumber < 1))
        throw new UsageError(`--try ${flags.try}: give a try number >= 1`);
      const { cliConfig, connectOperations } = await import('../compose.ts');
      const { ops, close } = await connectOperations(await cliConfig());
      try {
        const logs = await ops.taskLogs(runId, taskId, tryNumber);
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(logs, null, 2)}\n`);
          return;
        }
        process.stderr.write(
          `# ${logs.runId} ${logs.taskId} try ${logs.tryNumber ?? '-'} (${logs.lines.length} lines)\n`,
        );
        for (const l of logs.lines) {
          const fields = l.fields && Object.keys(l.fields).length ? ` ${JSON.stringify(l.fields)}` : '';
          process.stdout.write(`${l.at} ${l.level.toUpperCase().padEnd(5)} ${l.message}${fields}\n`);
        }
      } finally {
        await close();
      }
    });
}
