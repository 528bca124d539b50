import type { SummaryItem } from './engine-types.js';
import type { Flow, FlowCondition, FlowNext, FlowStep } from './schema.js';

/** An asking step that has its answer, on the path the beneficiary actually took. */
export type AnsweredStep = { id: string; step: FlowStep; field: string; value: unknown };

/** The field an asking step stores its answer in. */
export const fieldOf = (id: string, step: FlowStep): string => step.field ?? id;

/** True for a value that counts as given (an optional question skipped is `null`, and counts). */
export const isAnswered = (value: unknown): boolean => value !== undefined;

/**
 * Walks a flow from its start the way the answers lead, collecting the questions answered, until
 * the first unanswered question or the summary. Answers left behind on a branch no longer taken
 * (treatment attempts after "no treatment" was chosen on an edit) are not on the path, so they are
 * neither shown nor submitted.
 */
export function answeredPath(flow: Flow, data: Readonly<Record<string, unknown>>): AnsweredStep[] {
  const path: AnsweredStep[] = [];
  const seen = new Set<string>();
  let id: string | undefined = flow.start;
  while (id !== undefined && id !== 'end' && !id.startsWith('flow:') && !seen.has(id)) {
    seen.add(id);
    const step: FlowStep | undefined = flow.steps[id];
    if (!step || step.summary || step.choicesFrom) break;
    if (!step.input) {
      id = nextTarget(step.next, data);
      continue;
    }
    const field = fieldOf(id, step);
    const value = data[field];
    if (!isAnswered(value)) break;
    path.push({ id, step, field, value });
    const chosen = step.input === 'choice' ? step.choices?.find((c) => c.value === value) : undefined;
    id = chosen?.next ?? nextTarget(step.next, data);
  }
  return path;
}

/** The labelled answers on the path: what a summary shows and what a submission sends. */
export function labelledAnswers(flow: Flow, data: Readonly<Record<string, unknown>>): AnsweredStep[] {
  return answeredPath(flow, data).filter((a) => a.step.label !== undefined);
}

export function summaryItems(flow: Flow, data: Readonly<Record<string, unknown>>): SummaryItem[] {
  return labelledAnswers(flow, data).map(({ step, field, value }) => {
    const choiceLabel = step.input === 'choice' ? step.choices?.find((c) => c.value === value)?.label : undefined;
    return { field, label: step.label ?? field, inputType: step.input ?? 'text', value, ...(choiceLabel ? { choiceLabel } : {}) };
  });
}

/** The answers to submit, by field id. */
export function answersOf(flow: Flow, data: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(labelledAnswers(flow, data).map((a) => [a.field, a.value]));
}

/** Where a step's `next` leads with these answers: the first branch whose condition holds. */
export function nextTarget(next: FlowNext | undefined, data: Readonly<Record<string, unknown>>): string | undefined {
  if (next === undefined || typeof next === 'string') return next;
  return next.find((b) => !b.if || matches(b.if, data))?.goto;
}

export function matches(condition: FlowCondition, data: Readonly<Record<string, unknown>>): boolean {
  const value = data[condition.field];
  const present = value !== undefined && value !== null;
  if (condition.exists !== undefined && present !== condition.exists) return false;
  if (condition.equals !== undefined && value !== condition.equals) return false;
  if (condition.notEquals !== undefined && value === condition.notEquals) return false;
  if (condition.in !== undefined && !condition.in.some((v) => v === value)) return false;
  return true;
}
