/**
 * Parameter definitions and their validation: the one place that knows what a
 * valid value of each parameter is. The parser, createScheduler (which re-checks
 * specs built by hand or read back from a file) and the catalogue all use it, so
 * an error message and the help text cannot disagree.
 */
import { ScheduleSpecError } from '../errors.js';
import { readDecimal, readWholeNumber } from '../parse-number.js';
import type { ParamValue } from './types.js';

export type ParamType = 'number' | 'integer' | 'boolean' | 'choice' | 'integer-list' | 'string' | 'number-list' | 'spec-list';

/** Most entries of a list parameter (milestones, boundaries, values, the parts of a composite). */
export const MAX_LIST_LENGTH = 64;

/** Allowed numeric interval; for integer lists it applies to each element. */
export interface NumericRange {
  readonly min?: number;
  /** `min` itself is not allowed (e.g. gamma > 0). */
  readonly minExclusive?: boolean;
  readonly max?: number;
  readonly maxExclusive?: boolean;
}

export interface ParamDefinition {
  /** PyTorch's argument name in snake_case, e.g. `step_size`. */
  readonly key: string;
  readonly type: ParamType;
  /** One line: what the parameter does. */
  readonly description: string;
  /**
   * Static default. Absent when the parameter is required, when it defaults to
   * another parameter (`defaultFrom`), or when the default depends on the run
   * (then `defaultText` says how, and the scheduler fills it in when created).
   */
  readonly default?: ParamValue;
  /** How the default reads in help text, when the value alone would not say it well (1/3, "the run's length"). */
  readonly defaultText?: string;
  /** Defaults to the value of this other parameter of the same scheduler. */
  readonly defaultFrom?: string;
  readonly required?: boolean;
  readonly range?: NumericRange;
  /** For `choice`: the allowed values. */
  readonly choices?: readonly string[];
}

/** A parameter record after validation: what ResolvedSchedulerSpec.params holds. */
export type ParamRecord = Readonly<Record<string, ParamValue>>;

/** `> 0`, `>= 1`, `in (0, 1]`: the range as the user reads it. */
export function describeRange(range: NumericRange): string {
  const { min, max } = range;
  if (min !== undefined && max !== undefined) {
    return `in ${range.minExclusive ? '(' : '['}${min}, ${max}${range.maxExclusive ? ')' : ']'}`;
  }
  if (min !== undefined) return `${range.minExclusive ? '>' : '>='} ${min}`;
  if (max !== undefined) return `${range.maxExclusive ? '<' : '<='} ${max}`;
  return 'any value';
}

export function isInRange(value: number, range: NumericRange): boolean {
  if (range.min !== undefined && (range.minExclusive ? value <= range.min : value < range.min)) return false;
  if (range.max !== undefined && (range.maxExclusive ? value >= range.max : value > range.max)) return false;
  return true;
}

/** The kind of value, as help text and type errors name it. */
export function describeType(param: ParamDefinition): string {
  switch (param.type) {
    case 'number':
      return 'number';
    case 'integer':
      return 'whole number';
    case 'boolean':
      return 'true|false';
    case 'choice':
      return (param.choices ?? []).join('|');
    case 'integer-list':
      return 'N|N|...';
    case 'number-list':
      return 'x|x|...';
    case 'spec-list':
      return '(SPEC; SPEC; ...)';
    case 'string':
      return 'text';
  }
}

/** Type and allowed values in one short phrase, e.g. `whole number >= 1` or `min|max`. */
export function describeAllowed(param: ParamDefinition): string {
  const type = describeType(param);
  if (param.range && (param.type === 'number' || param.type === 'integer')) return `${type} ${describeRange(param.range)}`;
  if (param.range && param.type === 'integer-list') return `${type}, increasing, each ${describeRange(param.range)}`;
  if (param.range && param.type === 'number-list') return `${type}, each ${describeRange(param.range)}`;
  return type;
}

