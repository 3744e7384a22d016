/**
 * The BigQuery warehouse: every statement is a job with a deterministic id (the task's identity prefix plus a
 * hash of the statement and its parameters), so a retried call re-attaches to the job that already ran
 * instead of running it twice. Loads read `gs://` objects inside BigQuery; nothing passes through here.
 */
import { createHash, randomUUID } from 'node:crypto';
import { BigQuery, type Job } from '@google-cloud/bigquery';
import { WarehouseError } from '../../../core/errors/warehouse-error.ts';
import type { ColumnDefinition, TableDefinition } from '../../../ports/table-definition.ts';
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
import type { BigQueryWarehouseOptions } from './bigquery-config.ts';
import { bigQueryFields, bigQueryTableResource, qualifyBigQuery } from './bigquery-dialect.ts';
import { isAlreadyExists, isNotFound, toBigQueryError } from './bigquery-errors.ts';
import { type StructRows, structRows, toQueryParameters } from './bigquery-params.ts';
import { bigQueryRows } from './bigquery-rows.ts';
import { canWrapInTransaction, countStatements, inTransaction } from './bigquery-script.ts';

/**
 * Field delimiter of raw-line reads: byte 0xFE (BigQuery splits on the ISO-8859-1 byte of U+00FE before
 * decoding), a byte that never occurs in UTF-8 text, so every line is one field.
 */
export const RAW_LINE_DELIMITER = '\u00fe';

type JobKind = 'query' | 'script' | 'load' | 'export' | 'extract' | 'seed' | 'header';

interface JobMetadata {
  readonly jobReference?: { jobId?: string; location?: string };
  readonly status?: {
    state?: string;
    errorResult?: { reason?: string; message?: string };
    errors?: unknown[];
  };
  readonly statistics?: {
    totalBytesProcessed?: string;
    query?: {
      totalBytesProcessed?: string;
      numDmlAffectedRows?: string;
      schema?: { fields?: { name: string; type: string }[] };
    };
  };
}

/** A BigQuery warehouse session (the client is created on first use; `close()` has nothing to release). */
export class BigQueryWarehouse implements Warehouse {
  readonly dialect: Dialect = 'bigquery';
  readonly capabilities: WarehouseCapabilities = { singleWriter: false, dryRun: true };
  readonly dataset: string;
  readonly #options: BigQueryWarehouseOptions;
  #client: BigQuery | undefined;

  constructor(options: BigQueryWarehouseOptions) {
    this.#options = options;
    this.dataset = options.dataset;
  }

  qualify(table: string): string {
    return qualifyBigQuery(this.#options.project, this.dataset, table);
  }

  async query<R extends Row = Row>(sql: string, options: StatementOptions = {}): Promise<QueryResult<R>> {
    const action = `running "${statementLabel(sql)}"`;
    const { job, metadata } = await this.#runQuery('query', sql, options.params, options, action);
    try {
      const rows: Row[] = [];
      let pageToken: string | undefined;
      do {
        const [page, , response] = (await job.getQueryResults({
          autoPaginate: false,
          wrapIntegers: true,
          ...(pageToken ? { pageToken } : {}),
        })) as unknown as [
          Record<string, unknown>[],
          unknown,
          { schema?: { fields?: [] }; pageToken?: string },
        ];
        rows.push(...bigQueryRows(response?.schema, page ?? []));
        pageToken = response?.pageToken;
      } while (pageToken);
      return { rows: rows as R[], ...statsOf(metadata) };
    } catch (error) {
      throw toBigQueryError(error, `${action} (job ${job.id})`);
    }
  }

  async execute(sql: string, options: StatementOptions = {}): Promise<StatementResult> {
    const multi = countStatements(sql) > 1;
    // A script is atomic only inside a transaction; DDL cannot run in one, so such scripts run as they are.
    const text = multi && canWrapInTransaction(sql) ? inTransaction(sql) : sql;
    const { metadata } = await this.#runQuery(
      multi ? 'script' : 'query',
      text,
      options.params,
      options,
      `running "${statementLabel(sql)}"`,
    );
    return statsOf(metadata);
  }

