import { AppError } from './app-error.js';

/** One problem found in a flow file: the file, the step (if any) and what is wrong. */
export type FlowProblem = { file: string; step?: string; problem: string };

/** Flow files failed their check at start-up; every problem is listed, not only the first. */
export class FlowValidationError extends AppError {
  readonly problems: readonly FlowProblem[];

  constructor(problems: FlowProblem[]) {
    const lines = problems.map((p) => `${p.file}${p.step ? ` step "${p.step}"` : ''}: ${p.problem}`);
    super('FLOW_INVALID', `flow files are invalid:\n  ${lines.join('\n  ')}`);
    this.problems = problems;
  }
}
