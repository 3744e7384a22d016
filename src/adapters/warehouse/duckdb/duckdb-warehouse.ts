/**
 * The embedded warehouse: one DuckDB file, opened lazily on the first statement and closed by `close()` so the
 * file is free between tasks (or kept open a moment for this process's next task: `keepOpenMs`). Every
 * session runs in UTC. Loads run as SQL inside DuckDB (read_csv), never through this process.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBConnection,
  type DuckDBInstance,
  type DuckDBPreparedStatement,
  type DuckDBType,
  LIST,
  listValue,
  StatementType,
  TIMESTAMP,
  timestampValue,
  VARCHAR,
} from '@duckdb/node-api';
import { WarehouseError } from '../../../core/errors/warehouse-error.ts';
import type { TableDefinition } from '../../../ports/table-definition.ts';
import type {
  Dialect,
  EnsureResult,
  ExportCsvRequest,
  LoadCsvRequest,
  LoadLinesRequest,
  LoadResult,
  QueryResult,
  Row,
  SqlParams,
  SqlValue,
  StatementOptions,
  StatementResult,
  Warehouse,
  WarehouseCapabilities,
} from '../../../ports/warehouse.ts';
import { statementLabel } from '../statement-label.ts';
import { DEFAULT_MAX_LINE_BYTES, type DuckDbWarehouseOptions } from './duckdb-config.ts';
import {
  duckDbAddColumn,
  duckDbCreateTable,
  NOT_BLANK,
  qualifyDuckDb,
  quoteIdent,
  rawLineReadOptions,
} from './duckdb-dialect.ts';
import { isCsvReadError, isLockError, toDuckDbError } from './duckdb-errors.ts';
import { acquireInstance, releaseInstance } from './duckdb-instances.ts';
import { duckDbRows } from './duckdb-rows.ts';

interface Session {
  readonly instance: DuckDBInstance;
  readonly connection: DuckDBConnection;
}

/** A DuckDB warehouse session. */
export class DuckDbWarehouse implements Warehouse {
  readonly dialect: Dialect = 'duckdb';
  readonly capabilities: WarehouseCapabilities = { singleWriter: true, dryRun: false };
  readonly dataset: string;
  readonly #options: DuckDbWarehouseOptions;
  #session: Promise<Session> | undefined;
  /** Statements run one at a time on the session's connection. */
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: DuckDbWarehouseOptions) {
    this.#options = options;
    this.dataset = options.dataset;
  }

  qualify(table: string): string {
    return qualifyDuckDb(this.dataset, table);
  }

  async query<R extends Row = Row>(sql: string, options: StatementOptions = {}): Promise<QueryResult<R>> {
    return this.#exclusive(`running "${statementLabel(sql)}"`, options.signal, async (c) => {
      const prepared = await this.#prepare(c, sql, options.params);
      const reader = await prepared.runAndReadAll();
      return { rows: duckDbRows(reader) as R[], rowsAffected: reader.rowsChanged };
    });
  }

  async execute(sql: string, options: StatementOptions = {}): Promise<StatementResult> {
    return this.#exclusive(`running "${statementLabel(sql)}"`, options.signal, async (c) => {
      const statements = await c.extractStatements(sql);
      const count = statements.count;
      const prepared: DuckDBPreparedStatement[] = [];
      for (let i = 0; i < count; i++) prepared.push(await statements.prepare(i));
      for (const p of prepared) bindParams(p, options.params);
      const ownTransaction = prepared.some((p) => p.statementType === StatementType.TRANSACTION);
      const atomic = count > 1 && !ownTransaction;
      let rowsAffected = 0;
      if (atomic) await c.run('BEGIN TRANSACTION');
      try {
        for (const p of prepared) {
          const result = await p.run();
          if (
            p.statementType === StatementType.INSERT ||
            p.statementType === StatementType.UPDATE ||
            p.statementType === StatementType.DELETE ||
            p.statementType === StatementType.MERGE_INTO
          )
            rowsAffected += result.rowsChanged;
        }
        if (atomic) await c.run('COMMIT');
      } catch (error) {
        if (atomic) await c.run('ROLLBACK').catch(() => undefined);
        throw error;
      }
      return { rowsAffected };
    });
  }

  async dryRun(sql: string): Promise<{ bytesProcessed: number }> {
    throw new WarehouseError(
      'E_WAREHOUSE_UNSUPPORTED',
      `DuckDB cannot dry-run "${statementLabel(sql)}": check capabilities.dryRun before calling dryRun`,
    );
  }

  async loadLines(request: LoadLinesRequest, options: StatementOptions = {}): Promise<LoadResult> {
    const uris = [...new Set(request.uris)];
    if (uris.length === 0) return { rowsLoaded: 0, rowsAffected: 0 };
    for (const uri of uris) localPath(uri, 'loadLines');
    const action = `loading ${describeFiles(uris, request.sourceNames)} into ${this.dataset}.${request.table}`;
    const plan = this.#linePlan(request, uris);
    return this.#exclusive(action, options.signal, async (c) => {
      try {
        const rows = await runPrepared(c, plan.fast, plan.params);
        return { rowsLoaded: rows, rowsAffected: rows };
      } catch (error) {
        if (!isCsvReadError(error)) throw error;
      }
      // Some line could not be read as text (bad UTF-8, the impossible delimiter): rerun keeping DuckDB's
      // rejected lines, so every physical line is loaded and keeps its physical line number.
      await c.run('BEGIN TRANSACTION');
      try {
        let rows = 0;
        for (const statement of plan.robust) rows += await runPrepared(c, statement, plan.params);
        await c.run('COMMIT');
        return { rowsLoaded: rows, rowsAffected: rows };
      } catch (error) {
        await c.run('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        await c
          .run(
            'DROP TABLE IF EXISTS sluice_scan; DROP TABLE IF EXISTS sluice_rejected; DROP TABLE IF EXISTS sluice_rj; DROP TABLE IF EXISTS sluice_rs;',
          )
          .catch(() => undefined);
      }
    });
  }

  async loadCsv(request: LoadCsvRequest, options: StatementOptions = {}): Promise<LoadResult> {
    const uris = [...new Set(request.uris)];
    if (uris.length === 0) return { rowsLoaded: 0, rowsAffected: 0 };
    for (const uri of uris) localPath(uri, 'loadCsv');
    const action = `loading ${describeFiles(uris, request.sourceNames)} into ${this.dataset}.${request.table}`;
    return this.#exclusive(action, options.signal, async (c) => {
      for (const uri of uris) await this.#checkCsvHeader(c, uri, request);
      const params: Record<string, SqlValue> = { ...prefixed('c_', request.constants) };
      const files = uris.map((uri, i) => {
        params[`u${i}`] = uri;
        params[`s${i}`] = request.sourceNames?.[uri] ?? uri;
        return `($u${i}, $s${i})`;
      });
      const constantCols = Object.keys(request.constants ?? {});
      const columns = [...request.columns, 'source_file', ...constantCols];
      const spec = request.columns.map((col) => `'${col.replace(/'/g, "''")}': 'VARCHAR'`).join(', ');
      const sql = `INSERT INTO ${this.qualify(request.table)} (${columns.map(quoteIdent).join(', ')})
SELECT ${[...request.columns.map((col) => `r.${quoteIdent(col)}`), 'f.source_file', ...constantCols.map((k) => `$c_${k}`)].join(', ')}
FROM read_csv($files, columns = {${spec}}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', strict_mode = true, null_padding = true, filename = true) AS r
JOIN (VALUES ${files.join(', ')}) AS f(uri, source_file) ON f.uri = r.filename`;
      const rows = await runPrepared(c, sql, { ...params, files: uris });
      return { rowsLoaded: rows, rowsAffected: rows };
    });
  }

  async exportCsv(
    request: ExportCsvRequest,
    options: StatementOptions = {},
  ): Promise<{ rowsExported: number }> {
    const target = localPath(request.uri, 'exportCsv');
    const temp = `${target}.tmp-${process.pid}-${Date.now().toString(36)}`;
    return this.#exclusive(
      `exporting "${statementLabel(request.sql)}" to ${request.uri}`,
      options.signal,
      async (c) => {
        await mkdir(dirname(target), { recursive: true });
        try {
          // COPY cannot take parameters, so a parameterised query is materialised first (in DuckDB, not here).
          await runPrepared(
            c,
            `CREATE OR REPLACE TEMP TABLE sluice_export AS ${request.sql}`,
            request.params,
          );
          const copy = await c.run(
            `COPY sluice_export TO '${temp.replace(/'/g, "''")}' (FORMAT csv, HEADER true, DELIMITER ',')`,
          );
          await rename(temp, target);
          return { rowsExported: copy.rowsChanged };
        } catch (error) {
          await rm(temp, { force: true });
          throw error;
        } finally {
          await c.run('DROP TABLE IF EXISTS sluice_export').catch(() => undefined);
        }
      },
    );
  }

  async ensureTables(tables: readonly TableDefinition[]): Promise<EnsureResult> {
    return this.#exclusive(`creating the tables of ${this.dataset}`, undefined, async (c) => {
      const created: string[] = [];
      const unchanged: string[] = [];
      const updated: string[] = [];
      await c.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(this.dataset)}`);
      const existing = await c.runAndReadAll(
        'SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = $schema',
        { schema: this.dataset },
      );
      const columnsOf = new Map<string, Set<string>>();
      for (const [t, col] of existing.getRowsJson() as [string, string][]) {
        if (!columnsOf.has(t)) columnsOf.set(t, new Set());
        columnsOf.get(t)!.add(col);
      }
      for (const table of tables) {
        await c.run('BEGIN TRANSACTION');
        try {
          const have = columnsOf.get(table.name);
          let changed = false;
          if (!have) {
            for (const ddl of duckDbCreateTable(this.dataset, table)) await c.run(ddl);
          } else {
            for (const column of table.columns.filter((col) => !have.has(col.name))) {
              await c.run(duckDbAddColumn(this.dataset, table.name, column));
              changed = true;
            }
          }
          const seeded = await this.#seed(c, table);
          await c.run('COMMIT');
          if (!have) created.push(table.name);
          else if (changed || seeded > 0) updated.push(table.name);
          else unchanged.push(table.name);
        } catch (error) {
          await c.run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }
      return { created, unchanged, updated };
    });
  }

  async close(): Promise<void> {
    const session = this.#session;
    this.#session = undefined;
    if (!session) return;
    await this.#queue.catch(() => undefined);
    const s = await session.catch(() => undefined);
    if (!s) return;
    s.connection.closeSync();
    await releaseInstance(this.#options.path, s.instance, this.#options.keepOpenMs ?? 0);
  }

  /** Insert the seed rows whose primary key is absent; returns how many were inserted. */
  async #seed(c: DuckDBConnection, table: TableDefinition): Promise<number> {
    if (!table.seed?.length) return 0;
    const cols = table.columns.map((col) => col.name).filter((n) => table.seed!.some((r) => n in r));
    const params: Record<string, SqlValue> = {};
    const rows = table.seed.map((row, i) => {
      const values = cols.map((col, j) => {
        params[`r${i}_${j}`] = row[col] ?? null;
        return `$r${i}_${j}`;
      });
      return `(${values.join(', ')})`;
    });
    const keyMatch = table.primaryKey.map((k) => `t.${quoteIdent(k)} = v.${quoteIdent(k)}`).join(' AND ');
    const sql = `INSERT INTO ${this.qualify(table.name)} (${cols.map(quoteIdent).join(', ')})
