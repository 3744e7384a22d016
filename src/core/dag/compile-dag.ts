/**
 * Validates a DAG definition and compiles it into a `DagSpec`, reporting every problem found (file and
 * field), not just the first. Pure: the caller passes the file name and the set of known job names.
 */
import { z } from 'zod';
import { type Duration, parseDuration } from '../duration.ts';
import type { DagProblem } from '../errors/dag-validation-error.ts';
import { cronProblem } from '../schedule.ts';
import { TRIGGER_RULES } from '../trigger-rule.ts';
import type { DagDefinition, TaskOptions } from './dag-definition.ts';
import type { DagSpec, SensorSpec, TaskSpec } from './dag-spec.ts';

/** Snake case without `__` (which separates the parts of run and dispatch ids). */
export const ID_PATTERN = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

const DEFAULTS = {
  retries: 0,
  retryDelay: '1m',
  retryExponentialBackoff: false,
  maxRetryDelay: '1h',
  timeout: '1h',
  pool: 'default',
  pokeInterval: '1m',
  sensorTimeout: '1h',
} as const;

const duration = z.union([z.number(), z.string()]);
const taskOptions = {
  retries: z.number().int().min(0).max(100).optional(),
  retryDelay: duration.optional(),
  retryExponentialBackoff: z.boolean().optional(),
  maxRetryDelay: duration.optional(),
  timeout: duration.optional(),
  pool: z.string().min(1).optional(),
};
const schema = z.strictObject({
  description: z.string().optional(),
  schedule: z.string().nullable(),
  startDate: z.union([z.string(), z.date()]),
  endDate: z.union([z.string(), z.date()]).nullable().optional(),
  catchup: z.boolean().optional(),
  maxActiveRuns: z.number().int().min(1).optional(),
  tags: z.array(z.string()).optional(),
  defaults: z.strictObject(taskOptions).optional(),
  tasks: z.record(
    z.string(),
    z.strictObject({
      ...taskOptions,
      job: z.string(),
      description: z.string().optional(),
      upstream: z.array(z.string()).optional(),
      triggerRule: z.enum(TRIGGER_RULES as [string, ...string[]]).optional(),
      params: z.record(z.string(), z.json()).optional(),
      sensor: z
        .strictObject({
          pokeInterval: duration.optional(),
          timeout: duration.optional(),
          softFail: z.boolean().optional(),
        })
        .optional(),
    }),
  ),
});

export interface CompileDagInput {
  /** The DAG id (the file name without `.ts`). */
  readonly id: string;
  /** File for messages, relative to the project, e.g. `dags/orders.ts`. */
  readonly file: string;
  /** The module's default export. */
  readonly definition: unknown;
  /** Names of the jobs that exist (`jobs/<name>.ts`); when given, unknown jobs are problems. */
  readonly knownJobs?: ReadonlySet<string>;
}

export type CompileDagResult =
  | { readonly ok: true; readonly spec: DagSpec; readonly problems: readonly [] }
  | { readonly ok: false; readonly problems: readonly DagProblem[] };

/**
 * Validate and compile one DAG definition.
 *
 * @example const r = compileDag({ id: 'orders', file: 'dags/orders.ts', definition, knownJobs }); if (!r.ok) console.log(r.problems)
 */
