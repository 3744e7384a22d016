/**
 * Counts what the fault suite did: trials (one injected fault each) and invariant checks, with every
 * violation kept in full. Each test file appends its tally to the file the global setup provides, and the
 * global teardown prints the sum (`faults: 30 trials, 812 invariant checks, 0 violations`).
 */
import { appendFileSync } from 'node:fs';
import { inject } from 'vitest';

declare module 'vitest' {
  interface ProvidedContext {
    /** The suite's seed (FAULTS_SEED, or a random one printed at the start). */
    faultsSeed: string;
    /** JSON-lines file the test files append their tallies to. */
    faultsTallyFile: string;
  }
}

export interface TallyLine {
  readonly scenario: string;
  /** Set for the tally of an `it.fails` test pinning a known bug: its violations are expected. */
  readonly knownBug?: string;
  readonly trials: number;
  readonly checks: number;
  readonly violations: readonly string[];
  readonly notes: readonly string[];
}

/** The trials, checks and violations of one scenario file. */
export class Tally {
  readonly scenario: string;
  readonly knownBug: string | undefined;
  #trials = 0;
  #checks = 0;
  readonly #violations: string[] = [];
  readonly #notes: string[] = [];

  /** `knownBug`: this tally belongs to an `it.fails` test pinning that bug (its violations are expected). */
  constructor(scenario: string, options: { knownBug?: string } = {}) {
    this.scenario = scenario;
    this.knownBug = options.knownBug;
  }

  /** Count one injected fault. */
  trial(): void {
    this.#trials++;
  }

  /** Record one invariant check; a failing one is kept as a violation with `what` and `detail`. */
  check(what: string, ok: boolean, detail?: () => string): boolean {
    this.#checks++;
    if (!ok) this.#violations.push(detail ? `${what}: ${detail()}` : what);
    return ok;
  }

  /** Record that `actual` equals `expected` (compared as JSON), showing the first differences when not. */
  equal(what: string, actual: unknown, expected: unknown): boolean {
    const a = JSON.stringify(actual);
    const e = JSON.stringify(expected);
    return this.check(what, a === e, () => firstDifference(actual, expected));
  }

  /** A line for the summary (what a trial did), printed at the end. */
  note(line: string): void {
    this.#notes.push(line);
  }

  get trials(): number {
    return this.#trials;
  }
  get checks(): number {
    return this.#checks;
  }
  /** Violations so far (from index `since`). */
  violations(since = 0): string[] {
    return this.#violations.slice(since);
  }

  /** Append this tally to the suite's file (called once, in afterAll). */
  flush(): void {
    const line: TallyLine = {
      scenario: this.scenario,
      ...(this.knownBug ? { knownBug: this.knownBug } : {}),
      trials: this.#trials,
      checks: this.#checks,
      violations: this.#violations,
      notes: this.#notes,
    };
    appendFileSync(inject('faultsTallyFile'), `${JSON.stringify(line)}\n`);
  }
}

/** The suite's seed, derived per scenario so that each file reproduces alone: `${seed}/${scenario}`. */
export function scenarioSeed(scenario: string): string {
  return `${inject('faultsSeed')}/${scenario}`;
}

function firstDifference(actual: unknown, expected: unknown): string {
  if (Array.isArray(actual) && Array.isArray(expected)) {
    const a = new Set(actual.map((x) => JSON.stringify(x)));
    const e = new Set(expected.map((x) => JSON.stringify(x)));
    const missing = [...e].filter((x) => !a.has(x));
    const extra = [...a].filter((x) => !e.has(x));
    return (
      `${actual.length} rows, expected ${expected.length}; ` +
      `missing ${missing.length} (e.g. ${missing.slice(0, 3).join(' ')}), ` +
      `unexpected ${extra.length} (e.g. ${extra.slice(0, 3).join(' ')})`
    );
  }
  return `got ${truncate(JSON.stringify(actual))}, expected ${truncate(JSON.stringify(expected))}`;
}

function truncate(text: string | undefined): string {
  if (text === undefined) return 'undefined';
  return text.length > 400 ? `${text.slice(0, 400)}...` : text;
}
