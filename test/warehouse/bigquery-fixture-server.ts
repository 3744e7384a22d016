/**
 * A local HTTP server speaking the BigQuery v2 REST protocol to the official client: it records every request
 * (method, path, query, body, authorization) for the tests to assert, and answers with the recorded response
 * bodies of test/fixtures/bigquery/ (ids filled in). It keeps just enough state to behave like the service:
 * datasets, tables and jobs that exist (a second jobs.insert with the same id gets 409 Already Exists).
 * Query results are scripted per test with `onQuery` (the server does not evaluate SQL).
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const FIXTURE_PROJECT = 'my-project';
export const FIXTURE_LOCATION = 'US';
const fixtures = join(import.meta.dirname, '..', 'fixtures', 'bigquery');

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  readonly body: any;
  readonly authorization: string | undefined;
}

export interface QueryScript {
  /** Which jobs this script answers (by SQL text and full job configuration). */
  readonly match: (sql: string, configuration: any) => boolean;
  /** getQueryResults body (a fixture file name or an object); default query-results-empty.json. */
  readonly results?: string | object;
  /** Job failure to report in status.errorResult (a fixture file name or an object). */
  readonly errorResult?: string | object;
  readonly numDmlAffectedRows?: string | ((callCount: number) => string);
  readonly totalBytesProcessed?: string;
  /** Result schema of a dry run (statistics.query.schema). */
  readonly dryRunSchema?: object;
  /** jobs.get answers RUNNING this many times before DONE. */
  readonly runningPolls?: number;
}

interface JobState {
  readonly body: any;
  readonly script: QueryScript | undefined;
  polls: number;
  cancelled: boolean;
}

export function fixture(name: string, vars: Record<string, string> = {}): any {
  const text = readFileSync(join(fixtures, name), 'utf8').replace(
    /\{\{(\w+)\}\}/g,
    (_m, k: string) => vars[k] ?? `{{${k}}}`,
  );
  return JSON.parse(text);
}

export class BigQueryFixtureServer {
  readonly requests: RecordedRequest[] = [];
  readonly datasets = new Map<string, any>();
  readonly tables = new Map<string, any>();
  readonly jobs = new Map<string, JobState>();
  readonly deniedTables = new Set<string>();
  readonly #scripts: QueryScript[] = [];
  readonly #matchCounts = new Map<QueryScript, number>();
  #server: Server | undefined;
  endpoint = '';