export function compileDag(input: CompileDagInput): CompileDagResult {
  const { id, file } = input;
  const problems: DagProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ file, field, message });

  if (!ID_PATTERN.test(id))
    problem(
      '',
      `file name "${id}" is not a valid DAG id: use snake_case letters and digits (e.g. orders_daily)`,
    );

  const parsed = schema.safeParse(input.definition);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problem(issue.path.join('.'), issue.message);
    return { ok: false, problems };
  }
  const def = parsed.data as DagDefinition;

  if (def.schedule !== null) {
    const bad = cronProblem(def.schedule);
    if (bad)
      problem('schedule', `invalid cron "${def.schedule}": ${bad} (use 5 fields, UTC, e.g. "*/15 * * * *")`);
  }
  const startDate = toDate(def.startDate);
  if (!startDate) problem('startDate', `invalid date ${JSON.stringify(def.startDate)} (use ISO 8601 with Z)`);
  const endDate = def.endDate == null ? null : toDate(def.endDate);
  if (def.endDate != null && !endDate) problem('endDate', `invalid date ${JSON.stringify(def.endDate)}`);
  if (startDate && endDate && endDate <= startDate) problem('endDate', 'must be after startDate');

  const ms = (field: string, value: Duration | undefined, fallback: Duration): number => {
    try {
      return parseDuration(value ?? fallback);
    } catch (error) {
      problem(field, (error as Error).message);
      return 0;
    }
  };
  const defaults: TaskOptions = def.defaults ?? {};
  const taskIds = Object.keys(def.tasks);
  if (taskIds.length === 0) problem('tasks', 'a DAG needs at least one task');

  const base = {
    retryDelayMs: ms('defaults.retryDelay', defaults.retryDelay, DEFAULTS.retryDelay),
    maxRetryDelayMs: ms('defaults.maxRetryDelay', defaults.maxRetryDelay, DEFAULTS.maxRetryDelay),
    timeoutMs: ms('defaults.timeout', defaults.timeout, DEFAULTS.timeout),
  };
  const own = (field: string, value: Duration | undefined, fallback: number) =>
    value === undefined ? fallback : ms(field, value, 0);

  const tasks: Omit<TaskSpec, 'downstream' | 'order'>[] = [];
  for (const taskId of taskIds) {
    const t = def.tasks[taskId]!;
    const at = `tasks.${taskId}`;
    if (!ID_PATTERN.test(taskId))
      problem(at, `"${taskId}" is not a valid task id: use snake_case (e.g. load_orders)`);
    if (!ID_PATTERN.test(t.job))
      problem(`${at}.job`, `"${t.job}" is not a valid job name (jobs/<name>.ts, snake_case)`);
    else if (input.knownJobs && !input.knownJobs.has(t.job))
      problem(`${at}.job`, `unknown job "${t.job}": no file jobs/${t.job}.ts`);
    const upstream = t.upstream ?? [];
    const seen = new Set<string>();
    for (const up of upstream) {
      if (up === taskId) problem(`${at}.upstream`, `task "${taskId}" lists itself as upstream`);
      else if (!(up in def.tasks)) problem(`${at}.upstream`, `unknown task "${up}"`);
      else if (seen.has(up)) problem(`${at}.upstream`, `"${up}" is listed twice`);
      else seen.add(up);
    }
    let sensor: SensorSpec | null = null;
    if (t.sensor) {
      sensor = {
        pokeIntervalMs: ms(`${at}.sensor.pokeInterval`, t.sensor.pokeInterval, DEFAULTS.pokeInterval),
        timeoutMs: ms(`${at}.sensor.timeout`, t.sensor.timeout, DEFAULTS.sensorTimeout),
        softFail: t.sensor.softFail ?? false,
      };
    }
    tasks.push({
      id: taskId,
      job: t.job,
      description: t.description ?? '',
      upstream: [...seen],
      triggerRule: t.triggerRule ?? 'all_success',
      retries: t.retries ?? defaults.retries ?? DEFAULTS.retries,
      retryDelayMs: own(`${at}.retryDelay`, t.retryDelay, base.retryDelayMs),
      retryExponentialBackoff:
        t.retryExponentialBackoff ?? defaults.retryExponentialBackoff ?? DEFAULTS.retryExponentialBackoff,
      maxRetryDelayMs: own(`${at}.maxRetryDelay`, t.maxRetryDelay, base.maxRetryDelayMs),
      timeoutMs: own(`${at}.timeout`, t.timeout, base.timeoutMs),
      pool: t.pool ?? defaults.pool ?? DEFAULTS.pool,
      params: t.params ?? {},
      sensor,
    });
  }
  const order = topologicalOrder(tasks);
  if (!order.ok) problem('tasks', `cycle: ${order.cycle.join(' -> ')}`);
  if (problems.length > 0 || !order.ok || !startDate) return { ok: false, problems: dedupe(problems) };

  const downstream = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const t of tasks) for (const up of t.upstream) downstream.get(up)?.push(t.id);
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const spec: DagSpec = {
    id,
    file,
    description: def.description ?? '',
    schedule: def.schedule,
    startDate,
    endDate,
    catchup: def.catchup ?? false,
    maxActiveRuns: def.maxActiveRuns ?? 1,
    tags: def.tags ?? [],
    tasks: order.ids.map((taskId, index) => ({
      ...byId.get(taskId)!,
      downstream: downstream.get(taskId)!,
      order: index,
    })),
  };
  return { ok: true, spec, problems: [] };
}

function toDate(value: string | Date): Date | null {
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function dedupe(problems: DagProblem[]): DagProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Kahn's algorithm, stable in declaration order; on a cycle, one cycle's path. */
function topologicalOrder(
  tasks: readonly { id: string; upstream: readonly string[] }[],
): { ok: true; ids: string[] } | { ok: false; cycle: string[] } {
  const ids = new Set(tasks.map((t) => t.id));
  const indegree = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const t of tasks) {
    indegree.set(t.id, t.upstream.filter((u) => ids.has(u)).length);
    for (const u of t.upstream) if (ids.has(u)) children.set(u, [...(children.get(u) ?? []), t.id]);
  }
  const ready = tasks.filter((t) => indegree.get(t.id) === 0).map((t) => t.id);
  const out: string[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    out.push(id);
    for (const c of children.get(id) ?? []) {
      const n = indegree.get(c)! - 1;
      indegree.set(c, n);
      if (n === 0) ready.push(c);
    }
  }
  if (out.length === tasks.length) return { ok: true, ids: out };
  // Walk upstream edges among the remaining tasks until a task repeats: that loop is a cycle.
  const remaining = new Map(tasks.filter((t) => !out.includes(t.id)).map((t) => [t.id, t]));
  let current = remaining.keys().next().value as string;
  const path: string[] = [];
  while (!path.includes(current)) {
    path.push(current);
    current = remaining.get(current)!.upstream.find((u) => remaining.has(u))!;
  }
  const cycle = path.slice(path.indexOf(current));
  cycle.reverse();
  return { ok: false, cycle: [...cycle, cycle[0]!] };
}
