/**
 * Student's t distribution, the incomplete beta function and the t-tests against
 * values recorded from SciPy (scripts/golden/generate_statistics.py, which
 * checks each of them against a 50-digit mpmath computation) in
 * test/fixtures/statistics/scipy.json. Each record states its relative
 * tolerance: 1e-12 for the t CDF up to 100 degrees of freedom (1e-10 to 1e4,
 * 1e-8 above: the log-gamma prefactor loses about df * 1e-16), 1e-10 for
 * quantiles, 1e-11 for the incomplete beta, 1e-9 for the tests' p-values, 1e-12
 * for the summaries; 0 (exact) for the Beta CDF outside its support.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeValues, pairedTTest, welchTTest } from '../../src/results/statistics.js';
import { regularizedBeta, studentTCdf, studentTQuantile } from '../../src/results/student-t.js';

interface Tolerated {
  readonly relative: number;
}
interface Golden {
  readonly versions: Readonly<Record<string, string>>;
  readonly tCdf: readonly (Tolerated & { t: number; df: number; cdf: number })[];
  readonly tQuantile: readonly (Tolerated & { p: number; df: number; quantile: number })[];
  readonly regularizedBeta: readonly (Tolerated & { x: number; a: number; b: number; value: number })[];
  readonly paired: readonly (Tolerated & { differences: number[]; meanDifference: number; t: number; df: number; pValue: number })[];
  readonly welch: readonly (Tolerated & { first: number[]; second: number[]; meanDifference: number; t: number; df: number; pValue: number })[];
  readonly describe: readonly (Tolerated & { values: number[]; n: number; mean: number; std: number; ci95: [number, number] })[];
}

const golden = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/statistics/scipy.json'), 'utf8')) as Golden;

/** |actual - expected| <= relative * |expected|; relative 0 means exactly equal. */
function expectClose(actual: number | null | undefined, expected: number, relative: number, what: string): void {
  expect(typeof actual, what).toBe('number');
  const error = Math.abs((actual as number) - expected);
  expect(error, `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(relative * Math.abs(expected));
}

describe('golden statistics from SciPy', () => {
  it('come from SciPy and cover what the tests below rely on', () => {
    expect(Object.keys(golden.versions).sort()).toEqual(['mpmath', 'numpy', 'python', 'scipy']);
    expect(golden.tCdf.length).toBeGreaterThan(150);
    // fractional degrees of freedom (Welch), huge |t| with a tiny tail, and both sides
    expect(golden.tCdf.some((c) => !Number.isInteger(c.df))).toBe(true);
    expect(golden.tCdf.some((c) => c.cdf < 1e-15 && c.cdf > 0)).toBe(true);
    expect(golden.tCdf.some((c) => c.cdf > 1 - 1e-12)).toBe(true);
  });

  it("has Student's t CDF of every recorded (t, df)", () => {
    for (const c of golden.tCdf) expectClose(studentTCdf(c.t, c.df), c.cdf, c.relative, `pt(${c.t}, ${c.df})`);
  });

  it("has Student's t quantiles", () => {
    for (const c of golden.tQuantile) expectClose(studentTQuantile(c.p, c.df), c.quantile, c.relative, `qt(${c.p}, ${c.df})`);
  });

  it('has the regularized incomplete beta function, also with a or b under 0.5 and outside [0, 1]', () => {
    for (const c of golden.regularizedBeta) expectClose(regularizedBeta(c.x, c.a, c.b), c.value, c.relative, `I_${c.x}(${c.a}, ${c.b})`);
  });

  it('runs the paired t-test as scipy.stats.ttest_1samp(differences, 0)', () => {
    for (const c of golden.paired) {
      const result = pairedTTest(c.differences);
      expectClose(result.meanDifference, c.meanDifference, 1e-15, `mean of ${c.differences}`);
      expectClose(result.pValue, c.pValue, c.relative, `p of ${c.differences} (t = ${c.t}, df = ${c.df})`);
    }
  });

  it("runs Welch's t-test as scipy.stats.ttest_ind(first, second, equal_var=False)", () => {
    for (const c of golden.welch) {
      const result = welchTTest(c.first, c.second);
      expectClose(result.meanDifference, c.meanDifference, 1e-12, `difference of ${c.first} and ${c.second}`);
      expectClose(result.pValue, c.pValue, c.relative, `p of ${c.first} vs ${c.second} (t = ${c.t}, df = ${c.df})`);
    }
  });

  it('gives the mean, the sample standard deviation and the 95% t interval of scipy.stats.t.interval', () => {
    for (const c of golden.describe) {
      const stats = describeValues(c.values);
      expect(stats.n).toBe(c.n);
      expectClose(stats.mean, c.mean, c.relative, `mean of ${c.values}`);
      expectClose(stats.std, c.std, c.relative, `std of ${c.values}`);
      expectClose(stats.ci95?.[0], c.ci95[0], c.relative, `ci low of ${c.values}`);
      expectClose(stats.ci95?.[1], c.ci95[1], c.relative, `ci high of ${c.values}`);
    }
  });
});
