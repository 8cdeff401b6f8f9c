/**
 * compareSchedulers on small hand-made comparisons: the ranking, the pairing by
 * repeat, the Holm-adjusted verdicts and the exact conclusion line, with every
 * expected number worked out in the comments (the t-tests with 2 degrees of
 * freedom, whose two-sided p-value is 1 - |t| / sqrt(2 + t^2)).
 */
import { describe, expect, it } from 'vitest';
import type { RunResult, RunSummary } from '../../src/results/results.js';
import { compareSchedulers, TEST_METHOD, TUNED_METHOD } from '../../src/results/statistics.js';

interface Shape {
  readonly accuracy: number | null;
  readonly test?: number;
  readonly epochsToTarget?: number | null;
  readonly divergedAtEpoch?: number | null;
  readonly seconds?: number;
  readonly phase?: 'selection' | 'confirmation';
}

function run(label: string, repeat: number, shape: Shape): RunResult {
  const summary = {
    epochsRun: 10,
    finalValidationAccuracy: 0.5,
    bestValidationAccuracy: shape.accuracy,
    bestValidationAccuracyEpoch: 9,
    lowestValidationLoss: 0.3,
    lowestValidationLossEpoch: 9,
    finalValidationLoss: 0.4,
    finalLoss: 0.1,
    finalAccuracy: 0.97,
    testAccuracy: shape.test ?? 0.5,
    testLoss: 0.2,
    testAccuracyAtBestValidationLoss: 0.5,
    testLossAtBestValidationLoss: 0.2,
    finalLearningRate: 0.1,
    epochsToTarget: shape.epochsToTarget ?? null,
    divergedAtEpoch: shape.divergedAtEpoch ?? null,
    seconds: shape.seconds ?? 1,
    secondsPerEpoch: 0.1,
  } as RunSummary;
  const phase = shape.phase ? { phase: shape.phase, gridPoint: { lr: 0.1 } } : {};
  return { label, scheduler: label, spec: label, params: {}, repeat, seed: 42 + repeat, ...phase, history: [], summary };
}

const runsOf = (label: string, accuracies: readonly (number | null)[], shape: Omit<Shape, 'accuracy'> = {}) =>
  accuracies.map((accuracy, repeat) => run(label, repeat, { ...shape, accuracy }));

/** Two-sided p of a t statistic with 2 degrees of freedom (closed form). */
const p2 = (t: number) => 1 - Math.abs(t) / Math.sqrt(2 + t * t);

