/**
 * The authoring API: everything `dags/`, `jobs/` and `tables/` files import.
 *
 * @example import { defineDag, defineJob, skip, reschedule, NonRetryableError } from '../src/sdk/index.ts'
 */
export type {
  DagDefinition,
  JsonValue,
  SensorOptions,
  TaskDefinition,
  TaskOptions,
  TriggerRule,
} from '../core/dag/dag-definition.ts';
export type { Duration } from '../core/duration.ts';
export { NonRetryableError } from '../core/errors/non-retryable-error.ts';
export type { RunType } from '../core/run-state.ts';
export { defineDag, isDagDefinition } from './define-dag.ts';
export { defineJob, isJob, type Job, type JobDefinition, type JobReturn } from './define-job.ts';
export { type ColumnSpec, defineTable, type TableSpec } from './define-table.ts';
export type { JobContext } from './job-context.ts';
export {
  isJobOutcome,
  type JobOutcome,
  type RescheduleOutcome,
  reschedule,
  type SkipOutcome,
  skip,
} from './job-outcome.ts';
