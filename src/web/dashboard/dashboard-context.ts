/**
 * What every dashboard route uses, resolved once from the deps: the store, the clock, the run actions (the
 * engine's where given, else the port-based defaults) and a warehouse session per request.
 */
import type { Clock } from '../../ports/clock.ts';
import type { MetadataStore } from '../../ports/metadata-store.ts';
import type { Warehouse } from '../../ports/warehouse.ts';
import { defaultRunActions } from '../api/run-actions.ts';
import { withWarehouse } from '../api/warehouse-session.ts';
import type { DashboardDeps, RunActions } from './dashboard-deps.ts';

export interface DashboardContext {
  readonly deps: DashboardDeps;
  readonly store: MetadataStore;
  readonly clock: Pick<Clock, 'now'>;
  readonly actions: RunActions;
  /** Run `work` on a warehouse session opened for it and closed after (lock errors retried, then 503). */
  warehouse<T>(work: (warehouse: Warehouse) => Promise<T>): Promise<T>;
}

const systemClock: Pick<Clock, 'now'> = { now: () => new Date() };

/**
 * Resolve the deps into the context routes use.
 *
 * @example const ctx = createDashboardContext({ store, openWarehouse, executor, config })
 */
export function createDashboardContext(deps: DashboardDeps): DashboardContext {
  const clock = deps.clock ?? systemClock;
  const defaults = defaultRunActions(deps.store, clock, deps.notify);
  return {
    deps,
    store: deps.store,
    clock,
    actions: { ...defaults, ...deps.actions },
    warehouse: (work) =>
      withWarehouse(
        {
          open: deps.openWarehouse,
          attempts: deps.warehouseRetry?.attempts ?? 2,
          delayMs: deps.warehouseRetry?.delayMs ?? 250,
        },
        work,
      ),
  };
}
