import { InvalidArgumentError } from 'commander';

/** Option parsers for commander: each rejects bad values with one line that says what is allowed. */

export function integerOption(min: number, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isInteger(parsed)) throw new InvalidArgumentError(`expected a whole number, got '${value}'.`);
    if (parsed < min || parsed > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `must be at least ${min}.` : `must be from ${min} to ${max}.`);
    }
    return parsed;
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
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed)) throw new InvalidArgumentError(`expected a number, got '${value}'.`);
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
