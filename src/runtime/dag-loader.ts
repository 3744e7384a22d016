/**
 * Loads `dags/*.ts` (file name = DAG id), validates each with `compileDag` against the job names found in
 * `jobs/` (names only: job code is never imported here), and keeps going past bad files: each bad file gives
 * its problems, naming the file; the good ones load.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { compileDag } from '../core/dag/compile-dag.ts';
import type { DagSpec } from '../core/dag/dag-spec.ts';
import { type DagProblem, formatDagProblem } from '../core/errors/dag-validation-error.ts';
import { isDagDefinition } from '../sdk/define-dag.ts';

/** The DAGs a process knows: what the scheduler and the task runner look specs up in. */
export interface DagSource {
  list(): readonly DagSpec[];
  get(dagId: string): DagSpec | undefined;
}

export interface LoadedDags extends DagSource {
  /** Every problem of every bad file (file + field + message). */
  readonly problems: readonly DagProblem[];
  /** One line per bad file, naming it. */
  readonly errors: readonly string[];
}

/** Names of the jobs (`jobs/<name>.ts`) in a project, without importing them. */
export function listJobNames(projectDir: string): Set<string> {
  return new Set(listTsFiles(join(projectDir, 'jobs')));
}

function listTsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.startsWith('_') && !f.includes('.test.'))
    .filter((f) => statSync(join(dir, f)).isFile())
    .map((f) => f.slice(0, -3))
    .sort();
}

/**
 * Import and validate every DAG file of the project.
 *
 * @example const dags = await loadDags(projectDir); for (const e of dags.errors) console.error(e)
 */
export async function loadDags(projectDir: string, options: { fresh?: boolean } = {}): Promise<LoadedDags> {
  const dagsDir = join(projectDir, 'dags');
  const knownJobs = listJobNames(projectDir);
  const specs = new Map<string, DagSpec>();
  const problems: DagProblem[] = [];
  const errors: string[] = [];
  for (const id of listTsFiles(dagsDir)) {
    const file = `dags/${id}.ts`;
    const path = join(dagsDir, `${id}.ts`);
    let definition: unknown;
    try {
      const url = pathToFileURL(path).href + (options.fresh ? `?mtime=${statSync(path).mtimeMs}` : '');
      const mod = (await import(url)) as { default?: unknown };
      definition = mod.default;
    } catch (error) {
      const p = { file, field: '', message: `cannot be loaded: ${firstLine(error)}` };
      problems.push(p);
      errors.push(formatDagProblem(p));
      continue;
    }
    if (!isDagDefinition(definition)) {
      const p = { file, field: '', message: 'the default export must be defineDag({...}) from src/sdk' };
      problems.push(p);
      errors.push(formatDagProblem(p));
      continue;
    }
    const result = compileDag({ id, file, definition, knownJobs });
    if (result.ok) specs.set(id, result.spec);
    else {
      problems.push(...result.problems);
      errors.push(
        `${file}: invalid DAG (${result.problems.length} problem${result.problems.length > 1 ? 's' : ''}): ` +
          result.problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; '),
      );
    }
  }
  return dagSource([...specs.values()], problems, errors);
}

/** A DAG source over given specs (tests, tools). */
export function dagSource(
  specs: readonly DagSpec[],
  problems: readonly DagProblem[] = [],
  errors: readonly string[] = [],
): LoadedDags {
  const byId = new Map(specs.map((s) => [s.id, s]));
  return {
    problems,
    errors,
    list: () => [...byId.values()],
    get: (id) => byId.get(id),
  };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