SELECT ${cols.map((col) => `v.${quoteIdent(col)}`).join(', ')} FROM (VALUES ${rows.join(', ')}) AS v(${cols.map(quoteIdent).join(', ')})
WHERE NOT EXISTS (SELECT 1 FROM ${this.qualify(table.name)} AS t WHERE ${keyMatch})`;
    return runPrepared(c, sql, params);
  }

  async #checkCsvHeader(c: DuckDBConnection, uri: string, request: LoadCsvRequest): Promise<void> {
    const name = request.sourceNames?.[uri] ?? uri;
    const reader = await c.runAndReadAll(
      `SELECT raw_line FROM read_csv($file, ${rawLineReadOptions(DEFAULT_MAX_LINE_BYTES)}) WHERE ${NOT_BLANK} LIMIT 1`,
      { file: uri },
    );
    const header = (reader.getRowsJson()[0]?.[0] as string | undefined) ?? '';
    const got = header === '' ? [] : header.split(',').map((h) => h.trim().replace(/^"(.*)"$/, '$1'));
    const want = request.columns;
    for (let i = 0; i < Math.max(got.length, want.length); i++) {
      if (got[i] === want[i]) continue;
      const detail =
        got[i] === undefined
          ? `lacks column ${want[i]} (position ${i + 1})`
          : want[i] === undefined
            ? `has an unexpected extra column ${got[i]} (position ${i + 1})`
            : `has column ${got[i]} at position ${i + 1} where ${want[i]} is expected`;
      throw new WarehouseError(
        'E_WAREHOUSE_LOAD',
        `CSV header of ${name} ${detail}; expected header: ${want.join(',')}`,
      );
    }
  }

  #linePlan(
    request: LoadLinesRequest,
    uris: string[],
  ): { fast: string; robust: string[]; params: Record<string, SqlValue> } {
    const params: Record<string, SqlValue> = { files: uris, ...prefixed('c_', request.constants) };
    const perFileKeys = [...new Set(uris.flatMap((u) => Object.keys(request.fileConstants?.[u] ?? {})))];
    const files = uris.map((uri, i) => {
      params[`u${i}`] = uri;
      params[`s${i}`] = request.sourceNames?.[uri] ?? uri;
      const extra = perFileKeys.map((k) => {
        params[`f${i}_${k}`] = request.fileConstants?.[uri]?.[k] ?? null;
        return `$f${i}_${k}`;
      });
      return `(${[`$u${i}`, `$s${i}`, ...extra].join(', ')})`;
    });
    const constantKeys = Object.keys(request.constants ?? {});
    const columns = ['source_file', 'line_number', 'raw_line', ...constantKeys, ...perFileKeys];
    const select = [
      'f.source_file',
      'n.line_number',
      'n.raw_line',
      ...constantKeys.map((k) => `$c_${k}`),
      ...perFileKeys.map((k) => `f.${quoteIdent(k)}`),
    ].join(', ');
    const filesTable = `(VALUES ${files.join(', ')}) AS f(${['uri', 'source_file', ...perFileKeys].map(quoteIdent).join(', ')})`;
    const insert = `INSERT INTO ${this.qualify(request.table)} (${columns.map(quoteIdent).join(', ')})`;
    const read = rawLineReadOptions(this.#options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    // read_csv yields one row per physical line (a NULL raw_line for an empty line) and WITH ORDINALITY
    // numbers them in file order; the first ordinal of each file makes the numbering per file.
    const fast = `${insert}
