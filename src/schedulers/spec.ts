/**
 * The spec grammar: `name` or `name:key=value,key=value`, list values joined
 * with `|` (`multistep:milestones=30|60|90,gamma=0.1`), plus `label=...` to
 * name the run. Every error is a UsageError of one line that names what was
 * wrong and what is allowed.
 */
import { UsageError } from '../errors.js';
import type { SchedulerDefinition } from './definition.js';
import { LABEL_KEY } from './definition.js';
import type { ParamRecord } from './params.js';
import { checkParamValue, parseParamText } from './params.js';
import { ALL_SCHEDULERS, ARTICLE_SCHEDULERS, findScheduler, SCHEDULER_NAMES } from './registry.js';
import type { ParamValue, ResolvedSchedulerSpec } from './types.js';

export function describeScheduler(name: string): string {
  return `scheduler '${name}'`;
}

function validKeys(definition: SchedulerDefinition): string {
  return [...definition.params.map((param) => param.key), LABEL_KEY].join(', ');
}

export function lookUpScheduler(name: string): SchedulerDefinition {
  const definition = findScheduler(name);
  if (definition) return definition;
  if (name === ALL_SCHEDULERS) {
    throw new UsageError(`'${ALL_SCHEDULERS}' only works in --schedulers (it means ${ARTICLE_SCHEDULERS.join(', ')}); a spec names one scheduler`);
  }
  throw new UsageError(`unknown scheduler '${name}'; valid names: ${SCHEDULER_NAMES.join(', ')} (or '${ALL_SCHEDULERS}' in --schedulers)`);
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
      throw new UsageError(`${where} has no parameter '${key}'; valid keys: ${validKeys(definition)}`);
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
      if (param.required) throw new UsageError(`${where} needs ${param.key}=...: ${param.description}`);
      continue; // a default that depends on the run, filled in by createScheduler
    }
    checkParamValue(param, value, `${where}: ${param.key}`);
  }
  definition.checkParams?.(params, where);
  return Object.freeze(params);
}

/** Parses and validates one spec (from -s/--scheduler, or a bare name from --schedulers). */
export function parseSchedulerSpec(text: string): ResolvedSchedulerSpec {
  const spec = text.trim();
  if (spec === '') throw new UsageError(`empty scheduler spec; expected name or name:key=value,... with a name from ${SCHEDULER_NAMES.join(', ')}`);
  const colon = spec.indexOf(':');
  const name = (colon < 0 ? spec : spec.slice(0, colon)).trim();
  const definition = lookUpScheduler(name);
  const where = describeScheduler(name);

  const given: Record<string, ParamValue> = {};
  let label: string | undefined;
  if (colon >= 0) {
    const body = spec.slice(colon + 1);
    if (body.trim() === '') throw new UsageError(`${where}: nothing after ':' in '${spec}'; write ${name} alone or ${name}:key=value,...`);
    const seen = new Set<string>();
    for (const pair of body.split(',')) {
      const equals = pair.indexOf('=');
      if (equals < 0) throw new UsageError(`${where}: expected key=value, got '${pair.trim()}'; valid keys: ${validKeys(definition)}`);
      const key = pair.slice(0, equals).trim();
      const value = pair.slice(equals + 1).trim();
      if (seen.has(key)) throw new UsageError(`${where}: ${key} is given twice`);
      seen.add(key);
      if (key === LABEL_KEY) {
        if (value === '') throw new UsageError(`${where}: label must not be empty`);
        label = value;
        continue;
      }
      const param = definition.params.find((candidate) => candidate.key === key);
      if (!param) throw new UsageError(`${where} has no parameter '${key}'; valid keys: ${validKeys(definition)}`);
      if (value === '') throw new UsageError(`${where}: ${key} has no value`);
      given[key] = parseParamText(param, value, `${where}: ${key}`);
    }
  }
  return Object.freeze({ label: label ?? spec, name, params: completeParams(definition, given), spec });
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