describe('compareSchedulers', () => {
  // a: 0.95 0.96 0.94 (mean 0.95); b: 0.93 0.95 0.94 (0.94); c: 0.90 each (0.90).
  // a - b = 0.02 0.01 0.00: mean 0.01, sd 0.01, t = 0.01 / (0.01 / sqrt 3) = sqrt 3, p = 1 - sqrt(3/5) = 0.2254
  // a - c = 0.05 0.06 0.04: mean 0.05, sd 0.01, t = 5 sqrt 3,                     p = 1 - sqrt(75/77) = 0.0131
  // Holm over 2: c 2 * 0.0131 = 0.0261 (significant), b max(0.0261, 0.2254) = 0.2254 (not).
  const a = runsOf('a', [0.95, 0.96, 0.94], { seconds: 10, epochsToTarget: 4 });
  const b = runsOf('b', [0.93, 0.95, 0.94]);
  const c = runsOf('c', [0.9, 0.9, 0.9], { seconds: 30 });

  it('ranks by the mean, whatever the order of the runs, and pairs each repeat with the best', () => {
    const stats = compareSchedulers([...c, ...b, ...a], 2000);
    expect(stats.method).toBe(TEST_METHOD);
    // The method is what a reader of the results file and the table is told; written out by hand.
    expect(stats.method).toBe(
      'paired t-test across repeats (repeat k of every scheduler shares seed k), two-sided, ' +
        'on best validation accuracy against the best scheduler, p-values Holm-adjusted for the number of comparisons',
    );
    expect(stats.rankingMetric).toBe('bestValidationAccuracy');
    expect(stats.significanceLevel).toBe(0.05);
    expect(stats.repeats).toBe(3);
    expect(stats.best).toBe('a');
    expect(stats.schedulers.map((entry) => entry.label)).toEqual(['a', 'b', 'c']);
    expect(stats.schedulers[0].versusBest).toBeNull();
    const [, versusB, versusC] = stats.schedulers.map((entry) => entry.versusBest);
    expect(versusB?.pairs).toBe(3);
    expect(versusB?.meanDifference).toBeCloseTo(0.01, 14);
    expect(versusB?.pValue).toBeCloseTo(p2(Math.sqrt(3)), 9);
    expect(versusB?.adjustedPValue).toBeCloseTo(p2(Math.sqrt(3)), 9);
    expect(versusB?.significant).toBe(false);
    expect(versusC?.meanDifference).toBeCloseTo(0.05, 14);
    expect(versusC?.pValue).toBeCloseTo(p2(5 * Math.sqrt(3)), 9);
    expect(versusC?.adjustedPValue).toBeCloseTo(2 * p2(5 * Math.sqrt(3)), 9);
    expect(versusC?.significant).toBe(true);
    expect(stats.withinNoise).toEqual(['a', 'b']);
    expect(stats.conclusion).toBe(
      'Best: a (best validation accuracy 95.00% over 3 repeats). Within noise of it (Holm-adjusted paired t-test, p >= 0.05): b. Significantly worse: c.',
    );
  });

  it('aggregates every metric, the epochs to target and the diverged runs per scheduler', () => {
    const diverging = runsOf('c', [0.9, 0.9, 0.9], { divergedAtEpoch: 7 });
    const reaching = [run('a', 0, { accuracy: 0.95, epochsToTarget: 3 }), run('a', 1, { accuracy: 0.96, epochsToTarget: 5 }), run('a', 2, { accuracy: 0.94 })];
    const stats = compareSchedulers([...reaching, ...b, ...diverging.slice(0, 2), ...c.slice(2)], 2000);
    const [first, second, third] = stats.schedulers;
    expect(Object.keys(first.metrics)).toEqual([
      'bestValidationAccuracy',
      'finalValidationAccuracy',
      'lowestValidationLoss',
      'finalValidationLoss',
      'testAccuracy',
      'testAccuracyAtBestValidationLoss',
      'seconds',
      'secondsPerEpoch',
    ]);
    expect(first.metrics.bestValidationAccuracy.mean).toBeCloseTo(0.95, 14);
    expect(first.metrics.bestValidationAccuracy.std).toBeCloseTo(0.01, 14);
    expect(first.metrics.finalValidationAccuracy).toEqual({ n: 3, mean: 0.5, std: 0, ci95: [0.5, 0.5] });
    expect(first.metrics.finalValidationLoss.mean).toBeCloseTo(0.4, 14);
    expect(first.repeats).toBe(3);
    expect(first.epochsToTarget).toEqual({ reached: 2, meanEpoch: 4 });
    expect(second.epochsToTarget).toEqual({ reached: 0, meanEpoch: null });
    expect(first.diverged).toBe(0);
    expect(third.diverged).toBe(2);
    expect(third.metrics.seconds.mean).toBeCloseTo((1 + 1 + 30) / 3, 14);
  });

  it('says none is within noise when every other scheduler is significantly worse', () => {
    const stats = compareSchedulers([...a, ...c], 2000);
    // One comparison: Holm leaves p = 0.0131 as it is.
    expect(stats.schedulers[1].versusBest?.adjustedPValue).toBeCloseTo(p2(5 * Math.sqrt(3)), 9);
    expect(stats.withinNoise).toEqual(['a']);
    expect(stats.conclusion).toBe(
      'Best: a (best validation accuracy 95.00% over 3 repeats). Within noise of it (Holm-adjusted paired t-test, p >= 0.05): none. Significantly worse: c.',
    );
  });

  it('pairs only the repeats both schedulers ran, and leaves out a pair whose value is missing', () => {
    // a ran repeats 0-2, b repeats 1-3 (repeat 3 poor): pairs at repeats 1 and 2, a - b = 0.02 and 0.01.
    const shifted = [run('b', 1, { accuracy: 0.94 }), run('b', 2, { accuracy: 0.93 }), run('b', 3, { accuracy: 0.5 })];
    const stats = compareSchedulers([...a, ...shifted], 2000);
    expect(stats.schedulers[1].versusBest?.pairs).toBe(2);
    expect(stats.schedulers[1].versusBest?.meanDifference).toBeCloseTo(0.015, 14);
    // a - b = 0.02, 0.01: mean 0.015, sd 0.00707, t = 0.015 / 0.005 = 3 on 1 df: p = 1 - 2 atan(3) / pi
    expect(stats.schedulers[1].versusBest?.pValue).toBeCloseTo(1 - (2 * Math.atan(3)) / Math.PI, 9);
    // b's repeat 2 diverged before its first validation (null accuracy): one pair left, no p-value.
    const diverged = [run('b', 1, { accuracy: 0.94 }), run('b', 2, { accuracy: null })];
    const withGap = compareSchedulers([...a, ...diverged], 2000);
    expect(withGap.schedulers[1].versusBest).toEqual({ meanDifference: expect.closeTo(0.02, 14), pairs: 1, pValue: null, adjustedPValue: null, significant: null });
    expect(withGap.schedulers[1].metrics.bestValidationAccuracy.n).toBe(1);
  });

  it('ranks a scheduler whose every run diverged last, not first', () => {
    const stats = compareSchedulers([...runsOf('d', [null, null, null]), ...b, ...a], 2000);
    expect(stats.schedulers.map((entry) => entry.label)).toEqual(['a', 'b', 'd']);
    expect(stats.schedulers[2].metrics.bestValidationAccuracy.n).toBe(0);
    expect(stats.schedulers[2].versusBest?.pairs).toBe(0);
  });

  it('says how large a difference one run per scheduler can show', () => {
    const stats = compareSchedulers([run('b', 0, { accuracy: 0.93 }), run('a', 0, { accuracy: 0.944 })], 2000);
    expect(stats.repeats).toBe(1);
    // sqrt(0.944 * 0.056 / 2000) = 0.005141 -> 0.51 points; 2 sqrt 2 * 0.5141 = 1.454 -> 1.5 points.
    expect(stats.conclusion).toBe(
      'Best by best validation accuracy: a (94.40%). No significance can be judged from one run per scheduler: run with --repeats 3 or more. ' +
        'On 2000 validation samples an accuracy near 94.4% has a standard error of 0.51 points, so differences under about 1.5 points are noise.',
    );
    expect(stats.schedulers[1].versusBest).toEqual({ meanDifference: expect.closeTo(0.014, 14), pairs: 1, pValue: null, adjustedPValue: null, significant: null });
  });

  it('compares only the confirmation runs of a tuned comparison, on test accuracy', () => {
    // Selection runs (better validation accuracy for b) must not count; confirmation repeats 2, 3.
    const selection = [run('b', 0, { accuracy: 0.99, test: 0.99, phase: 'selection' }), run('a', 0, { accuracy: 0.5, test: 0.5, phase: 'selection' })];
    const confirmation = [
      run('a', 2, { accuracy: 0.5, test: 0.91, phase: 'confirmation' }),
      run('a', 3, { accuracy: 0.5, test: 0.92, phase: 'confirmation' }),
      run('b', 2, { accuracy: 0.99, test: 0.9, phase: 'confirmation' }),
      run('b', 3, { accuracy: 0.99, test: 0.9, phase: 'confirmation' }),
    ];
    const stats = compareSchedulers([...selection, ...confirmation], 100);
    expect(stats.method).toBe(TUNED_METHOD);
    expect(stats.method).toBe(
      "each scheduler's rate chosen on validation (mean over the selection repeats, seeds seed..seed+repeats-1), " +
        'then compared at the chosen rates on fresh seeds (confirmation repeat k, from k = repeats, of every scheduler uses seed + k): ' +
        'paired t-test across confirmation repeats, two-sided, on test accuracy against the best scheduler, p-values Holm-adjusted for the number of comparisons',
    );
    expect(stats.rankingMetric).toBe('testAccuracy');
    expect(stats.repeats).toBe(2);
    // a - b = 0.01, 0.02: t = 0.015 / 0.005 = 3 on 1 df.
    expect(stats.schedulers[1].versusBest?.pValue).toBeCloseTo(1 - (2 * Math.atan(3)) / Math.PI, 9);
    expect(stats.conclusion).toBe(
      'Best: a (test accuracy 91.50% over 2 repeats). Within noise of it (Holm-adjusted paired t-test, p >= 0.05): b. Significantly worse: none.',
    );
    const single = compareSchedulers([...selection, ...confirmation.filter((entry) => entry.repeat === 2)], 100);
    // sqrt(0.91 * 0.09 / 100) = 0.02862 -> 2.86 points; 2 sqrt 2 * 2.862 = 8.09 -> 8.1 points.
    expect(single.conclusion).toBe(
      'Best by test accuracy: a (91.00%). No significance can be judged from one run per scheduler: run with --repeats 3 or more. ' +
        'On 100 validation samples an accuracy near 91.0% has a standard error of 2.86 points, so differences under about 8.1 points are noise.',
    );
  });

  it('says that no run has finished when there is none', () => {
    expect(compareSchedulers([], 2000)).toEqual({
      method: TEST_METHOD,
      rankingMetric: 'bestValidationAccuracy',
      significanceLevel: 0.05,
      repeats: 0,
      best: '',
      schedulers: [],
      withinNoise: [],
      conclusion: 'No run has finished yet.',
    });
  });
});