  async dryRun(sql: string, options: StatementOptions = {}): Promise<{ bytesProcessed: number }> {
    const action = `dry-running "${statementLabel(sql)}"`;
    try {
      const [, metadata] = (await this.#bq().createJob({
        configuration: { dryRun: true, query: this.#queryConfig(sql, options.params) },
        ...(this.#options.location ? { location: this.#options.location } : {}),
      })) as unknown as [Job, JobMetadata];
      return {
        bytesProcessed: Number(
          metadata.statistics?.totalBytesProcessed ?? metadata.statistics?.query?.totalBytesProcessed ?? 0,
        ),
      };
    } catch (error) {
      throw toBigQueryError(error, action);
    }
  }

  async loadLines(request: LoadLinesRequest, options: StatementOptions = {}): Promise<LoadResult> {
    const uris = [...new Set(request.uris)];
    if (uris.length === 0) return { rowsLoaded: 0, rowsAffected: 0 };
    for (const uri of uris) gcsUri(uri, 'loadLines');
    const perFileKeys = [...new Set(uris.flatMap((u) => Object.keys(request.fileConstants?.[u] ?? {})))];
    const files = structRows(
      [
        { name: 'uri', type: 'STRING' },
        { name: 'source_file', type: 'STRING' },
        ...perFileKeys.map((k) => ({
          name: k,
          type: paramTypeOf(uris.map((u) => request.fileConstants?.[u]?.[k])),
        })),
      ],
      uris.map((uri) => ({
        uri,
        source_file: request.sourceNames?.[uri] ?? uri,
        ...request.fileConstants?.[uri],
      })),
    );
    const constantKeys = Object.keys(request.constants ?? {});
    const columns = ['source_file', 'line_number', 'raw_line', ...constantKeys, ...perFileKeys];
    const definitions = externalCsv(uris, [{ name: 'raw_line', type: 'STRING', mode: 'NULLABLE' }], {
      fieldDelimiter: RAW_LINE_DELIMITER,
      quote: '',
      skipLeadingRows: '0',
      allowJaggedRows: true,
      allowQuotedNewlines: false,
      preserveAsciiControlCharacters: true,
      encoding: 'UTF-8',
    });
    // BigQuery keeps no row order when it reads files, so the physical line number is unknown: lines are
    // numbered per file in byte order of their text, a deterministic order (see docs/adr on line numbers).
    const sql = `INSERT INTO ${this.qualify(request.table)} (${columns.join(', ')})
SELECT f.source_file, ROW_NUMBER() OVER (PARTITION BY l._FILE_NAME ORDER BY CAST(l.raw_line AS BYTES)) AS line_number, l.raw_line${constantKeys.map((k) => `, @c_${k}`).join('')}${perFileKeys.map((k) => `, f.${k}`).join('')}
FROM (${Object.keys(definitions)
      .map((name) => `SELECT _FILE_NAME, raw_line FROM ${name}`)
      .join(' UNION ALL ')}) AS l
JOIN UNNEST(@sluice_files) AS f ON f.uri = l._FILE_NAME
WHERE l.raw_line IS NOT NULL AND TRIM(l.raw_line, ' \\t\\r\\x0b\\x0c') != ''`;
    const params = { ...prefixed('c_', request.constants), sluice_files: files };
    const action = `loading ${describe(uris, request.sourceNames)} into ${this.dataset}.${request.table}`;
    const { metadata } = await this.#runQuery('load', sql, params, options, action, definitions);
    const rows = Number(metadata.statistics?.query?.numDmlAffectedRows ?? 0);
    return { rowsLoaded: rows, ...statsOf(metadata) };
  }

