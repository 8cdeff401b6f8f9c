/**
 * Reductions over histories and schedules, as loops: spreading an array into
 * Math.min/Math.max passes every element as an argument and overflows the
 * stack for long histories (about 125,000 values on V8).
 */

/** Smallest and largest value, exactly as Math.min/Math.max: any NaN gives NaN; empty gives Infinity and -Infinity. */
export function extentOf(values: Iterable<number>): { min: number; max: number } {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of values) {
    if (Number.isNaN(value)) return { min: Number.NaN, max: Number.NaN };
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return { min, max };
}

export function minOf(values: Iterable<number>): number {
  return extentOf(values).min;
}

export function maxOf(values: Iterable<number>): number {
  return extentOf(values).max;
}