describe('compareSchedulers: lists of labels in the conclusion', () => {
  // a, b and c as above; b2 equals b, so a - b2 = a - b (p 0.2254 each; Holm 0.4508 for both).
  it('joins several labels with a comma', () => {
    const a = runsOf('a', [0.95, 0.96, 0.94]);
    const b = runsOf('b', [0.93, 0.95, 0.94]);
    const b2 = runsOf('b2', [0.93, 0.95, 0.94]);
    const stats = compareSchedulers([...a, ...b, ...b2], 2000);
    expect(stats.conclusion).toBe(
      'Best: a (best validation accuracy 95.00% over 3 repeats). Within noise of it (Holm-adjusted paired t-test, p >= 0.05): b, b2. Significantly worse: none.',
    );
    // a - c = 0.05 0.06 0.04 and a - d = 0.15 0.16 0.14: t = 5 sqrt 3 and 15 sqrt 3 on 2 df;
    // p = 0.0131 and 1 - sqrt(675/677) = 0.00148; Holm: 2 * 0.00148 and 0.0131: both significant.
    const c = runsOf('c', [0.9, 0.9, 0.9]);
    const d = runsOf('d', [0.8, 0.8, 0.8]);
    const worse = compareSchedulers([...a, ...c, ...d], 2000);
    expect(worse.schedulers[2].versusBest?.adjustedPValue).toBeCloseTo(2 * p2(15 * Math.sqrt(3)), 9);
    expect(worse.conclusion).toBe(
      'Best: a (best validation accuracy 95.00% over 3 repeats). Within noise of it (Holm-adjusted paired t-test, p >= 0.05): none. Significantly worse: c, d.',
    );
  });
});
