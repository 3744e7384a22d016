/**
 * `sluice files list [--state S] [--entity E] [--json]`: the file ledger (every landed object and what
 * happened to it). `sluice files skip <object> --reason TEXT`: take a poisoned file out of whatever batch holds
 * it; it moves to `rejected/` and the next run of its DAG goes on without it.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors/usage-error.ts';
import type { FileLedger, FileState, LedgerEntry } from '../../ports/file-ledger.ts';
import type { ObjectStore } from '../../ports/object-store.ts';

const STATES: readonly FileState[] = ['landed', 'claimed', 'loaded', 'archived', 'rejected', 'ignored'];

/** Register `sluice files ...`. */
export function register(program: Command): void {
  const files = program
    .command('files')
    .description('the file ledger: every landed object and what happened to it');
  files
    .command('list')
    .description('ledger entries, in landing order')
    .option('--state <state>', `only entries in this state (${STATES.join(', ')})`)
    .option('--entity <entity>', 'only this entity (orders, products, customers)')
    .option('--limit <n>', 'at most this many entries', '1000')
    .option('--json', 'print JSON')
    .action(async (flags: { state?: string; entity?: string; limit: string; json?: boolean }) => {
      if (flags.state !== undefined && !STATES.includes(flags.state as FileState))
        throw new UsageError(`--state ${flags.state}: use one of ${STATES.join(', ')}`);
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new UsageError(`--limit ${flags.limit}: give a whole number >= 1`);
      await withLedger(async ({ ledger }) => {
        const entries = await ledger.list({
          ...(flags.state ? { state: flags.state as FileState } : {}),
          ...(flags.entity ? { entity: flags.entity } : {}),
          limit,
        });
        process.stdout.write(flags.json ? `${JSON.stringify(entries, null, 2)}\n` : formatEntries(entries));
      });
    });
  files
    .command('skip')
    .description('take a poisoned file out of its batch: move it to rejected/ and mark it rejected')
    .argument('<object>', 'object name, e.g. landing/orders/2026-01-01T10-00.jsonl')
    .requiredOption('--reason <text>', 'why (kept in the ledger)')
    .option('--json', 'print the ledger entry as JSON')
    .action(async (object: string, flags: { reason: string; json?: boolean }) => {
      if (flags.reason.trim() === '') throw new UsageError('--reason must say why the file is skipped');
      await withLedger(async ({ ledger, objects }) => {
        const entry = await skipFile({ ledger, objects }, object, flags.reason.trim());
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(entry, null, 2)}\n`
            : `skipped ${entry.object}: moved to ${entry.movedTo}${entry.batchId ? `, out of batch ${entry.batchId}` : ''}\n`,
        );
      });
    });
}

/** Where a skipped object goes: `landing/<entity>/x` -> `rejected/<entity>/x`. */
export function rejectedLocation(object: string): string {
  return `rejected/${object.startsWith('landing/') ? object.slice('landing/'.length) : object}`;
}

/**
 * Take `object` out of the batch holding it: mark it rejected in the ledger (claims and re-runs no longer
 * see it), then move it to `rejected/`. Safe to repeat after a crash between the two steps.
 *
 * @example await skipFile({ ledger, objects }, 'landing/orders/bad.jsonl', 'truncated upstream export')
 */
export async function skipFile(
  deps: { ledger: FileLedger; objects: ObjectStore },
  object: string,
  reason: string,
): Promise<LedgerEntry> {
  const destination = rejectedLocation(object);
  const entry = await deps.ledger.reject(object, reason, destination);
  if (await deps.objects.exists(object)) await deps.objects.move(object, destination);
  return entry;
}

function formatEntries(entries: readonly LedgerEntry[]): string {
  if (entries.length === 0) return 'no files\n';
  const n = (v: number | null) => (v === null ? '-' : String(v));
  const rows = [
    ['OBJECT', 'STATE', 'BATCH', 'READ', 'KEPT', 'QUAR', 'DUP', 'LANDED', 'MOVED TO / REASON'],
    ...entries.map((e) => [
      e.object,
      e.state,
      e.batchId ?? '-',
      n(e.linesRead),
      n(e.linesKept),
      n(e.linesQuarantined),
      n(e.linesDuplicate),
      e.landedAt.toISOString(),
      [e.movedTo, e.reason].filter(Boolean).join(' ') || '-',
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

/** Open the ledger and the bucket for one command. The embedded metadata DB admits one process. */
async function withLedger(
  fn: (deps: { ledger: FileLedger; objects: ObjectStore }) => Promise<void>,
): Promise<void> {
  const { cliConfig } = await import('../compose.ts');
  const config = await cliConfig();
  if (!config.metadata.url) {
    const { findLiveServer } = await import('../../web/server-file.ts');
    const server = await findLiveServer(config.home, config.web.token);
    if (server)
      throw new UsageError(
        `a Sluice server (pid ${server.pid}, ${server.url}) holds the embedded metadata DB of ${config.home}; stop it for \`sluice files\`, or use Postgres (SLUICE_METADATA_URL)`,
      );
  }
  const { openMetadataStore } = await import('../../adapters/metadata/open-metadata-store.ts');
  const { openObjectStore } = await import('../../adapters/object-store/open-object-store.ts');
  const store = await openMetadataStore(config);
  const objects = await openObjectStore(config);
  try {
    await fn({ ledger: store.ledger, objects });
  } finally {
    await objects.close();
    await store.close();
  }
}
