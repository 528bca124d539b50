import fs from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { FlowValidationError, type FlowProblem } from '../errors/flow-error.js';
import { LOCALES, type I18n } from '../i18n/i18n.js';
import { INPUT_READERS } from './inputs.js';
import { flowSchema, type Flow, type FlowSet, type FlowStep } from './schema.js';

export const REQUIRED_FLOWS = ['welcome', 'main_menu', 'consent'] as const;

export type FlowCatalog = {
  i18n: I18n;
  /** Names of the services flows may `call`. */
  services: ReadonlySet<string>;
  /** Names of the validators steps may list. */
  validators: ReadonlySet<string>;
};

/**
 * Reads every `*.yaml` in the flows folder and checks it completely: schema, every `goto`/`next`,
 * every locale key in both languages, every service and validator name. All problems are reported
 * together (file, step, line, problem), so a broken flow stops start-up with one readable list.
 */
export function loadFlows(dir: string, catalog: FlowCatalog): FlowSet {
  const problems: FlowProblem[] = [];
  const flows = new Map<string, Flow>();
  const files = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  for (const name of files) {
    const flow = parseFlowFile(path.join(dir, name), name, problems);
    if (!flow) continue;
    if (flows.has(flow.id)) problems.push({ file: name, problem: `flow id "${flow.id}" is used by another file too` });
    flows.set(flow.id, flow);
    fileOf.set(flow, name);
  }
  for (const id of REQUIRED_FLOWS) {
    if (!flows.has(id)) problems.push({ file: dir, problem: `the flow "${id}" is missing` });
  }
  for (const flow of flows.values()) checkFlow(flow, fileOf.get(flow) ?? flow.id, flows, catalog, problems);
  if (problems.length > 0) throw new FlowValidationError(problems);
  return flows;
}

const fileOf = new WeakMap<Flow, string>();

function parseFlowFile(file: string, name: string, problems: FlowProblem[]): Flow | null {
  const lineCounter = new LineCounter();
  const doc = parseDocument(fs.readFileSync(file, 'utf8'), { lineCounter, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const error of doc.errors) {
      problems.push({ file: `${name}:${error.linePos?.[0]?.line ?? '?'}`, problem: error.message.split('\n')[0] ?? 'invalid YAML' });
    }
    return null;
  }
  const parsed = flowSchema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const node = doc.getIn(issue.path as (string | number)[], true) as { range?: [number, number, number] } | undefined;
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    const stepId = issue.path[0] === 'steps' && typeof issue.path[1] === 'string' ? issue.path[1] : undefined;
    const where = issue.path.slice(stepId ? 2 : 0).join('.');
    problems.push({
      file: line ? `${name}:${line}` : name,
      ...(stepId ? { step: stepId } : {}),
      problem: `${where ? `${where}: ` : ''}${issue.message}`,
    });
  }
  return null;
}

function checkFlow(flow: Flow, file: string, flows: ReadonlyMap<string, Flow>, catalog: FlowCatalog, problems: FlowProblem[]): void {
  const report = (step: string | undefined, problem: string) => problems.push({ file, ...(step ? { step } : {}), problem });
  const checkKey = (step: string | undefined, key: string | undefined) => {
    if (!key) return;
    for (const locale of LOCALES) {
      if (!catalog.i18n.has(locale, key)) report(step, `locale key "${key}" is missing in locales/${locale}`);
    }
  };
  const checkTarget = (step: string | undefined, goto: string | undefined) => {
    if (!goto || goto === 'end') return;
    if (goto.startsWith('flow:')) {
      if (!flows.has(goto.slice(5))) report(step, `goes to unknown flow "${goto.slice(5)}"`);
    } else if (!flow.steps[goto]) {
      report(step, `goes to unknown step "${goto}"`);
    }
  };
  if (!flow.steps[flow.start]) report(undefined, `start step "${flow.start}" does not exist`);
  checkKey(undefined, flow.triggers);
  for (const [id, step] of Object.entries(flow.steps)) {
    checkStep(id, step, { report, checkKey, checkTarget }, catalog);
  }
}

type Checks = {
  report: (step: string, problem: string) => void;
  checkKey: (step: string, key: string | undefined) => void;
  checkTarget: (step: string, goto: string | undefined) => void;
};

function checkStep(id: string, step: FlowStep, { report, checkKey, checkTarget }: Checks, catalog: FlowCatalog): void {
  for (const key of [step.say ?? []].flat()) checkKey(id, key);
  checkKey(id, step.ask);
  checkKey(id, step.invalid);
  if (step.input && !step.ask) report(id, 'has an input but no ask (the question to show)');
  if (step.ask && !step.input) report(id, 'has an ask but no input type');
  if (step.input && !INPUT_READERS[step.input]) report(id, `input type "${step.input}" has no reader yet`);
  if (step.input === 'choice' && !step.choices && !step.choicesFrom) report(id, 'a choice input needs choices');
  // A rating shows its scale as buttons; its reader reads the tapped label (stars) like typed text.
  if (step.choices && step.input !== 'choice' && step.input !== 'rating') report(id, 'choices are only for input: choice or rating');
  for (const c of step.choices ?? []) {
    checkKey(id, c.label);
    checkKey(id, c.match);
    checkTarget(id, c.next);
  }
  if (typeof step.next === 'string') checkTarget(id, step.next);
  else for (const b of step.next ?? []) checkTarget(id, b.goto);
  if (!step.input && !step.next && !step.actions?.some((a) => 'handoff' in a)) {
    report(id, 'needs a next (a step, flow:<id> or end) when it asks nothing');
  }
  for (const action of step.actions ?? []) {
    if ('call' in action && !catalog.services.has(action.call)) {
      report(id, `calls unknown service "${action.call}" (known: ${[...catalog.services].join(', ') || 'none'})`);
    }
  }
  for (const v of step.validators ?? []) {
    const name = typeof v === 'string' ? v : v.name;
    if (!catalog.validators.has(name)) report(id, `uses unknown validator "${name}" (known: ${[...catalog.validators].join(', ') || 'none'})`);
    const message = typeof v === 'string' ? undefined : v.params?.message;
    if (typeof message === 'string') checkKey(id, message);
  }
  checkKey(id, step.label);
  if (step.choicesFrom === 'answers' && step.input !== 'choice') report(id, 'choicesFrom: answers is only for input: choice');
  if (step.choicesFrom === 'answers' && !step.returnTo) report(id, 'choicesFrom: answers needs returnTo (the step to come back to)');
  if (step.choicesFrom?.startsWith('$') && step.input !== 'choice' && step.input !== 'date') report(id, 'choicesFrom: $field is only for input: choice or date');
  if (step.returnTo) checkTarget(id, step.returnTo);
}
