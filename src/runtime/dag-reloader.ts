/**
 * DAGs that follow edits of `dags/` while a process runs: `reload()` re-reads the folder when a file in
 * `dags/` or `jobs/` changed (names, sizes, modification times), validates every DAG again, and swaps the
 * specs in place, so the scheduler, the task runner and the operations see the new versions on their next
 * lookup. A DAG whose file became invalid keeps its last good version (one log line says so); a deleted
 * file removes its DAG.
 *
 * Limits, on purpose: a DAG file is re-imported when it changes, not the modules it imports; job code is
 * not reloaded (restart the workers for that). Each edited version of a file stays in Node's module cache.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { DagSpec } from '../core/dag/dag-spec.ts';
import type { DagProblem } from '../core/errors/dag-validation-error.ts';
import type { Logger } from '../ports/logger.ts';
import { type LoadedDags, loadDags } from './dag-loader.ts';

/** What a reload changed. */
export interface DagReload {
  readonly changed: boolean;
  readonly added: readonly string[];
  readonly updated: readonly string[];
  readonly removed: readonly string[];
  /** Invalid now; their last good version stays loaded. */
  readonly kept: readonly string[];
}

export interface ReloadableDags extends LoadedDags {
  /** Re-read `dags/` if anything changed since the last read. */
  reload(): Promise<DagReload>;
}

const UNCHANGED: DagReload = { changed: false, added: [], updated: [], removed: [], kept: [] };

/**
 * Load the DAGs of a project, reloadable.
 *
 * @example const dags = await loadReloadableDags(projectDir, logger); await dags.reload()
 */
export async function loadReloadableDags(projectDir: string, logger: Logger): Promise<ReloadableDags> {
  let signature = folderSignature(projectDir);
  let current: LoadedDags = await loadDags(projectDir, { fresh: true });
  let specs = new Map(current.list().map((s) => [s.id, s]));
  /** The last message logged per broken file, so a file that stays broken is reported once. */
  let reported = new Map<string, string>();
  let reloading: Promise<DagReload> | undefined;

  async function reloadOnce(): Promise<DagReload> {
    const next = folderSignature(projectDir);
    if (next === signature) return UNCHANGED;
    signature = next;
    const loaded = await loadDags(projectDir, { fresh: true });
    const broken = new Map<string, string>();
    for (const error of loaded.errors) broken.set(idOfError(error), error);
    const fresh = new Map<string, DagSpec>();
    const added: string[] = [];
    const updated: string[] = [];
    const kept: string[] = [];
    for (const spec of loaded.list()) {
      const previous = specs.get(spec.id);
      // Keep the previous object when nothing changed: per-spec caches (task indexes) stay warm.
      if (previous && JSON.stringify(previous) === JSON.stringify(spec)) fresh.set(spec.id, previous);
      else {
        fresh.set(spec.id, spec);
        (previous ? updated : added).push(spec.id);
      }
    }
    const nowReported = new Map<string, string>();
    for (const [id, error] of broken) {
      const previous = specs.get(id);
      if (previous) {
        fresh.set(id, previous);
        kept.push(id);
      }
      const line = `${error}; ${previous ? 'keeping its last good version' : 'not loaded'}`;
      if (reported.get(id) !== line) logger.error(line);
      nowReported.set(id, line);
    }
    for (const id of reported.keys())
      if (!broken.has(id) && fresh.has(id)) logger.info(`dags/${id}.ts: valid again`);
    reported = nowReported;
    const removed = [...specs.keys()].filter((id) => !fresh.has(id));
    specs = new Map([...fresh].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    current = loaded;
    const changed = added.length + updated.length + removed.length > 0;
    if (changed) logger.info('DAGs reloaded', { added, updated, removed, kept });
    return { changed, added, updated, removed, kept };
  }

  return {
    list: () => [...specs.values()],
    get: (id) => specs.get(id),
    get problems(): readonly DagProblem[] {
      return current.problems;
    },
    get errors(): readonly string[] {
      return current.errors;
    },
    reload() {
      // One reload at a time (a timer and SIGHUP may ask at once); a request during one waits for it.
      const run = (reloading ?? Promise.resolve(UNCHANGED)).then(reloadOnce, reloadOnce);
      reloading = run;
      return run;
    },
  };
}

/** The DAG id a loader error line names (`dags/<id>.ts: ...`). */
function idOfError(error: string): string {
  const match = /^dags\/(.+?)\.ts:/.exec(error);
  return match?.[1] ?? error;
}

/** Names, sizes and modification times of the files that decide which DAGs load. */
function folderSignature(projectDir: string): string {
  const parts: string[] = [];
  for (const folder of ['dags', 'jobs']) {
    const dir = join(projectDir, folder);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      try {
        const st = statSync(join(dir, name));
        if (st.isFile()) parts.push(`${folder}/${name}:${st.size}:${st.mtimeMs}`);
      } catch {
        // Deleted while listing: the next signature differs anyway.
      }
    }
  }
  return parts.join('\n');
}