SELECT ${select}
FROM (
  SELECT filename, raw_line, ordinality - min(ordinality) OVER (PARTITION BY filename) + 1 AS line_number
  FROM read_csv($files, ${read}) WITH ORDINALITY
) AS n
JOIN ${filesTable} ON f.uri = n.filename
WHERE ${NOT_BLANK.replace(/raw_line/g, 'n.raw_line')}`;
    // Rejected lines are missing from the scan (they take no ordinal); a kept line's physical number is its
    // position plus the rejected lines before it, i.e. those with (line - rank) < position. DuckDB's reject
    // log shows bytes that are not UTF-8 as '?': such a line gets U+FFFD there instead (any genuine '?' on
    // it too, which the log cannot tell apart), the standard mark of undecodable bytes, so validation can
    // see that the line was not text.
    const robust = [
      `CREATE OR REPLACE TEMP TABLE sluice_scan AS
SELECT filename, raw_line, ordinality - min(ordinality) OVER (PARTITION BY filename) + 1 AS k
FROM read_csv($files, ${read}, ignore_errors = true, store_rejects = true, rejects_table = 'sluice_rj', rejects_scan = 'sluice_rs') WITH ORDINALITY`,
      `CREATE OR REPLACE TEMP TABLE sluice_rejected AS
SELECT filename, line, raw_line, row_number() OVER (PARTITION BY filename ORDER BY line) AS rnk
FROM (
  SELECT s.file_path AS filename, j.line AS line,
    CASE WHEN bool_or(j.error_type = 'INVALID ENCODING')
      THEN replace(ltrim(first(j.csv_line), chr(10) || chr(13)), '?', chr(65533))
      ELSE ltrim(first(j.csv_line), chr(10) || chr(13)) END AS raw_line
  FROM sluice_rj AS j JOIN sluice_rs AS s USING (scan_id, file_id)
  GROUP BY 1, 2
)`,
      `${insert}
