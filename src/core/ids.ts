/**
 * Deterministic identifiers: a run per (dag, interval start), a dispatch per (run, task, try).
 */

/**
 * `YYYYMMDDTHHmmZ` of an instant (UTC, minute precision).
 *
 * @example compactTimestamp(new Date('2026-01-01T10:15:00Z')) // '20260101T1015Z'
 */
export function compactTimestamp(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}Z`;
}

/**
 * Run id of a DAG run.
 *
 * @example runIdFor('orders', new Date('2026-01-01T10:15:00Z')) // 'orders__20260101T1015Z'
 */
export function runIdFor(dagId: string, intervalStart: Date): string {
  return `${dagId}__${compactTimestamp(intervalStart)}`;
}

/**
 * Dispatch id of one try (the BullMQ job id and the warehouse job-id prefix source).
 *
 * @example dispatchIdFor('orders__20260101T1015Z', 'load', 2) // 'orders__20260101T1015Z__load__try2'
 */
export function dispatchIdFor(runId: string, taskId: string, tryNumber: number): string {
  return `${runId}__${taskId}__try${tryNumber}`;
}