  async loadCsv(request: LoadCsvRequest, options: StatementOptions = {}): Promise<LoadResult> {
    const uris = [...new Set(request.uris)];
    if (uris.length === 0) return { rowsLoaded: 0, rowsAffected: 0 };
    for (const uri of uris) gcsUri(uri, 'loadCsv');
    const action = `loading ${describe(uris, request.sourceNames)} into ${this.dataset}.${request.table}`;
    for (const uri of uris) await this.#checkCsvHeader(uri, request, options, action);
    const files = structRows(
      [
        { name: 'uri', type: 'STRING' },
        { name: 'source_file', type: 'STRING' },
      ],
      uris.map((uri) => ({ uri, source_file: request.sourceNames?.[uri] ?? uri })),
    );
    const definitions = externalCsv(
      uris,
      request.columns.map((name) => ({ name, type: 'STRING', mode: 'NULLABLE' })),
      {
        skipLeadingRows: '1',
        quote: '"',
        fieldDelimiter: ',',
        allowQuotedNewlines: true,
        allowJaggedRows: true,
        encoding: 'UTF-8',
      },
    );
    const constantKeys = Object.keys(request.constants ?? {});
    const columns = [...request.columns, 'source_file', ...constantKeys];
    const sql = `INSERT INTO ${this.qualify(request.table)} (${columns.join(', ')})
SELECT ${request.columns.map((c) => `r.${c}`).join(', ')}, f.source_file${constantKeys.map((k) => `, @c_${k}`).join('')}
FROM (${Object.keys(definitions)
      .map((name) => `SELECT _FILE_NAME, * FROM ${name}`)
      .join(' UNION ALL ')}) AS r
JOIN UNNEST(@sluice_files) AS f ON f.uri = r._FILE_NAME`;
    const params = { ...prefixed('c_', request.constants), sluice_files: files };
    const { metadata } = await this.#runQuery('load', sql, params, options, action, definitions);
    return { rowsLoaded: Number(metadata.statistics?.query?.numDmlAffectedRows ?? 0), ...statsOf(metadata) };
  }

