/**
 * What a backfill does with intervals that already have a run: `missing` only runs intervals without one,
 * `failed` also clears and re-runs intervals whose run failed, `all` clears and re-runs every interval.
 */
import { UsageError } from '../errors/usage-error.ts';

export const REPROCESS_MODES = ['missing', 'failed', 'all'] as const;
export type ReprocessMode = (typeof REPROCESS_MODES)[number];

/**
 * The reprocess mode named by `text`, or a UsageError that lists the modes.
 *
 * @example parseReprocessMode('failed') // 'failed'
 */
export function parseReprocessMode(text: string): ReprocessMode {
  if ((REPROCESS_MODES as readonly string[]).includes(text)) return text as ReprocessMode;
  throw new UsageError(`--reprocess ${JSON.stringify(text)} is not a mode: use missing, failed or all`);
}
