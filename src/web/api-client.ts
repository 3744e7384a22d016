/**
 * The CLI's client of the web API: the same `Operations` as the local implementation, over HTTP. Errors
 * come back as SluiceErrors with the server's code, so exit codes match the local path.
 */
import type {
  DagList,
  DagView,
  Operations,
  RunDetail,
  RunListFilter,
  RunView,
  TaskLogs,
} from '../runtime/operations.ts';
import { HttpJsonClient } from './http-json-client.ts';

export class ApiClient implements Operations {
  readonly #http: HttpJsonClient;

  /** @example new ApiClient(server.url, config.web.token) */
  constructor(baseUrl: string, token?: string) {
    this.#http = new HttpJsonClient(`${baseUrl.replace(/\/$/, '')}/api/cli`, token);
  }

  #call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return this.#http.call<T>(method, path, body);
  }

  listDags(): Promise<DagList> {
    return this.#call('GET', '/dags');
  }

  triggerDag(dagId: string, options: { intervalStart?: string } = {}): Promise<RunView> {
    return this.#call('POST', `/dags/${encodeURIComponent(dagId)}/trigger`, options);
  }

  setPaused(dagId: string, paused: boolean): Promise<DagView> {
    return this.#call('POST', `/dags/${encodeURIComponent(dagId)}/${paused ? 'pause' : 'unpause'}`);
  }

  listRuns(filter: RunListFilter = {}): Promise<RunView[]> {
    const q = new URLSearchParams();
    if (filter.dagId) q.set('dag', filter.dagId);
    if (filter.state) q.set('state', filter.state);
    if (filter.limit) q.set('limit', String(filter.limit));
    const qs = q.toString();
    return this.#call('GET', `/runs${qs ? `?${qs}` : ''}`);
  }

  getRun(runId: string): Promise<RunDetail> {
    return this.#call('GET', `/runs/${encodeURIComponent(runId)}`);
  }

  taskLogs(runId: string, taskId: string, tryNumber?: number): Promise<TaskLogs> {
    const qs = tryNumber === undefined ? '' : `?try=${tryNumber}`;
    return this.#call(
      'GET',
      `/runs/${encodeURIComponent(runId)}/tasks/${encodeURIComponent(taskId)}/logs${qs}`,
    );
  }
}
