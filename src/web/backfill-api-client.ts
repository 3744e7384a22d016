/**
 * The backfill operations over a running server's HTTP API (`/api/backfills`), for the CLI while a
 * `sluice standalone` or `sluice web` owns the embedded stores. Errors come back as SluiceErrors with the
 * server's code, so messages and exit codes match the local path.
 */
import type {
  BackfillDetail,
  BackfillOperations,
  BackfillPlan,
  BackfillRequest,
  BackfillView,
  CreatedBackfill,
} from '../runtime/backfill-service.ts';
import { HttpJsonClient } from './http-json-client.ts';

export class BackfillApiClient implements BackfillOperations {
  readonly #http: HttpJsonClient;

  /** @example new BackfillApiClient(server.url, config.web.token) */
  constructor(baseUrl: string, token?: string) {
    this.#http = new HttpJsonClient(`${baseUrl.replace(/\/$/, '')}/api`, token);
  }

  #call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    return this.#http.call<T>(method, path, body);
  }

  plan(request: BackfillRequest): Promise<BackfillPlan> {
    return this.#call('POST', '/backfills/dry-run', request);
  }

  create(request: BackfillRequest): Promise<CreatedBackfill> {
    return this.#call('POST', '/backfills', request);
  }

  list(filter: { dagId?: string; limit?: number } = {}): Promise<BackfillView[]> {
    const q = new URLSearchParams();
    if (filter.dagId) q.set('dagId', filter.dagId);
    if (filter.limit) q.set('limit', String(filter.limit));
    const qs = q.toString();
    return this.#call('GET', `/backfills${qs ? `?${qs}` : ''}`);
  }

  status(backfillId: string, options: { intervals?: boolean } = {}): Promise<BackfillDetail> {
    return this.#call(
      'GET',
      `/backfills/${encodeURIComponent(backfillId)}${options.intervals ? '?intervals=true' : ''}`,
    );
  }

  cancel(backfillId: string): Promise<BackfillView> {
    return this.#call('POST', `/backfills/${encodeURIComponent(backfillId)}/cancel`);
  }
}
