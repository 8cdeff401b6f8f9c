import { describe, expect, it } from 'vitest';
import type { RunResult, RunSummary } from '../../src/results/results.js';
import { compareSchedulers, describeValues, holmAdjust, pairedTTest, welchTTest } from '../../src/results/statistics.js';
import { studentTCdf, studentTQuantile } from '../../src/results/student-t.js';

describe("Student's t distribution", () => {
  it.each([
    // Quantiles from standard tables (R: qt(0.975, df)).
    [1, 12.706204736174698],
    [2, 4.302652729749464],
    [9, 2.262157162798205],
    [29, 2.045229642132703],
  ])('has the 97.5%% quantile of df=%i', (degrees, expected) => {
    expect(Math.abs(studentTQuantile(0.975, degrees) / expected - 1)).toBeLessThan(1e-10);
  });

  it('has a CDF that is symmetric and matches pt(-2, 4)', () => {
    expect(studentTCdf(-2, 4)).toBeCloseTo(0.05805826175840784, 12);
    expect(studentTCdf(2, 4) + studentTCdf(-2, 4)).toBeCloseTo(1, 14);
  });
});

describe('summary statistics and tests', () => {
  it('gives the sample standard deviation and a t confidence interval', () => {
    const stats = describeValues([1, 2, 3, 4, 5]);
    expect(stats.mean).toBe(3);
    expect(stats.std).toBeCloseTo(Math.sqrt(2.5), 14);
    const half = (2.7764451051977987 * Math.sqrt(2.5)) / Math.sqrt(5);
    expect(stats.ci95?.[0]).toBeCloseTo(3 - half, 9);
    expect(stats.ci95?.[1]).toBeCloseTo(3 + half, 9);
    expect(describeValues([0.9]).ci95).toBeNull();
  });

  it('runs a two-sided paired t-test (differences 1..5: t = 4.2426, p = 0.013236)', () => {
    const { pValue } = pairedTTest([1, 2, 3, 4, 5]);
    expect(pValue).toBeCloseTo(0.0132356, 6);
    expect(pairedTTest([0.01]).pValue).toBeNull();
  });

  it('adjusts p-values with Holm’s step-down method, keeping order', () => {
    expect(holmAdjust([0.01, 0.04, 0.03, null])).toEqual([0.03, 0.06, 0.06, null]);
  });
});

function run(label: string, repeat: number, bestValidationAccuracy: number): RunResult {
  const summary = {
    epochsRun: 10,
    finalValidationAccuracy: bestValidationAccuracy - 0.001,
    bestValidationAccuracy,
    bestValidationAccuracyEpoch: 9,
    lowestValidationLoss: 1 - bestValidationAccuracy,
    lowestValidationLossEpoch: 9,
    finalValidationLoss: 1 - bestValidationAccuracy,
    finalLoss: 0.1,
    finalAccuracy: 0.97,
    testAccuracy: bestValidationAccuracy,
    testLoss: 0.2,
    testAccuracyAtBestValidationLoss: bestValidationAccuracy,
    testLossAtBestValidationLoss: 0.2,
    finalLearningRate: 0.1,
    epochsToTarget: 3,
    divergedAtEpoch: null,
    seconds: 1,
    secondsPerEpoch: 0.1,
  } satisfies RunSummary;
  return { label, scheduler: label, spec: label, params: {}, repeat, seed: 42 + repeat, history: [], summary };
}

describe('comparing schedulers across repeats', () => {
  // Repeat-to-repeat noise is shared by the pair (same seed), which the paired test removes.
  const noise = [0.004, -0.006, 0.002, -0.001, 0.003];
  const runs = noise.flatMap((shift, repeat) => [
    run('a', repeat, 0.94 + shift),
    run('b', repeat, 0.939 + shift + (repeat % 2 ? 0.001 : -0.001)),
    run('c', repeat, 0.93 + shift + 0.0005 * repeat),
  ]);

  it('ranks by mean best validation accuracy and separates noise from real differences', () => {
    const stats = compareSchedulers(runs, 2000);
    expect(stats.best).toBe('a');
    expect(stats.schedulers.map((entry) => entry.label)).toEqual(['a', 'b', 'c']);
    expect(stats.withinNoise).toEqual(['a', 'b']);
    expect(stats.schedulers[2].versusBest?.significant).toBe(true);
    expect(stats.conclusion).toMatch(/Best: a .*Within noise of it .*: b\. Significantly worse: c\./);
  });

  it('says that one run per scheduler cannot show significance', () => {
    const stats = compareSchedulers(runs.filter((entry) => entry.repeat === 0), 2000);
    expect(stats.schedulers[1].versusBest?.significant).toBeNull();
    expect(stats.conclusion).toMatch(/No significance can be judged from one run/);
    // sqrt(0.944 * 0.056 / 2000) = 0.00514
    expect(stats.conclusion).toMatch(/standard error of 0\.51 points/);
  });
});

describe('zero spread (regression: identical non-zero differences gave p = 0)', () => {
  it('cannot judge identical non-zero differences, and finds no difference in identical zeros', () => {
    expect(pairedTTest([0.002, 0.002, 0.002])).toEqual({ meanDifference: 0.002, pValue: null });
    expect(pairedTTest([0, 0])).toEqual({ meanDifference: 0, pValue: 1 });
    expect(welchTTest([0.9, 0.9], [0.8, 0.8])).toEqual({ meanDifference: 0.9 - 0.8, pValue: null });
    expect(welchTTest([0.9, 0.9], [0.9, 0.9])).toEqual({ meanDifference: 0, pValue: 1 });
  });

  it('leaves a scheduler that lost by the same margin in every repeat unjudged, within noise, not significantly worse', () => {
    // b loses exactly 0.002 to a in both repeats: no spread, so no p-value.
    const runs = [run('a', 0, 0.95), run('b', 0, 0.948), run('a', 1, 0.96), run('b', 1, 0.958)];
    const stats = compareSchedulers(runs, 2000);
    expect(stats.schedulers[1].versusBest).toEqual({ meanDifference: 0.95 - 0.948, pairs: 2, pValue: null, adjustedPValue: null, significant: null });
    expect(stats.withinNoise).toEqual(['a', 'b']);
    expect(stats.conclusion).toBe(
      'Best: a (best validation accuracy 95.50% over 2 repeats). Within noise of it (Holm-adjusted paired t-test, p >= 0.05): b. Significantly worse: none.',
    );
  });
});
