import { AppError } from './app-error.js';

/** One problem in a knowledge file: where (file and line) and what is wrong. */
export type KnowledgeProblem = { file: string; line?: number; problem: string };

/**
 * Knowledge files failed their check. At start-up this stops the bot; on a reload the previous
 * knowledge stays in use and the problems are logged (and shown by `npm run kb -- check`).
 */
export class KnowledgeValidationError extends AppError {
  readonly problems: readonly KnowledgeProblem[];

  constructor(problems: KnowledgeProblem[]) {
    const lines = problems.map((p) => `${p.file}${p.line ? `:${p.line}` : ''}: ${p.problem}`);
    super('KNOWLEDGE_INVALID', `knowledge files are invalid:\n  ${lines.join('\n  ')}`);
    this.problems = problems;
  }
}
