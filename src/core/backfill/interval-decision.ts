/**
 * What a backfill does with one interval, given the run it has now (if any) and the reprocess mode. Decided
 * when the interval's turn comes, not when the backfill is created, so a run that changed in between counts
 * as it is. A backfill never makes a second run for an interval whose run is queued or running: it waits.
 */
import type { RunState } from '../run-state.ts';
import type { ReprocessMode } from './reprocess-mode.ts';

export type IntervalDecision =
  | { readonly action: 'create' }
  | { readonly action: 'clear'; readonly prior: 'success' | 'failed' }
  | { readonly action: 'skip'; readonly reason: string }
  | { readonly action: 'wait'; readonly reason: string };

/**
 * Decide an interval.
 *
 * @example decideInterval('failed', { state: 'failed' }) // { action: 'clear', prior: 'failed' }
 */
export function decideInterval(
  mode: ReprocessMode,
  run: { readonly state: RunState } | undefined,
): IntervalDecision {
  if (!run) return { action: 'create' };
  switch (run.state) {
    case 'queued':
    case 'running':
      return { action: 'wait', reason: `its run is ${run.state}; the backfill takes it once that run ends` };
    case 'success':
      return mode === 'all'
        ? { action: 'clear', prior: 'success' }
        : { action: 'skip', reason: 'has a successful run (use --reprocess all to run it again)' };
    case 'failed':
      return mode === 'missing'
        ? { action: 'skip', reason: 'has a failed run (use --reprocess failed to run it again)' }
        : { action: 'clear', prior: 'failed' };
  }
}