export function formatParamValue(value: ParamValue): string {
  return Array.isArray(value) ? value.join('|') : String(value);
}

/** The default as help text shows it. */
export function describeDefault(param: ParamDefinition): string {
  if (param.defaultText !== undefined) return param.defaultText;
  if (param.default !== undefined) return formatParamValue(param.default);
  if (param.defaultFrom !== undefined) return `same as ${param.defaultFrom}`;
  return param.required ? '(required)' : '(none)';
}

/**
 * Parses the text of one value written in a spec. `where` names the scheduler
 * and the key in messages, e.g. `scheduler 'step': gamma`.
 */
export function parseParamText(param: ParamDefinition, text: string, where: string): ParamValue {
  const shown = `'${text}'`;
  switch (param.type) {
    // Read as every number of lr-compare is read (src/parse-number.ts); the message echoes the text.
    case 'number': {
      const reading = readDecimal(text);
      if (!reading.ok) throw new ScheduleSpecError(reading.problem.startsWith('expected') ? `${where} must be a number, got ${shown}` : `${where}: ${reading.problem}`, { code: 'invalid-value', parameter: param.key });
      return reading.value;
    }
    case 'integer': {
      const reading = readWholeNumber(text);
      if (!reading.ok) throw new ScheduleSpecError(`${where} must be a whole number, got ${shown}`, { code: 'invalid-value', parameter: param.key });
      if (!Number.isSafeInteger(reading.value)) throw new ScheduleSpecError(`${where}: ${text} is too large for a whole number (at most ${Number.MAX_SAFE_INTEGER})`, { code: 'invalid-value', parameter: param.key });
      return reading.value;
    }
    case 'boolean': {
      if (text === 'true') return true;
      if (text === 'false') return false;
      throw new ScheduleSpecError(`${where} must be true or false, got ${shown}`, { code: 'invalid-value', parameter: param.key });
    }
    case 'choice':
      return text;
    case 'integer-list': {
      const items = text.split('|').map((item) => item.trim());
      if (items.some((item) => { const reading = readWholeNumber(item); return !reading.ok || !Number.isSafeInteger(reading.value); })) {
        throw new ScheduleSpecError(`${where} must be whole numbers separated by | (e.g. 30|60|90), got ${shown}`, { code: 'invalid-value', parameter: param.key });
      }
      return items.map(Number);
    }
    case 'number-list': {
      const items = text.split('|').map((item) => item.trim());
      const values: number[] = [];
      for (const item of items) {
        const reading = readDecimal(item);
        if (!reading.ok) {
          throw new ScheduleSpecError(
            reading.problem.startsWith('expected') ? `${where} must be numbers separated by | (e.g. 0.1|0.01|0.001), got ${shown}` : `${where}: ${reading.problem}`, { code: 'invalid-value', parameter: param.key });
        }
        values.push(reading.value);
      }
      return values;
    }
    case 'spec-list':
      // Written as name(SPEC; SPEC) and split by the spec parser, never as key=value.
      throw new ScheduleSpecError(`${where} is written in parentheses after the name, e.g. sequential(linear; cosine):milestones=5`, { code: 'invalid-value', parameter: param.key });
    case 'string':
      return text;
  }
}

/**
 * Checks one value against its definition: its JavaScript type (specs built by
 * hand or read from JSON bypass the text parser), its range, its choices.
 */
