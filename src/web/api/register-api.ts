/**
 * The dashboard's REST API under /api: JSON in and out, zod-validated parameters, one error shape, and a JSON
 * 404 for unknown API paths.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { DashboardContext } from '../dashboard/dashboard-context.ts';
import { backfillsRoutes } from './backfills-routes.ts';
import { businessMetricsRoutes } from './business-metrics-routes.ts';
import { dagsRoutes } from './dags-routes.ts';
import { filesRoutes } from './files-routes.ts';
import { routeNotFound } from './http-errors.ts';
import { qualityRoutes } from './quality-routes.ts';
import { reportsRoutes } from './reports-routes.ts';
import { runsRoutes } from './runs-routes.ts';

/** Register every /api route; call with `{ prefix: '/api', ctx }`. */
export const registerApi: FastifyPluginAsyncZod<{ ctx: DashboardContext }> = async (app, { ctx }) => {
  app.setNotFoundHandler((req, reply) => reply.code(404).send(routeNotFound(req)));
  await app.register(dagsRoutes, { ctx });
  await app.register(runsRoutes, { ctx });
  await app.register(qualityRoutes, { ctx });
  await app.register(businessMetricsRoutes, { ctx });
  await app.register(reportsRoutes, { ctx });
  await app.register(backfillsRoutes, { ctx });
  await app.register(filesRoutes, { ctx });
};
