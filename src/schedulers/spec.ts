/**
 * The spec grammar: `name` or `name:key=value,key=value`, list values joined
 * with `|` (`multistep:milestones=30|60|90,gamma=0.1`), plus `label=...` to
 * name the run; composites put their parts in parentheses separated by `;`
 * (`sequential(SPEC; SPEC):milestones=5`). Every error is a ScheduleSpecError of one line that names what was
 * wrong and what is allowed.
 */
import { ScheduleSpecError, UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { SchedulerDefinition } from './definition.js';
import { LABEL_KEY, OPTIMIZER_KEY } from './definition.js';
import { isOptimizerName, OPTIMIZER_NAMES, type OptimizerName } from './optimizer-names.js';
import type { ParamRecord } from './params.js';
import { checkParamValue, parseParamText } from './params.js';
import { PARTS_KEY, splitTopLevel } from './spec-text.js';
import { ALL_SCHEDULERS, ARTICLE_SCHEDULERS, findScheduler, SCHEDULER_NAMES } from './registry.js';
import type { ParamValue, ResolvedSchedulerSpec } from './types.js';

export function describeScheduler(name: string): string {
  return `scheduler '${name}'`;
}

function validKeys(definition: SchedulerDefinition): string {
  return [...definition.params.map((param) => param.key), LABEL_KEY, OPTIMIZER_KEY].join(', ');
}

export function lookUpScheduler(name: string): SchedulerDefinition {
  const definition = findScheduler(name);
  if (definition) return definition;
  if (name === ALL_SCHEDULERS) {
    throw new ScheduleSpecError(
      `'${ALL_SCHEDULERS}' only works in --schedulers (it means ${ARTICLE_SCHEDULERS.join(', ')}); a spec names one scheduler`,
      { code: 'unknown-scheduler' },
    );
  }
  throw new ScheduleSpecError(`unknown scheduler '${name}'; valid names: ${SCHEDULER_NAMES.join(', ')} (or '${ALL_SCHEDULERS}' in --schedulers)`, {
    code: 'unknown-scheduler',
  });
}

/**
 * Fills defaults and checks every value and the relations between values.
 * Used by the parser and again by createScheduler, so a spec assembled in
 * code or read back from a results file gets the same checks.
 */
export function completeParams(definition: SchedulerDefinition, given: Readonly<Record<string, ParamValue>>): ParamRecord {
  const where = describeScheduler(definition.name);
  for (const key of Object.keys(given)) {
    if (!definition.params.some((param) => param.key === key)) {
      throw new ScheduleSpecError(`${where} has no parameter '${key}'; valid keys: ${validKeys(definition)}`, { code: 'unknown-parameter', parameter: key });
    }
  }
  const params: Record<string, ParamValue> = {};
  for (const param of definition.params) {
    const value = given[param.key] ?? param.default;
    if (value !== undefined) params[param.key] = value;
  }
  // Second pass: defaults that copy another parameter (cyclic's step_size_down).
  for (const param of definition.params) {
    if (params[param.key] === undefined && param.defaultFrom !== undefined && params[param.defaultFrom] !== undefined) {
      params[param.key] = params[param.defaultFrom]!;
    }
  }
  for (const param of definition.params) {
    const value = params[param.key];
    if (value === undefined) {
      if (param.required) {
        throw new ScheduleSpecError(`${where} needs ${param.key}=...: ${param.description}`, { code: 'missing-parameter', parameter: param.key });
      }
      continue; // a default that depends on the run, filled in by createScheduler
    }
    checkParamValue(param, value, `${where}: ${param.key}`);
  }
  definition.checkParams?.(params, where);
  return Object.freeze(params);
}

/**
 * A label names a run in tables, charts and the verdict line: one printable
 * line of at most LIMITS.labelLength characters. A spec without label= is its
 * own label: it must be printable too, and at most LIMITS.specLength long.
 */
function checkLabel(label: string, fromSpec: boolean): void {
  const control = /[\u0000-\u001f\u007f-\u009f]/.exec(label);
  if (control) {
    const code = `U+${control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new ScheduleSpecError(
      `${fromSpec ? 'scheduler spec' : 'label'} ${JSON.stringify(label)} contains the control character ${code}; a label must be printable text on one line`,
      { code: 'invalid-value', parameter: 'label' },
    );
  }
  const limit = fromSpec ? LIMITS.specLength : LIMITS.labelLength;
  // Characters as the user counts them (code points): an emoji is one, not two UTF-16 units.
  const characters = [...label];
  if (characters.length > limit) {
    throw new ScheduleSpecError(
      `${fromSpec ? 'scheduler spec' : 'label'} '${characters.slice(0, 20).join('')}...' is ${characters.length} characters, which is too long: at most ${limit}`,
      { code: 'invalid-value', parameter: 'label' },
    );
  }
}

/** Most parts of one `sequential(...)`/`chained(...)`, and how deep they may nest. */
export const MAX_COMPOSITE_PARTS = 16;
export const MAX_COMPOSITE_DEPTH = 4;

/**
 * `name`, `name:key=value,...`, `name(SPEC; SPEC; ...)` or
 * `name(SPEC; SPEC; ...):key=value,...`: the name, the parenthesised parts
 * (undefined without parentheses) and the key=value body (undefined without ':').
 */
function splitSpec(spec: string): { name: string; parts?: string; body?: string } {
  const open = spec.indexOf('(');
  const colon = spec.indexOf(':');
  if (open >= 0 && (colon < 0 || open < colon)) {
    let depth = 0;
    for (let i = open; i < spec.length; i++) {
      if (spec[i] === '(') depth++;
      else if (spec[i] === ')' && --depth === 0) {
        const rest = spec.slice(i + 1).trim();
        const name = spec.slice(0, open).trim();
        if (rest !== '' && !rest.startsWith(':')) {
          throw new ScheduleSpecError(`${describeScheduler(name)}: unexpected '${rest}' after ')'; write ${name}(SPEC; SPEC):key=value,...`, { code: 'syntax' });
        }
        return { name, parts: spec.slice(open + 1, i), ...(rest === '' ? {} : { body: rest.slice(1) }) };
      }
    }
    throw new ScheduleSpecError(`unbalanced '(' in scheduler spec '${spec}'`, { code: 'syntax' });
  }
  if (colon < 0) return { name: spec };
  return { name: spec.slice(0, colon).trim(), body: spec.slice(colon + 1) };
}

function parseSpecAt(text: string, depth: number): ResolvedSchedulerSpec {
  const spec = text.trim();
  if (spec === '') throw new ScheduleSpecError(`empty scheduler spec; expected name or name:key=value,... with a name from ${SCHEDULER_NAMES.join(', ')}`, { code: 'syntax' });
  const { name, parts, body } = splitSpec(spec);
  const definition = lookUpScheduler(name);
  const where = describeScheduler(name);
  const partsParam = definition.params.find((param) => param.type === 'spec-list');

  const given: Record<string, ParamValue> = {};
  if (partsParam && parts === undefined) {
    throw new ScheduleSpecError(`${where} needs its parts in parentheses: ${name}(SPEC; SPEC; ...)${name === 'sequential' ? ':milestones=m1|m2' : ''}`, { code: 'syntax' });
  }
  if (!partsParam && parts !== undefined) throw new ScheduleSpecError(`${where} takes no parts in parentheses; write ${name}:key=value,...`, { code: 'syntax' });
  if (partsParam && parts !== undefined) {
    if (depth >= MAX_COMPOSITE_DEPTH) throw new ScheduleSpecError(`${where}: composites nest at most ${MAX_COMPOSITE_DEPTH} deep`, { code: 'invalid-value' });
    const texts = splitTopLevel(parts, ';', where).map((part) => part.trim());
    if (texts.some((part) => part === '')) throw new ScheduleSpecError(`${where}: an empty part in '(${parts})'; separate specs with ;`, { code: 'syntax' });
    if (texts.length > MAX_COMPOSITE_PARTS) throw new ScheduleSpecError(`${where}: at most ${MAX_COMPOSITE_PARTS} parts, got ${texts.length}`, { code: 'invalid-value' });
    for (const part of texts) {
      const resolved = parseSpecAt(part, depth + 1);
      for (const key of [LABEL_KEY, OPTIMIZER_KEY, 'unit']) {
        if (new RegExp(`[:,]\\s*${key}\\s*=`).test(part.replace(/\(.*\)/s, '()'))) {
          throw new ScheduleSpecError(`${where}: '${key}=' belongs on the ${name}(...) itself, not on its part '${resolved.spec}'`, { code: 'syntax' });
        }
      }
    }
    given[partsParam.key] = texts.join('; ');
  }

  let label: string | undefined;
  let optimizer: OptimizerName | undefined;
  if (body !== undefined) {
    if (body.trim() === '') throw new ScheduleSpecError(`${where}: nothing after ':' in '${spec}'; write ${name} alone or ${name}:key=value,...`, { code: 'syntax' });
    const seen = new Set<string>();
    for (const pair of body.split(',')) {
      const equals = pair.indexOf('=');
      // No '=', or nothing before it ('=5'): not a key=value pair.
      const key = equals < 0 ? '' : pair.slice(0, equals).trim();
      if (key === '') {
        throw new ScheduleSpecError(`${where}: expected key=value, got '${pair.trim()}'; valid keys: ${validKeys(definition)}`, { code: 'syntax' });
      }
      const value = pair.slice(equals + 1).trim();
      if (seen.has(key)) throw new ScheduleSpecError(`${where}: ${key} is given twice`, { code: 'syntax', parameter: key });
      seen.add(key);
      if (key === LABEL_KEY) {
        if (value === '') throw new ScheduleSpecError(`${where}: label must not be empty`, { code: 'syntax', parameter: key });
        label = value;
        continue;
      }
      if (key === OPTIMIZER_KEY) {
        if (!isOptimizerName(value)) {
          throw new ScheduleSpecError(`${where}: optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}, got '${value}'`, { code: 'invalid-value', parameter: key });
        }
        optimizer = value;
        continue;
      }
      const param = definition.params.find((candidate) => candidate.key === key);
      if (!param) {
        throw new ScheduleSpecError(`${where} has no parameter '${key}'; valid keys: ${validKeys(definition)}`, { code: 'unknown-parameter', parameter: key });
      }
      if (value === '') throw new ScheduleSpecError(`${where}: ${key} has no value`, { code: 'syntax', parameter: key });
      given[key] = parseParamText(param, value, `${where}: ${key}`);
    }
  }
  // The run's name, checked once for the whole spec (a part of a composite is not a run).
  if (depth === 0) checkLabel(label ?? spec, label === undefined);
  return Object.freeze({ label: label ?? spec, name, params: completeParams(definition, given), spec, ...(optimizer ? { optimizer } : {}) });
}

/**
 * Parses and validates one spec (from -s/--scheduler, or a bare name from
 * --schedulers). Composites take their parts in parentheses, separated by `;`:
 * `sequential(linear:total_iters=5; cosine):milestones=5`; the parts are any
 * specs (nested composites too), so their own `:`, `,` and `|` stay inside the
 * parentheses and never mix with the composite's parameters after `):`.
 */
export function parseSchedulerSpec(text: string): ResolvedSchedulerSpec {
  return parseSpecAt(text, 0);
}

/**
 * The runs to make: `names` from `--schedulers a,b,c` (`all` = the article's
 * five), then `specs` from each -s/--scheduler, in that order. Two runs with
 * the same label are an error. Empty names (a trailing comma) are skipped.
 */
export function resolveSchedulerSelection(names: readonly string[], specs: readonly string[]): ResolvedSchedulerSpec[] {
  const resolved: ResolvedSchedulerSpec[] = [];
  for (const rawName of names) {
    const name = rawName.trim();
    if (name === '') continue;
    if (name === ALL_SCHEDULERS) {
      resolved.push(...ARTICLE_SCHEDULERS.map((article) => parseSchedulerSpec(article)));
    } else if (name.includes('=') && !name.includes(':')) {
      throw new UsageError(`'${name}' in --schedulers is not a scheduler name; give specs with parameters with -s/--scheduler 'name:key=value,...'`);
    } else {
      resolved.push(parseSchedulerSpec(name));
    }
  }
  resolved.push(...specs.map((spec) => parseSchedulerSpec(spec)));

  const seen = new Set<string>();
  for (const spec of resolved) {
    if (seen.has(spec.label)) {
      throw new UsageError(`scheduler run '${spec.label}' is selected twice; drop one or name it apart with label=...`);
    }
    seen.add(spec.label);
  }
  return resolved;
}