  async exportCsv(
    request: ExportCsvRequest,
    options: StatementOptions = {},
  ): Promise<{ rowsExported: number }> {
    gcsUri(request.uri, 'exportCsv');
    const action = `exporting "${statementLabel(request.sql)}" to ${request.uri}`;
    const tableId = `_sluice_export_${hash(['export', request.uri, request.sql, stableJson(request.params)]).slice(0, 16)}`;
    const destination = { projectId: this.#options.project, datasetId: this.dataset, tableId };
    // Query into a scratch table, then one extract job: EXPORT DATA would write a wildcard of many objects.
    await this.#runJob(
      'export',
      {
        query: {
          ...this.#queryConfig(request.sql, request.params),
          destinationTable: destination,
          writeDisposition: 'WRITE_TRUNCATE',
          createDisposition: 'CREATE_IF_NEEDED',
        },
      },
      [request.uri, request.sql, stableJson(request.params)],
      options,
      action,
    );
    const table = this.#bq().dataset(this.dataset).table(tableId);
    try {
      const [meta] = (await table.getMetadata()) as unknown as [{ numRows?: string }];
      await this.#runJob(
        'extract',
        {
          extract: {
            sourceTable: destination,
            destinationUris: [request.uri],
            destinationFormat: 'CSV',
            fieldDelimiter: ',',
            printHeader: true,
          },
        },
        [request.uri, tableId],
        options,
        action,
      );
      return { rowsExported: Number(meta.numRows ?? 0) };
    } catch (error) {
      throw toBigQueryError(error, action);
    } finally {
      await table.delete().catch(() => undefined);
    }
  }

  async ensureTables(tables: readonly TableDefinition[]): Promise<EnsureResult> {
    const dataset = this.#bq().dataset(
      this.dataset,
      this.#options.location ? { location: this.#options.location } : {},
    );
    const where = `${this.#options.project}.${this.dataset}`;
    try {
      await dataset.getMetadata();
    } catch (error) {
      if (!isNotFound(error)) throw toBigQueryError(error, `reading dataset ${where}`);
      try {
        await dataset.create(this.#options.location ? { location: this.#options.location } : {});
      } catch (createError) {
        if (!isAlreadyExists(createError)) throw toBigQueryError(createError, `creating dataset ${where}`);
      }
    }
    const created: string[] = [];
    const unchanged: string[] = [];
    const updated: string[] = [];
    for (const def of tables) {
      const table = dataset.table(def.name);
      let existing: { schema?: { fields?: { name: string }[] } } | undefined;
      try {
        [existing] = (await table.getMetadata()) as unknown as [{ schema?: { fields?: { name: string }[] } }];
      } catch (error) {
        if (!isNotFound(error)) throw toBigQueryError(error, `reading table ${where}.${def.name}`);
      }
      let changed = false;
      if (!existing) {
        const resource = bigQueryTableResource(this.#options.project, this.dataset, def);
        try {
          await dataset.createTable(def.name, resource as never);
        } catch (error) {
          if (!isAlreadyExists(error)) throw toBigQueryError(error, `creating table ${where}.${def.name}`);
        }
      } else {
        const have = new Set((existing.schema?.fields ?? []).map((f) => f.name));
        const missing = def.columns.filter((c) => !have.has(c.name));
        if (missing.length > 0) {
          const added = bigQueryFields(missing.map((c) => ({ ...c, mode: 'nullable' as const })));
          try {
            await table.setMetadata({ schema: { fields: [...(existing.schema?.fields ?? []), ...added] } });
          } catch (error) {
            throw toBigQueryError(
              error,
              `adding columns ${missing.map((c) => c.name).join(', ')} to ${where}.${def.name}`,
            );
          }
          changed = true;
        }
      }
      const seeded = await this.#seed(def);
      if (!existing) created.push(def.name);
      else if (changed || seeded > 0) updated.push(def.name);
      else unchanged.push(def.name);
    }
    return { created, unchanged, updated };
  }

  async close(): Promise<void> {
    this.#client = undefined;
  }

  /** Insert the seed rows whose primary key is absent (one DML job); returns how many were inserted. */
  async #seed(def: TableDefinition): Promise<number> {
    if (!def.seed?.length) return 0;
    const cols = def.columns.filter((c) => def.seed!.some((r) => c.name in r));
    const keyMatch = def.primaryKey.map((k) => `t.${k} = v.${k}`).join(' AND ');
    const sql = `INSERT INTO ${this.qualify(def.name)} (${cols.map((c) => c.name).join(', ')})
SELECT ${cols.map((c) => `v.${c.name}`).join(', ')} FROM UNNEST(@seed) AS v
WHERE NOT EXISTS (SELECT 1 FROM ${this.qualify(def.name)} AS t WHERE ${keyMatch})`;
    const seed = structRows(
      cols.map((c) => ({ name: c.name, type: standardType(c) })),
      def.seed.map((r) => ({ ...r })),
    );
    const { metadata } = await this.#runQuery(
      'seed',
      sql,
      { seed },
      {},
      `seeding ${this.dataset}.${def.name}`,
    );
    return Number(metadata.statistics?.query?.numDmlAffectedRows ?? 0);
  }

  async #checkCsvHeader(
    uri: string,
    request: LoadCsvRequest,
    options: StatementOptions,
    action: string,
  ): Promise<void> {
    const name = request.sourceNames?.[uri] ?? uri;
    // A dry run over the file with header detection returns the header names as the result schema.
    let fields: { name: string }[];
    try {
      const [, metadata] = (await this.#bq().createJob({
        configuration: {
          dryRun: true,
          query: {
            query: 'SELECT * FROM sluice_header',
            useLegacySql: false,
            tableDefinitions: {
              sluice_header: {
                sourceUris: [uri],
                sourceFormat: 'CSV',
                autodetect: true,
                ...(uri.endsWith('.gz') ? { compression: 'GZIP' } : {}),
                csvOptions: { skipLeadingRows: '1', fieldDelimiter: ',', quote: '"', encoding: 'UTF-8' },
              },
            },
          },
          ...labelsOf(this.#options, options),
        },
        ...(this.#options.location ? { location: this.#options.location } : {}),
      })) as unknown as [Job, JobMetadata];
      fields = metadata.statistics?.query?.schema?.fields ?? [];
    } catch (error) {
      throw toBigQueryError(error, `reading the CSV header of ${name} (${action})`);
    }
    const got = fields.map((f) => f.name);
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
        `CSV header of ${name} ${detail}; expected header: ${want.join(',')} (while ${action})`,
      );
    }
  }

  #queryConfig(
    sql: string,
    params: SqlParams | Readonly<Record<string, SqlValue | StructRows>> | undefined,
  ): Record<string, unknown> {
    const parameters = toQueryParameters(params);
    return {
      query: sql,
      useLegacySql: false,
      ...(parameters.length ? { parameterMode: 'NAMED', queryParameters: parameters } : {}),
    };
  }

  async #runQuery(
    kind: JobKind,
    sql: string,
    params: SqlParams | Readonly<Record<string, SqlValue | StructRows>> | undefined,
    options: StatementOptions,
    action: string,
    tableDefinitions?: Record<string, unknown>,
  ): Promise<{ job: Job; metadata: JobMetadata }> {
    const query = { ...this.#queryConfig(sql, params), ...(tableDefinitions ? { tableDefinitions } : {}) };
    return this.#runJob(
      kind,
      { query },
      [sql, stableJson(params), stableJson(tableDefinitions)],
      options,
      action,
    );
  }

  /** Insert a job with a deterministic id (re-attaching on 409 Already Exists) and wait until it is done. */
  async #runJob(
    kind: JobKind,
    configuration: Record<string, unknown>,
    identityParts: readonly unknown[],
    options: StatementOptions,
    action: string,
  ): Promise<{ job: Job; metadata: JobMetadata }> {
    const jobId = jobIdFor(kind, identityParts, options.identity?.jobIdPrefix);
    const location = this.#options.location;
    const where = `${action} (job ${jobId})`;
    options.signal?.throwIfAborted();
    let job: Job;
    try {
      [job] = (await this.#bq().createJob({
        configuration: { ...configuration, ...labelsOf(this.#options, options) },
        jobId,
        ...(location ? { location } : {}),
      })) as unknown as [Job];
    } catch (error) {
      if (!isAlreadyExists(error)) throw toBigQueryError(error, where);
      // The same statement already ran (or runs) under this id in this try: attach to it, never run twice.
      job = this.#bq().job(jobId, location ? { location } : {});
    }
    const metadata = await this.#waitFor(job, options.signal, where);
    return { job, metadata };
  }

  async #waitFor(job: Job, signal: AbortSignal | undefined, where: string): Promise<JobMetadata> {
    let delay = 100;
    for (;;) {
      let metadata: JobMetadata;
      try {
        [metadata] = (await job.getMetadata()) as unknown as [JobMetadata];
      } catch (error) {
        throw toBigQueryError(error, where);
      }
      if (metadata.status?.state === 'DONE') {
        if (metadata.status.errorResult) throw toBigQueryError(metadata.status.errorResult, where);
        return metadata;
      }
      if (signal?.aborted) {
        await job.cancel().catch(() => undefined);
        throw new WarehouseError('E_WAREHOUSE_CANCELLED', `cancelled while ${where}`);
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 2000);
    }
  }

  #bq(): BigQuery {
    this.#client ??= new BigQuery({
      projectId: this.#options.project,
      ...(this.#options.location ? { location: this.#options.location } : {}),
      ...(this.#options.apiEndpoint ? { apiEndpoint: this.#options.apiEndpoint } : {}),
      ...(this.#options.authClient ? { authClient: this.#options.authClient as never } : {}),
    });
    return this.#client;
  }
}

