/**
 * The file ledger over HTTP: `GET /api/files` lists entries, `POST /api/files/skip` takes a poisoned file out
 * of its batch (moved to `rejected/`). `sluice files` uses these while a server holds the embedded stores.
 */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SluiceError } from '../../core/errors/sluice-error.ts';
import type { FileState, LedgerEntry } from '../../ports/file-ledger.ts';
import { skipFile } from '../../runtime/skip-file.ts';
import type { DashboardContext } from '../dashboard/dashboard-context.ts';
import { errorSchema, idSchema, limitSchema } from './api-schemas.ts';

const FILE_STATES = [
  'landed',
  'claimed',
  'loaded',
  'archived',
  'rejected',
  'ignored',
] as const satisfies readonly FileState[];

/** An object name as the sensor records it: no NUL or backslash, no `..` segment, no leading `/`. */
const objectNameSchema = z
  .string()
  .min(1)
  .max(1024)
  .refine(
    (s) => !/[\0\\]/.test(s) && !s.startsWith('/') && !s.split('/').includes('..'),
    'not a valid object name',
  );

const entrySchema = z.object({
  object: z.string(),
  generation: z.string(),
  entity: z.string(),
  size: z.number(),
  landedAt: z.string(),
  state: z.enum(FILE_STATES),
  batchId: z.string().nullable(),
  runId: z.string().nullable(),
  movedTo: z.string().nullable(),
  linesRead: z.number().nullable(),
  linesKept: z.number().nullable(),
  linesQuarantined: z.number().nullable(),
  linesDuplicate: z.number().nullable(),
  reason: z.string().nullable(),
  updatedAt: z.string(),
});

const errors = { 400: errorSchema, 404: errorSchema, 503: errorSchema };

/** Registers the ledger routes (under the /api prefix). */
export const filesRoutes: FastifyPluginAsyncZod<{ ctx: DashboardContext }> = async (app, { ctx }) => {
  app.get(
    '/files',
    {
      schema: {
        tags: ['files'],
        summary: 'File ledger entries in landing order: every landed object and what happened to it',
        querystring: z.object({
          state: z.enum(FILE_STATES).optional(),
          entity: idSchema.optional(),
          limit: limitSchema(1000, 10_000),
        }),
        response: { 200: z.object({ files: z.array(entrySchema) }), ...errors },
      },
    },
    async (req) => {
      const entries = await ctx.store.ledger.list({
        ...(req.query.state ? { state: req.query.state } : {}),
        ...(req.query.entity ? { entity: req.query.entity } : {}),
        limit: req.query.limit,
      });
      return { files: entries.map(toJson) };
    },
  );

  app.post(
    '/files/skip',
    {
      schema: {
        tags: ['files'],
        summary:
          'Take a poisoned file out of the batch holding it: mark it rejected and move it to rejected/',
        body: z.object({ object: objectNameSchema, reason: z.string().trim().min(1).max(1000) }).strict(),
        response: { 200: z.object({ file: entrySchema }), ...errors },
      },
    },
    async (req) => {
      const open = ctx.deps.openObjectStore;
      if (!open)
        throw new SluiceError('E_NOT_IMPLEMENTED', 'this server has no object store to move files with');
      const objects = await open();
      try {
        return {
          file: toJson(
            await skipFile({ ledger: ctx.store.ledger, objects }, req.body.object, req.body.reason),
          ),
        };
      } finally {
        await objects.close();
      }
    },
  );
};

function toJson(e: LedgerEntry) {
  return { ...e, landedAt: e.landedAt.toISOString(), updatedAt: e.updatedAt.toISOString() };
}
