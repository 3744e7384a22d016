/**
 * Loads `jobs/<name>.ts` for the task runner (never for the scheduler). A missing or malformed job is a
 * non-retryable failure of the try, with a message naming the file.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { NonRetryableError } from '../core/errors/non-retryable-error.ts';
import { isJob, type Job } from '../sdk/define-job.ts';

export interface JobSource {
  load(name: string): Promise<Job>;
}

/**
 * Job loader for a project folder; modules are imported once and cached.
 *
 * @example const job = await createJobLoader(projectDir).load('load_orders')
 */
export function createJobLoader(projectDir: string): JobSource {
  const cache = new Map<string, Promise<Job>>();
  async function importJob(name: string): Promise<Job> {
    const file = join(projectDir, 'jobs', `${name}.ts`);
    if (!existsSync(file)) throw new NonRetryableError(`job "${name}" not found: no file jobs/${name}.ts`);
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (error) {
      throw new NonRetryableError(`jobs/${name}.ts cannot be loaded: ${(error as Error).message}`, {
        cause: error,
      });
    }
    if (!isJob(mod.default))
      throw new NonRetryableError(
        `jobs/${name}.ts: the default export must be defineJob({...}) from src/sdk`,
      );
    return mod.default;
  }
  return {
    load(name) {
      let p = cache.get(name);
      if (!p) {
        p = importJob(name);
        cache.set(name, p);
        p.catch(() => cache.delete(name));
      }
      return p;
    },
  };
}