  async start(): Promise<this> {
    this.#server = createServer((req, res) => {
      void this.#handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ error: { code: 500, message: String(error), errors: [], status: 'INTERNAL' } }),
        );
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    this.endpoint = `http://127.0.0.1:${(this.#server!.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server?.close(() => resolve()) ?? resolve());
  }

  /** Script the answer to the jobs whose SQL matches (later scripts win). */
  onQuery(script: QueryScript): void {
    this.#scripts.unshift(script);
  }

  /** Job insertions (POST .../jobs) recorded so far. */
  jobInserts(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && /\/jobs$/.test(r.path));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = raw ? JSON.parse(raw) : undefined;
    const path = url.pathname.replace(/^\/bigquery\/v2/, '');
    this.requests.push({
      method: req.method ?? 'GET',
      path,
      query: Object.fromEntries(url.searchParams),
      body,
      authorization: req.headers.authorization,
    });
    const send = (status: number, payload?: unknown): undefined => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(payload === undefined ? '' : JSON.stringify(payload));
    };
    const m = (re: RegExp) => re.exec(`${req.method} ${path}`);
    let g: RegExpExecArray | null;

    g = m(/^POST \/projects\/([^/]+)\/jobs$/);
    if (g) return this.#insertJob(g[1]!, body, send);
    g = m(/^GET \/projects\/([^/]+)\/jobs\/([^/]+)$/);
    if (g) return this.#getJob(g[1]!, decodeURIComponent(g[2]!), send);
    g = m(/^POST \/projects\/([^/]+)\/jobs\/([^/]+)\/cancel$/);
    if (g) {
      const job = this.jobs.get(decodeURIComponent(g[2]!));
      if (job) job.cancelled = true;
      return send(200, {
        kind: 'bigquery#jobCancelResponse',
        job: this.#jobResource(g[1]!, decodeURIComponent(g[2]!)),
      });
    }
    g = m(/^GET \/projects\/([^/]+)\/queries\/([^/]+)$/);
    if (g) return this.#queryResults(g[1]!, decodeURIComponent(g[2]!), send);

    g = m(/^GET \/projects\/([^/]+)\/datasets\/([^/]+)$/);
    if (g) {
      const ds = this.datasets.get(g[2]!);
      return ds ? send(200, ds) : send(404, notFound('Dataset', g[1]!, g[2]!));
    }
    g = m(/^POST \/projects\/([^/]+)\/datasets$/);
    if (g) {
      const id = body.datasetReference.datasetId as string;
      if (this.datasets.has(id)) return send(409, notFound('Dataset', g[1]!, id, 409));
      const ds = {
        ...fixture('dataset.json', { project: g[1]!, dataset: id, location: body.location ?? 'US' }),
        ...body,
      };
      this.datasets.set(id, ds);
      return send(200, ds);
    }
    g = m(/^(GET|PATCH|PUT|DELETE) \/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/);
    if (g) {
      const [, method, project, dataset, table] = g as unknown as [string, string, string, string, string];
      const key = `${dataset}.${table}`;
      if (this.deniedTables.has(table))
        return send(403, fixture('error-access-denied.json', { project, dataset, table }));
      const existing = this.tables.get(key);
      if (!existing) return send(404, fixture('error-not-found-table.json', { project, dataset, table }));
      if (method === 'DELETE') {
        this.tables.delete(key);
        return send(204);
      }
      if (method === 'PATCH' || method === 'PUT') Object.assign(existing, body);
      return send(200, existing);
    }
    g = m(/^POST \/projects\/([^/]+)\/datasets\/([^/]+)\/tables$/);
    if (g) {
      const [, project, dataset] = g as unknown as [string, string, string];
      const table = body.tableReference.tableId as string;
      const key = `${dataset}.${table}`;
      if (this.tables.has(key)) return send(409, notFound('Table', project, key, 409));
      const resource = {
        ...fixture('table.json', { project, dataset, table, location: FIXTURE_LOCATION }),
        ...body,
      };
      this.tables.set(key, resource);
      return send(200, resource);
    }
    return send(404, {
      error: {
        code: 404,
        message: `fixture server: no route for ${req.method} ${path}`,
        errors: [],
        status: 'NOT_FOUND',
      },
    });
  }

  #script(configuration: any): QueryScript | undefined {
    const sql = configuration?.query?.query ?? '';
    return this.#scripts.find((s) => s.match(sql, configuration));
  }

  #insertJob(project: string, body: any, send: (s: number, p?: unknown) => undefined): undefined {
    const location = body.jobReference?.location ?? FIXTURE_LOCATION;
    if (body.configuration?.dryRun) {
      const script = this.#script(body.configuration);
      const r = fixture('job-dry-run.json', { project, location });
      r.configuration = body.configuration;
      if (script?.totalBytesProcessed) {
        r.statistics.totalBytesProcessed = script.totalBytesProcessed;
        r.statistics.query.totalBytesProcessed = script.totalBytesProcessed;
      }
      if (script?.dryRunSchema) r.statistics.query.schema = script.dryRunSchema;
      if (script?.errorResult)
        return send(400, {
          error: {
            code: 400,
            message: errorOf(script.errorResult).message,
            errors: [errorOf(script.errorResult)],
            status: 'INVALID_ARGUMENT',
          },
        });
      return send(200, r);
    }
    const jobId = body.jobReference.jobId as string;
    if (this.jobs.has(jobId))
      return send(409, fixture('error-duplicate-job.json', { project, location, jobId }));
    const script = this.#script(body.configuration);
    if (script) this.#matchCounts.set(script, (this.#matchCounts.get(script) ?? 0) + 1);
    this.jobs.set(jobId, {
      body: { ...body, matchCount: script ? this.#matchCounts.get(script) : 0 },
      script,
      polls: 0,
      cancelled: false,
    });
    this.#applyEffects(body.configuration);
    const resource = this.#jobResource(project, jobId);
    resource.status = { state: script?.runningPolls ? 'RUNNING' : 'DONE' };
    if (resource.status.state === 'DONE') this.#finish(resource, this.jobs.get(jobId)!);
    send(200, resource);
  }

  /** Side effects a real job would have that later requests can observe: a query into a destination table. */
  #applyEffects(configuration: any): void {
    const dest = configuration?.query?.destinationTable;
    if (dest) {
      const key = `${dest.datasetId}.${dest.tableId}`;
      const resource = fixture('table.json', {
        project: dest.projectId,
        dataset: dest.datasetId,
        table: dest.tableId,
        location: FIXTURE_LOCATION,
      });
      resource.numRows = '3';
      this.tables.set(key, resource);
    }
  }

  #getJob(project: string, jobId: string, send: (s: number, p?: unknown) => undefined): undefined {
    const state = this.jobs.get(jobId);
    if (!state) return send(404, notFound('Job', project, jobId));
    state.polls++;
    const resource = this.#jobResource(project, jobId);
    const running =
      state.script?.runningPolls !== undefined &&
      state.polls <= state.script.runningPolls &&
      !state.cancelled;
    if (running) resource.status = { state: 'RUNNING' };
    else if (state.cancelled)
      resource.status = {
        state: 'DONE',
        errorResult: {
          reason: 'stopped',
          message: 'Job execution was cancelled: User requested cancellation',
        },
      };
    else this.#finish(resource, state);
    send(200, resource);
  }

  #finish(resource: any, state: JobState): void {
    const script = state.script;
    resource.status = { state: 'DONE' };
    if (script?.errorResult) {
      const e = errorOf(script.errorResult);
      resource.status = { state: 'DONE', errorResult: e, errors: [e] };
      return;
    }
    const count = state.body.matchCount as number;
    const dml =
      typeof script?.numDmlAffectedRows === 'function'
        ? script.numDmlAffectedRows(count)
        : script?.numDmlAffectedRows;
    if (dml !== undefined) {
      resource.statistics.query.numDmlAffectedRows = dml;
      resource.statistics.query.statementType = 'INSERT';
    }
    if (script?.totalBytesProcessed) {
      resource.statistics.totalBytesProcessed = script.totalBytesProcessed;
      resource.statistics.query.totalBytesProcessed = script.totalBytesProcessed;
    }
  }

  #jobResource(project: string, jobId: string): any {
    const state = this.jobs.get(jobId);
    const location = state?.body.jobReference?.location ?? FIXTURE_LOCATION;
    const r = fixture('job.json', { project, location, jobId });
    r.configuration = {
      ...state?.body.configuration,
      jobType: Object.keys(state?.body.configuration ?? { query: 1 })
        .find((k) => ['query', 'load', 'extract', 'copy'].includes(k))
        ?.toUpperCase(),
    };
    return r;
  }

  #queryResults(project: string, jobId: string, send: (s: number, p?: unknown) => undefined): undefined {
    const state = this.jobs.get(jobId);
    if (!state) return send(404, notFound('Job', project, jobId));
    const location = state.body.jobReference?.location ?? FIXTURE_LOCATION;
    const results = state.script?.results ?? 'query-results-empty.json';
    const body =
      typeof results === 'string'
        ? fixture(results, { project, location, jobId })
        : { ...results, jobReference: { projectId: project, jobId, location } };
    send(200, body);
  }
}

function errorOf(spec: string | object): any {
  return typeof spec === 'string' ? fixture(spec) : spec;
}

function notFound(kind: string, project: string, id: string, code = 404): object {
  const message =
    code === 409 ? `Already Exists: ${kind} ${project}:${id}` : `Not found: ${kind} ${project}:${id}`;
  return {
    error: {
      code,
      message,
      errors: [{ message, domain: 'global', reason: code === 409 ? 'duplicate' : 'notFound' }],
      status: code === 409 ? 'ALREADY_EXISTS' : 'NOT_FOUND',
    },
  };
}
