/**
 * `sluice files list [--state S] [--entity E] [--json]`: the file ledger (every landed object and what
 * happened to it). `sluice files skip <object> --reason TEXT`: take a poisoned file out of whatever batch holds
 * it; it moves to `rejected/` and the next run of its DAG goes on without it.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors/usage-error.ts';
import type { FileState, LedgerEntry } from '../../ports/file-ledger.ts';

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
      await withLedger(async (ledger) => {
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
      await withLedger(async (ledger) => {
        const entry = await ledger.skip(object, flags.reason.trim());
        process.stdout.write(
          flags.json
            ? `${JSON.stringify(entry, null, 2)}\n`
            : `skipped ${entry.object}: moved to ${entry.movedTo}${entry.batchId ? `, out of batch ${entry.batchId}` : ''}\n`,
        );
      });
    });
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

/** What `sluice files` does, on the stores or through a running server. */
interface LedgerCommands {
  list(filter: { state?: FileState; entity?: string; limit: number }): Promise<LedgerEntry[]>;
  skip(object: string, reason: string): Promise<LedgerEntry>;
}

/**
 * Run one command on the ledger: through the server's API when a server holds this SLUICE_HOME (embedded
 * stores admit one process), else on the metadata DB and the bucket directly.
 */
async function withLedger(fn: (ledger: LedgerCommands) => Promise<void>): Promise<void> {
  const { cliConfig } = await import('../compose.ts');
  const config = await cliConfig();
  const { findLiveServer } = await import('../../web/server-file.ts');
  const server = await findLiveServer(config.home, config.web.token);
  if (server) {
    const { HttpJsonClient } = await import('../../web/http-json-client.ts');
    const http = new HttpJsonClient(`${server.url}/api`, config.web.token);
    const parse = (e: LedgerEntry): LedgerEntry => ({
      ...e,
      landedAt: new Date(e.landedAt),
      updatedAt: new Date(e.updatedAt),
    });
    await fn({
      list: async (filter) => {
        const q = new URLSearchParams({ limit: String(filter.limit) });
        if (filter.state) q.set('state', filter.state);
        if (filter.entity) q.set('entity', filter.entity);
        return (await http.call<{ files: LedgerEntry[] }>('GET', `/files?${q}`)).files.map(parse);
      },
      skip: async (object, reason) =>
        parse((await http.call<{ file: LedgerEntry }>('POST', '/files/skip', { object, reason })).file),
    });
    return;
  }
  const { openMetadataStore } = await import('../../adapters/metadata/open-metadata-store.ts');
  const { openObjectStore } = await import('../../adapters/object-store/open-object-store.ts');
  const { skipFile } = await import('../../runtime/skip-file.ts');
  const store = await openMetadataStore(config);
  const objects = await openObjectStore(config);
  try {
    await fn({
      list: (filter) => store.ledger.list(filter),
      skip: (object, reason) => skipFile({ ledger: store.ledger, objects }, object, reason),
    });
  } finally {
    await objects.close();
    await store.close();
  }
}
