/**
 * Fastify server options the app hosting the dashboard should be created with: URL errors that happen before
 * routing (a broken percent-encoding, an over-long path segment) answered in the API's JSON error shape, and
 * path segments long enough for every run id.
 *
 * @example const app = Fastify({ logger: false, ...dashboardServerOptions })
 */
import type { FastifyServerOptions } from 'fastify';
import { apiErrorHandler } from '../api/http-errors.ts';

export const dashboardServerOptions = {
  // A run id is `<dag id>__<YYYYMMDDTHHmmZ>`: DAG ids up to 100 characters need 116.
  routerOptions: { maxParamLength: 200 },
  frameworkErrors: (error, request, reply) => {
    apiErrorHandler(error, request, reply);
  },
} as const satisfies Pick<FastifyServerOptions, 'routerOptions' | 'frameworkErrors'>;
