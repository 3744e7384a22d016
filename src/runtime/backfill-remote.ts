/**
 * The backfill operations over a running server's HTTP API (`/api/backfills`), for the CLI while a
 * `sluice standalone` or `sluice web` owns the embedded stores. Errors come back as SluiceErrors with the
 * server's code, so messages and exit codes match the local path.
 */
import { SluiceError } from '../core/errors/sluice-error.ts';
import type {
  BackfillDetail,
  BackfillOperations,
  BackfillPlan,
  BackfillRequest,
  BackfillView,
  CreatedBackfill,
} from './backfill-service.ts';

export class BackfillRemote implements BackfillOperations {
  readonly #base: string;
  readonly #token: string | undefined;

  /** @example new BackfillRemote(server.url, config.web.token) */
  constructor(baseUrl: string, token?: string) {
    this.#base = baseUrl.replace(/\/$/, '');
    this.#token = token;
  }

  async #call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.#base}/api${path}`, {
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
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const err = (json as { error?: { code?: string; message?: string } } | undefined)?.error;
      // A body the server's schema rejected is bad input too (exit code 2, like the local path).
      const code = err?.code === 'E_VALIDATION' ? 'E_USAGE' : (err?.code ?? 'E_SERVER');
      throw new SluiceError(
        code,
        err?.message ?? `the server answered ${res.status} to ${method} /api${path}`,
      );
    }
    return json as T;
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
