import { InvalidArgumentError } from 'commander';
import { readDecimal, readWholeNumber } from '../parse-number.js';

/** Option parsers for commander: each rejects bad values with one line that says what is allowed. */

/**
 * A whole number from `min` to `max`. Every count has a maximum (src/limits.ts),
 * so a value that is too large is told so instead of running out of memory.
 */
export function integerOption(min: number, max: number): (value: string) => number {
  return (value) => {
    const reading = readWholeNumber(value);
    if (!reading.ok) throw new InvalidArgumentError(`${reading.problem}.`);
    if (reading.value > max) throw new InvalidArgumentError(`${value.trim()} is too large: at most ${max}.`);
    if (reading.value < min) throw new InvalidArgumentError(`must be at least ${min} (and at most ${max}).`);
    return reading.value;
  };
}

export interface NumberRange {
  /** Smallest allowed value, and whether it is itself allowed. */
  readonly above?: number;
  readonly atLeast?: number;
  readonly below?: number;
  readonly atMost?: number;
}

export function describeRange(range: NumberRange): string {
  const parts: string[] = [];
  if (range.above !== undefined) parts.push(`> ${range.above}`);
  if (range.atLeast !== undefined) parts.push(`>= ${range.atLeast}`);
  if (range.below !== undefined) parts.push(`< ${range.below}`);
  if (range.atMost !== undefined) parts.push(`<= ${range.atMost}`);
  return parts.join(' and ');
}

export function numberOption(range: NumberRange): (value: string) => number {
  return (value) => {
    const reading = readDecimal(value);
    if (!reading.ok) throw new InvalidArgumentError(`${reading.problem}.`);
    const parsed = reading.value;
    const ok =
      (range.above === undefined || parsed > range.above) &&
      (range.atLeast === undefined || parsed >= range.atLeast) &&
      (range.below === undefined || parsed < range.below) &&
      (range.atMost === undefined || parsed <= range.atMost);
    if (!ok) throw new InvalidArgumentError(`must be ${describeRange(range)}.`);
    return parsed;
  };
}

export function choiceOption<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}.`);
    }
    return value as T;
  };
}

/** For repeatable options: collects every occurrence. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