SELECT ${select}
FROM (
  SELECT s.filename, s.raw_line,
    s.k + (SELECT count(*) FROM sluice_rejected AS r WHERE r.filename = s.filename AND r.line - r.rnk < s.k) AS line_number
  FROM sluice_scan AS s
  UNION ALL
  SELECT filename, raw_line, line FROM sluice_rejected
) AS n
JOIN ${filesTable} ON f.uri = n.filename
WHERE ${NOT_BLANK.replace(/raw_line/g, 'n.raw_line')}`,
    ];
    return { fast, robust, params };
  }

  async #open(): Promise<Session> {
    const { path, memoryLimit, threads, blockAllocatorMemory } = this.#options;
    const config: Record<string, string> = {};
    if (memoryLimit) config.memory_limit = memoryLimit;
    if (threads) config.threads = String(threads);
    if (blockAllocatorMemory) config.block_allocator_memory = blockAllocatorMemory;
    if (path !== ':memory:') await mkdir(dirname(path), { recursive: true });
    const deadline = Date.now() + (this.#options.lockTimeoutMs ?? 5000);
    let delay = 50;
    for (;;) {
      try {
        const instance = await acquireInstance(path, config);
        try {
          const connection = await instance.connect();
          await connection.run("SET TimeZone = 'UTC'");
          return { instance, connection };
        } catch (error) {
          await releaseInstance(path, instance);
          throw error;
        }
      } catch (error) {
        // Another process (the scheduler's task, a CLI command) holds the file: wait briefly, then say who.
        if (!isLockError(error) || Date.now() + delay > deadline)
          throw toDuckDbError(error, { file: path, dataset: this.dataset, action: 'opening the warehouse' });
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 1000);
      }
    }
  }

  /** Run `fn` on the (lazily opened) connection, one at a time, mapping errors and honouring `signal`. */
  async #exclusive<T>(
    action: string,
    signal: AbortSignal | undefined,
    fn: (c: DuckDBConnection) => Promise<T>,
  ): Promise<T> {
    const run = async (): Promise<T> => {
      signal?.throwIfAborted();
      this.#session ??= this.#open();
      let session: Session;
      try {
        session = await this.#session;
      } catch (error) {
        this.#session = undefined;
        throw error;
      }
      const onAbort = () => session.connection.interrupt();
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await fn(session.connection);
      } catch (error) {
        if (signal?.aborted)
          throw new WarehouseError('E_WAREHOUSE_CANCELLED', `cancelled while ${action}`, { cause: error });
        if (error instanceof WarehouseError && !error.message.includes('(while '))
          throw new WarehouseError(
            error.code as `E_WAREHOUSE_${string}`,
            `${error.message} (while ${action})`,
            {
              cause: error,
            },
          );
        throw toDuckDbError(error, { file: this.#options.path, dataset: this.dataset, action });
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    };
    const result = this.#queue.then(run, run);
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async #prepare(
    c: DuckDBConnection,
    sql: string,
    params: SqlParams | undefined,
  ): Promise<DuckDBPreparedStatement> {
    const prepared = await c.prepare(sql);
    bindParams(prepared, params);
    return prepared;
  }
}

async function runPrepared(c: DuckDBConnection, sql: string, params: SqlParams | undefined): Promise<number> {
  const prepared = await c.prepare(sql);
  bindParams(prepared, params);
  return (await prepared.run()).rowsChanged;
}

/** Bind the named parameters a statement uses; extra values are ignored, a missing one fails naming it. */
function bindParams(prepared: DuckDBPreparedStatement, params: SqlParams | undefined): void {
  for (let i = 1; i <= prepared.parameterCount; i++) {
    const name = prepared.parameterName(i);
    if (!params || !Object.hasOwn(params, name))
      throw new WarehouseError(
        'E_WAREHOUSE_QUERY',
        `the statement uses $${name} but no value was given for it (params: ${Object.keys(params ?? {}).join(', ') || 'none'})`,
      );
    const value = params[name]!;
    if (value === null) prepared.bindNull(i);
    else prepared.bindValue(i, toDuckDbValue(value), duckDbTypeOf(value));
  }
}

function duckDbTypeOf(value: SqlValue): DuckDBType {
  if (typeof value === 'string') return VARCHAR;
  if (typeof value === 'bigint') return BIGINT;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BIGINT : DOUBLE;
  if (typeof value === 'boolean') return BOOLEAN;
  if (value instanceof Date) return TIMESTAMP;
  if (Array.isArray(value)) {
    const first = value.find((v) => v !== null);
    return LIST(first === undefined ? VARCHAR : duckDbTypeOf(first));
  }
  return VARCHAR;
}

function toDuckDbValue(value: SqlValue): never {
  let out: unknown = value;
  if (typeof value === 'number' && Number.isSafeInteger(value)) out = BigInt(value);
  else if (value instanceof Date) {
    if (Number.isNaN(value.getTime()))
      throw new WarehouseError('E_WAREHOUSE_QUERY', 'an invalid Date was bound as a parameter');
    out = timestampValue(BigInt(value.getTime()) * 1000n);
  } else if (Array.isArray(value)) out = listValue(value.map((v) => (v === null ? null : toDuckDbValue(v))));
  return out as never;
}

function prefixed(prefix: string, values: SqlParams | undefined): Record<string, SqlValue> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [`${prefix}${k}`, v]));
}

/** The local path of a URI given by the filesystem object store; GCS URIs need the BigQuery warehouse. */
function localPath(uri: string, what: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri))
    throw new WarehouseError(
      'E_WAREHOUSE_UNSUPPORTED',
      `DuckDB ${what} reads local files only, got ${uri}; use SLUICE_STORAGE=local with DuckDB, or the BigQuery warehouse with GCS`,
    );
  return uri;
}

function describeFiles(uris: readonly string[], names: Readonly<Record<string, string>> | undefined): string {
  const shown = uris.slice(0, 3).map((u) => names?.[u] ?? u);
  return uris.length > 3 ? `${shown.join(', ')} and ${uris.length - 3} more` : shown.join(', ');
}
