import { SluiceError } from './sluice-error.ts';

/** One problem found in a DAG file: which file, which field, what is wrong. */
export interface DagProblem {
  readonly file: string;
  /** Dotted path inside the definition, e.g. `tasks.load.upstream`; empty for the file itself. */
  readonly field: string;
  readonly message: string;
}

/** A DAG file that cannot be used; `problems` lists every issue found, the message names the file. */
export class DagValidationError extends SluiceError {
  readonly problems: readonly DagProblem[];

  constructor(problems: readonly DagProblem[]) {
    super('E_DAG_INVALID', problems.map(formatDagProblem).join('\n'));
    this.name = 'DagValidationError';
    this.problems = problems;
  }
}

/** `dags/x.ts: tasks.b.upstream: unknown task "z"`: one line per problem. */
export function formatDagProblem(problem: DagProblem): string {
  return `${problem.file}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`;
}
