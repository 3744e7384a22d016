/**
 * One error shape for every API answer, `{ "error": { "code", "message" } }`, with the HTTP status taken from
 * the stable Sluice error code. Unexpected errors become a 500 that names the request id and nothing else: no
 * stack, no SQL, no path ever reaches the client.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

export interface HttpErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

const STATUS_BY_CODE: Readonly<Record<string, number>> = {
  E_VALIDATION: 400,
  E_USAGE: 400,
  E_BAD_OBJECT_NAME: 400,
  E_UNAUTHORIZED: 401,
  E_FORBIDDEN: 403,
  E_NOT_FOUND: 404,
  E_CONFLICT: 409,
  E_PRECONDITION_FAILED: 412,
  E_NOT_IMPLEMENTED: 501,
  // The warehouse is busy (DuckDB admits one process) or not created yet: the server's state, not the input.
  E_WAREHOUSE_LOCKED: 503,
  E_WAREHOUSE_NOT_FOUND: 503,
  E_WAREHOUSE_UNSUPPORTED: 501,
  E_METADATA_UNREACHABLE: 503,
};

/**
 * The status and body to answer for `error`.
 *
 * @example const { status, body } = toHttpError(new NotFoundError('no DAG "x"'), 'req-1') // status 404
 */
export function toHttpError(error: unknown, requestId: string): { status: number; body: HttpErrorBody } {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const first = error.validation[0];
    const where = [error.validationContext, first?.instancePath?.replace(/^\//, '').replaceAll('/', '.')]
      .filter(Boolean)
      .join(' ');
    return {
      status: 400,
      body: {
        error: {
          code: 'E_VALIDATION',
          message: `invalid ${where || 'request'}: ${first?.message ?? 'bad value'}`,
        },
      },
    };
  }
  const e = error as Partial<FastifyError> & { code?: unknown };
  const code = typeof e.code === 'string' ? e.code : undefined;
  if (code && STATUS_BY_CODE[code] !== undefined)
    return { status: STATUS_BY_CODE[code]!, body: { error: { code, message: oneLine(e.message) } } };
  // Fastify's own client errors (bad JSON, unsupported media type, body too large, CSRF) carry a 4xx status.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500)
    return {
      status: e.statusCode,
      body: { error: { code: code ?? `E_HTTP_${e.statusCode}`, message: oneLine(e.message) } },
    };
  return {
    status: 500,
    body: {
      error: {
        code: 'E_INTERNAL',
        message: `internal error (request ${requestId}); the server log has the details`,
      },
    },
  };
}

/**
 * Fastify error handler for the API: logs server errors with their stack, answers with the JSON shape.
 *
 * @example app.setErrorHandler(apiErrorHandler)
 */
export function apiErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const { status, body } = toHttpError(error, String(request.id));
  if (status >= 500) request.log.error({ err: error }, 'dashboard request failed');
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** A 404 body for an unknown route. */
export function routeNotFound(request: FastifyRequest): HttpErrorBody {
  const path = request.url.split('?')[0]!.slice(0, 200);
  return {
    error: { code: 'E_NOT_FOUND', message: `no route ${request.method} ${path}; see /api/openapi.json` },
  };
}

function oneLine(message: string | undefined): string {
  return (message ?? 'error').split('\n')[0]!.slice(0, 500);
}
