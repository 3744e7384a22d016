/**
 * The CLI's client of the web API: the same `Operations` as the local implementation, over HTTP. Errors
 * come back as SluiceErrors with the server's code, so exit codes match the local path.
 */
import { SluiceError } from '../core/errors/sluice-error.ts';
import type {
  DagList,
  DagView,
  Operations,
  RunDetail,
  RunListFilter,
  RunView,
  TaskLogs,
} from '../runtime/operations.ts';

export class ApiClient implements Operations {
  readonly #base: string;
  readonly #token: string | undefined;

  constructor(baseUrl: string, token?: string) {
    this.#base = baseUrl.replace(/\/$/, '');
    this.#token = token;
  }

  async #call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.#base}/api/cli${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      throw new SluiceError(
        'E_SERVER_UNREACHABLE',
        `cannot reach the Sluice server at ${this.#base}: ${(error as Error).message}`,
      );
    }
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      throw new SluiceError(err?.code ?? 'E_SERVER', err?.message ?? `server answered ${res.status}`);
    }
    return json as T;
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
