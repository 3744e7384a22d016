/**
 * JSON over HTTP to a running Sluice server, for the CLI. Errors come back as SluiceErrors carrying the
 * server's code, so messages and exit codes match the local path; a body the server's schema rejected is
 * bad input (`E_USAGE`, exit 2) like a bad flag.
 */
import { SluiceError } from '../core/errors/sluice-error.ts';

export class HttpJsonClient {
  readonly #base: string;
  readonly #token: string | undefined;

  /** @example new HttpJsonClient(`${server.url}/api`, config.web.token) */
  constructor(baseUrl: string, token?: string) {
    this.#base = baseUrl.replace(/\/$/, '');
    this.#token = token;
  }

  /** Send one request and return the parsed JSON body. */
  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.#base}${path}`, {
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
      const code = err?.code === 'E_VALIDATION' ? 'E_USAGE' : (err?.code ?? 'E_SERVER');
      throw new SluiceError(
        code,
        err?.message ?? `the server answered ${res.status} to ${method} ${this.#base}${path}`,
      );
    }
    return json as T;
  }
}
