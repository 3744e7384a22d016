/**
 * Backfill routes, in their final shape but answering 501 until the backfill records land (issue 7).
 * TODO(backfills): implement create (with dryRun), list, status and cancel on the backfill store.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { NotImplementedError } from '../../core/errors/not-implemented-error.ts';
import { dateSchema, errorSchema, idSchema } from './api-schemas.ts';

const notYet = () => {
  throw new NotImplementedError(
    'backfills are not built yet in the web API; use `sluice backfill <dag> --from DATE --to DATE` when available',
  );
};
const backfillParams = z.object({
  backfillId: z
    .string()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_-]+$/),
});

/** Registers the backfill routes (under the /api prefix); every one answers 501 for now. */
export const backfillsRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/backfills',
    {
      schema: {
        tags: ['backfills'],
        summary: 'Create a backfill (or preview it with dryRun) — not built yet: 501',
        body: z
          .object({
            dagId: idSchema,
            from: dateSchema,
            to: dateSchema.describe('exclusive'),
            reprocess: z.enum(['missing', 'failed', 'all']).default('missing'),
            maxActiveRuns: z.number().int().min(1).max(64).default(2),
            dryRun: z.boolean().default(false),
          })
          .strict(),
        response: { 400: errorSchema, 501: errorSchema },
      },
    },
    notYet,
  );
  app.get(
    '/backfills',
    {
      schema: {
        tags: ['backfills'],
        summary: 'List backfills — not built yet: 501',
        response: { 501: errorSchema },
      },
    },
    notYet,
  );
  app.get(
    '/backfills/:backfillId',
    {
      schema: {
        tags: ['backfills'],
        summary: 'One backfill with its progress — not built yet: 501',
        params: backfillParams,
        response: { 400: errorSchema, 501: errorSchema },
      },
    },
    notYet,
  );
  app.post(
    '/backfills/:backfillId/cancel',
    {
      schema: {
        tags: ['backfills'],
        summary: 'Cancel a backfill (running runs finish) — not built yet: 501',
        params: backfillParams,
        response: { 400: errorSchema, 501: errorSchema },
      },
    },
    notYet,
  );
};