/**
 * `<prefix>_<kind>_<hash of the statement and parameters>`: the same work in the same try gets the same id.
 * Without an identity (ad-hoc CLI use) the id is random and nothing re-attaches.
 */
export function jobIdFor(kind: string, parts: readonly unknown[], prefix: string | undefined): string {
  if (!prefix) return `sluice_${kind}_${randomUUID().replace(/-/g, '')}`;
  const safe = prefix.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 900);
  return `${safe}_${kind}_${hash([kind, ...parts]).slice(0, 24)}`;
}

function hash(parts: readonly unknown[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(typeof p === 'string' ? p : stableJson(p)).update('\u0000');
  return h.digest('hex');
}

function stableJson(value: unknown): string {
  return JSON.stringify(value ?? null, (_k, v) => {
    if (typeof v === 'bigint') return `${v}n`;
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date))
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)));
    return v;
  });
}

function labelsOf(
  options: BigQueryWarehouseOptions,
  statement: StatementOptions,
): { labels?: Record<string, string> } {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries({ app: 'sluice', ...options.labels, ...statement.identity?.labels })) {
    const key = labelText(k);
    if (key) labels[key] = labelText(v);
  }
  return Object.keys(labels).length ? { labels } : {};
}

/** Label keys and values: lowercase letters, digits, `_` and `-`, at most 63 characters. */
function labelText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '_')
    .slice(0, 63);
}

