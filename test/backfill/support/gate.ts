/**
 * The test side of the fixture job `gate`: records which tries started (in order), holds the tries the test
 * wants held until released, and fails the runs the test names. One gate per test (installed on globalThis,
 * because the job runs in this process through the local executor).
 */

export interface Started {
  readonly runId: string;
  readonly taskId: string;
  readonly runType: string;
  readonly tryNumber: number;
}

export class Gate {
  readonly started: Started[] = [];
  readonly failing = new Set<string>();
  #hold: (runId: string, taskId: string, runType: string) => boolean = () => false;
  #releaseAll = false;
  readonly #waiting = new Map<string, () => void>();

  /** Hold every try for which `predicate` is true until `release` / `releaseAll`. */
  holdWhen(predicate: (runId: string, taskId: string, runType: string) => boolean): void {
    this.#hold = predicate;
  }

  /** Tries held right now, as `runId/taskId`. */
  get held(): string[] {
    return [...this.#waiting.keys()];
  }

  release(runId: string, taskId = 'work'): boolean {
    const key = `${runId}/${taskId}`;
    const resolve = this.#waiting.get(key);
    this.#waiting.delete(key);
    resolve?.();
    return resolve !== undefined;
  }

  releaseAll(): void {
    this.#releaseAll = true;
    for (const resolve of this.#waiting.values()) resolve();
    this.#waiting.clear();
  }

  install(): void {
    (globalThis as { __sluiceGate?: unknown }).__sluiceGate = {
      started: (s: Started) => this.started.push(s),
      hold: (runId: string, taskId: string, runType: string) => {
        if (this.#releaseAll || !this.#hold(runId, taskId, runType)) return Promise.resolve();
        return new Promise<void>((resolve) => this.#waiting.set(`${runId}/${taskId}`, resolve));
      },
      fails: (runId: string) => this.failing.has(runId),
    };
  }

  uninstall(): void {
    this.releaseAll();
    delete (globalThis as { __sluiceGate?: unknown }).__sluiceGate;
  }
}