export function checkParamValue(param: ParamDefinition, value: ParamValue, where: string): void {
  const got = `got ${JSON.stringify(value)}`;
  switch (param.type) {
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new ScheduleSpecError(`${where} must be a finite number, ${got}`, { code: 'invalid-value', parameter: param.key });
      if (param.type === 'integer' && !Number.isSafeInteger(value)) throw new ScheduleSpecError(`${where} must be a whole number, ${got}`, { code: 'invalid-value', parameter: param.key });
      if (param.range && !isInRange(value, param.range)) {
        throw new ScheduleSpecError(`${where} must be ${describeRange(param.range)}, ${got}`, { code: 'invalid-value', parameter: param.key });
      }
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw new ScheduleSpecError(`${where} must be true or false, ${got}`, { code: 'invalid-value', parameter: param.key });
      return;
    case 'choice':
      if (typeof value !== 'string' || !(param.choices ?? []).includes(value)) {
        throw new ScheduleSpecError(`${where} must be one of ${(param.choices ?? []).join(', ')}, ${got}`, { code: 'invalid-value', parameter: param.key });
      }
      return;
    case 'integer-list': {
      if (!Array.isArray(value) || value.length === 0 || value.some((item) => !Number.isSafeInteger(item))) {
        throw new ScheduleSpecError(`${where} must be one or more whole numbers separated by |, ${got}`, { code: 'invalid-value', parameter: param.key });
      }
      for (const item of value) {
        if (param.range && !isInRange(item, param.range)) {
          throw new ScheduleSpecError(`${where} must all be ${describeRange(param.range)}, ${got}`, { code: 'invalid-value', parameter: param.key });
        }
      }
      if (value.length > MAX_LIST_LENGTH) throw new ScheduleSpecError(`${where} may hold at most ${MAX_LIST_LENGTH} values, ${got}`, { code: 'invalid-value', parameter: param.key });
      for (let i = 1; i < value.length; i++) {
        if (value[i]! <= value[i - 1]!) throw new ScheduleSpecError(`${where} must be strictly increasing, ${got}`, { code: 'invalid-value', parameter: param.key });
      }
      return;
    }
    case 'number-list': {
      if (!Array.isArray(value) || value.length === 0 || value.some((item) => typeof item !== 'number' || !Number.isFinite(item))) {
        throw new ScheduleSpecError(`${where} must be one or more numbers separated by |, ${got}`, { code: 'invalid-value', parameter: param.key });
      }
      if (value.length > MAX_LIST_LENGTH) throw new ScheduleSpecError(`${where} may hold at most ${MAX_LIST_LENGTH} values, ${got}`, { code: 'invalid-value', parameter: param.key });
      for (const item of value) {
        if (param.range && !isInRange(item, param.range)) throw new ScheduleSpecError(`${where} must all be ${describeRange(param.range)}, ${got}`, { code: 'invalid-value', parameter: param.key });
      }
      return;
    }
    case 'spec-list':
      if (typeof value !== 'string' || value.trim() === '') throw new ScheduleSpecError(`${where} must be specs separated by ;, ${got}`, { code: 'invalid-value', parameter: param.key });
      return;
    case 'string':
      if (typeof value !== 'string' || value.trim() === '') throw new ScheduleSpecError(`${where} must be non-empty text, ${got}`, { code: 'invalid-value', parameter: param.key });
      return;
  }
}

// Typed readers for scheduler constructors. The record has been validated
// against the definitions by then, so a mismatch here is a bug, not bad input.

export function numberParam(params: ParamRecord, key: string): number {
  const value = params[key];
  if (typeof value !== 'number') throw new TypeError(`parameter ${key} should be a number, got ${JSON.stringify(value)}`);
  return value;
}

/** A parameter whose default depends on the run: undefined when the user did not set it. */
export function optionalNumberParam(params: ParamRecord, key: string): number | undefined {
  return params[key] === undefined ? undefined : numberParam(params, key);
}

export function stringParam(params: ParamRecord, key: string): string {
  const value = params[key];
  if (typeof value !== 'string') throw new TypeError(`parameter ${key} should be text, got ${JSON.stringify(value)}`);
  return value;
}

export function booleanParam(params: ParamRecord, key: string): boolean {
  const value = params[key];
  if (typeof value !== 'boolean') throw new TypeError(`parameter ${key} should be a boolean, got ${JSON.stringify(value)}`);
  return value;
}

export function optionalListParam(params: ParamRecord, key: string): readonly number[] | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new TypeError(`parameter ${key} should be a list, got ${JSON.stringify(value)}`);
  return value;
}