function statsOf(metadata: JobMetadata): StatementResult {
  const q = metadata.statistics?.query;
  const bytes = metadata.statistics?.totalBytesProcessed ?? q?.totalBytesProcessed;
  return {
    ...(q?.numDmlAffectedRows !== undefined ? { rowsAffected: Number(q.numDmlAffectedRows) } : {}),
    ...(bytes !== undefined ? { bytesProcessed: Number(bytes) } : {}),
    ...(metadata.jobReference?.jobId ? { jobIds: [metadata.jobReference.jobId] } : {}),
  };
}

/** Temporary external CSV tables over the URIs, one per compression (BigQuery needs it declared). */
function externalCsv(
  uris: readonly string[],
  fields: readonly { name: string; type: string; mode: string }[],
  csvOptions: Record<string, unknown>,
): Record<string, unknown> {
  const groups = {
    sluice_plain: uris.filter((u) => !u.endsWith('.gz')),
    sluice_gzip: uris.filter((u) => u.endsWith('.gz')),
  };
  const out: Record<string, unknown> = {};
  for (const [name, group] of Object.entries(groups)) {
    if (group.length === 0) continue;
    out[name] = {
      sourceUris: group,
      sourceFormat: 'CSV',
      compression: name === 'sluice_gzip' ? 'GZIP' : 'NONE',
      schema: { fields },
      maxBadRecords: 0,
      csvOptions,
    };
  }
  return out;
}

function paramTypeOf(values: readonly (SqlValue | undefined)[]): string {
  const v = values.find((x) => x !== undefined && x !== null);
  if (v instanceof Date) return 'TIMESTAMP';
  if (typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v))) return 'INT64';
  if (typeof v === 'number') return 'FLOAT64';
  if (typeof v === 'boolean') return 'BOOL';
  return 'STRING';
}

function standardType(c: ColumnDefinition): string {
  return {
    string: 'STRING',
    int64: 'INT64',
    float64: 'FLOAT64',
    decimal: 'NUMERIC',
    bool: 'BOOL',
    date: 'DATE',
    timestamp: 'TIMESTAMP',
    json: 'JSON',
  }[c.type];
}

function prefixed(prefix: string, values: SqlParams | undefined): Record<string, SqlValue> {
  return Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [`${prefix}${k}`, v]));
}

function gcsUri(uri: string, what: string): void {
  if (!uri.startsWith('gs://'))
    throw new WarehouseError(
      'E_WAREHOUSE_UNSUPPORTED',
      `BigQuery ${what} reads gs:// objects only, got ${uri}; use SLUICE_STORAGE=gcs with the BigQuery warehouse`,
    );
}

function describe(uris: readonly string[], names: Readonly<Record<string, string>> | undefined): string {
  const shown = uris.slice(0, 3).map((u) => names?.[u] ?? u);
  return uris.length > 3 ? `${shown.join(', ')} and ${uris.length - 3} more` : shown.join(', ');
}
