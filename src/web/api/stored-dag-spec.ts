/**
 * The parts of a stored DAG spec (`DagRecord.spec`, JSON written by the scheduler's `syncDags`) that the
 * dashboard shows: schedule, dates, and the tasks in topological order with their edges.
 */
import { z } from 'zod';
import type { DagRecord } from '../../ports/metadata-store.ts';

const taskSchema = z.object({
  id: z.string(),
  job: z.string().default(''),
  description: z.string().default(''),
  upstream: z.array(z.string()).default([]),
  downstream: z.array(z.string()).default([]),
  triggerRule: z.string().default('all_success'),
  retries: z.number().default(0),
  pool: z.string().default('default'),
  order: z.number().default(0),
  sensor: z.unknown().nullable().default(null),
});

const specSchema = z.object({
  startDate: z.string().nullable().default(null),
  endDate: z.string().nullable().default(null),
  catchup: z.boolean().default(false),
  maxActiveRuns: z.number().default(1),
  tags: z.array(z.string()).default([]),
  tasks: z.array(taskSchema).default([]),
});

export type StoredTask = z.infer<typeof taskSchema>;

export interface StoredDagSpec {
  readonly startDate: Date | null;
  readonly endDate: Date | null;
  readonly catchup: boolean;
  readonly maxActiveRuns: number;
  readonly tags: readonly string[];
  /** In topological order. */
  readonly tasks: readonly StoredTask[];
}

/**
 * Read the stored spec of a DAG; a spec the dashboard cannot read yields no tasks rather than an error.
 *
 * @example storedDagSpec(await store.getDag('orders')).tasks.map((t) => t.id)
 */
export function storedDagSpec(record: DagRecord): StoredDagSpec {
  const parsed = specSchema.safeParse(record.spec);
  const s = parsed.success ? parsed.data : specSchema.parse({});
  const date = (v: string | null) => (v && !Number.isNaN(Date.parse(v)) ? new Date(v) : null);
  return {
    startDate: date(s.startDate),
    endDate: date(s.endDate),
    catchup: s.catchup,
    maxActiveRuns: s.maxActiveRuns,
    tags: s.tags,
    tasks: [...s.tasks].sort((a, b) => a.order - b.order),
  };
}

/**
 * A task and every task downstream of it (transitively), for "clear with downstream".
 *
 * @example withDownstream(spec, ['load']) // ['load', 'checks', 'publish', ...]
 */
export function withDownstream(spec: StoredDagSpec, taskIds: readonly string[]): string[] {
  const byId = new Map(spec.tasks.map((t) => [t.id, t]));
  const out = new Set<string>();
  const stack = [...taskIds];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    for (const d of byId.get(id)?.downstream ?? []) stack.push(d);
  }
  return spec.tasks.map((t) => t.id).filter((id) => out.has(id));
}
