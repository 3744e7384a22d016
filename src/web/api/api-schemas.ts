/**
 * Zod schemas for every path and query parameter of the dashboard: ids match the patterns the engine
 * generates, numbers are bounded, dates are ISO. Nothing the user types reaches SQL or a file path without
 * passing one of these.
 */
import { z } from 'zod';
import { ID_PATTERN } from '../../core/dag/compile-dag.ts';
import { RUN_STATES, RUN_TYPES } from '../../core/run-state.ts';
import { TASK_STATES } from '../../core/task-state.ts';

/** A DAG or task id: snake_case, as `compileDag` requires. */
export const idSchema = z.string().min(1).max(100).regex(ID_PATTERN, 'must be a snake_case id');

/** `<dag_id>__<YYYYMMDDTHHmmZ>` (src/core/ids.ts). */
export const RUN_ID_PATTERN = /^[a-z][a-z0-9_]*__\d{8}T\d{4}Z$/;
export const runIdSchema = z
  .string()
  .min(1)
  .max(130)
  .regex(RUN_ID_PATTERN, 'must be a run id like orders__20260101T1015Z');

/** An ISO 8601 instant with a zone, parsed to a Date. */
export const instantSchema = z.iso
  .datetime({ offset: true })
  .transform((s) => new Date(s))
  .refine((d) => !Number.isNaN(d.getTime()), 'not a valid instant');

/** A calendar date `YYYY-MM-DD`. */
export const dateSchema = z.iso.date();

/** A page size. */
export const limitSchema = (fallback: number, max: number) =>
  z.coerce.number().int().min(1).max(max).default(fallback);

/** An offset into a warehouse result (bounded: deep pages should filter instead). */
export const offsetSchema = z.coerce.number().int().min(0).max(1_000_000).default(0);

/** A "true"/"false" query flag. */
export const flagSchema = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();

export const runStateSchema = z.enum(RUN_STATES);
export const runTypeSchema = z.enum(RUN_TYPES);
export const taskStateSchema = z.enum(TASK_STATES);

/** A check name (file name of a check under quality/<target>/). */
export const checkNameSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[a-z0-9_]+$/, 'must be a check name');

/** A quarantine reason code. */
export const reasonCodeSchema = z
  .string()
  .min(1)
  .max(60)
  .regex(/^[a-z_]+$/, 'must be a reason code');

/** A batch id (= the run id of an order batch). */
export const batchIdSchema = z
  .string()
  .min(1)
  .max(130)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'must be a batch id');

/** Cursor of the runs list: `<interval start ISO>~<dag id>` of the last row shown. */
export const runCursorSchema = z
  .string()
  .max(160)
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z~[a-z][a-z0-9_]*$/,
    'must be a cursor from a previous page',
  )
  .transform((s) => {
    const [at, dagId] = s.split('~') as [string, string];
    return { intervalStart: new Date(at), dagId };
  })
  .refine((c) => !Number.isNaN(c.intervalStart.getTime()), 'must be a cursor from a previous page');

/** The error body every failing route answers with. */
export const errorSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
});

/** Comma-separated list of enum values in a query string, e.g. `state=failed,running`. */
export function csvEnum<T extends readonly [string, ...string[]]>(values: T) {
  return z
    .string()
    .max(200)
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.enum(values)).max(values.length));
}
