import type { RunResult, RunSummary } from './results.js';
import { studentTCdf, studentTQuantile } from './student-t.js';
import { maxOf } from '../extent.js';

/** The metrics aggregated across repeats; all are numbers in every run summary. */
export const AGGREGATED_METRICS = [
  'bestValidationAccuracy',
  'finalValidationAccuracy',
  'lowestValidationLoss',
  'finalValidationLoss',
  'testAccuracy',
  'testAccuracyAtBestValidationLoss',
  'seconds',
  'secondsPerEpoch',
] as const satisfies readonly (keyof RunSummary)[];
export type AggregatedMetric = (typeof AGGREGATED_METRICS)[number];

/** The metric that ranks schedulers and that the significance test compares. */
export const RANKING_METRIC: AggregatedMetric = 'bestValidationAccuracy';
export const SIGNIFICANCE_LEVEL = 0.05;
export const TEST_METHOD =
  'paired t-test across repeats (repeat k of every scheduler shares seed k), two-sided, ' +
  'on best validation accuracy against the best scheduler, p-values Holm-adjusted for the number of comparisons';
/** The method of a tuned comparison (run --tune-lr; see tuning.ts): selection and comparison on different seeds. */
export const TUNED_METHOD =
  'each scheduler\'s rate chosen on validation (mean over the selection repeats, seeds seed..seed+repeats-1), ' +
  'then compared at the chosen rates on fresh seeds (confirmation repeat k, from k = repeats, of every scheduler uses seed + k): ' +
  'paired t-test across confirmation repeats, two-sided, on test accuracy against the best scheduler, p-values Holm-adjusted for the number of comparisons';
/** What ranks a tuned comparison: the rates were chosen on validation, so the comparison is judged on the test set. */
export const TUNED_RANKING_METRIC: AggregatedMetric = 'testAccuracy';

const METRIC_WORDS: Partial<Record<AggregatedMetric, string>> = { bestValidationAccuracy: 'best validation accuracy', testAccuracy: 'test accuracy' };

export interface MetricStatistics {
  readonly n: number;
  readonly mean: number;
  /** Sample standard deviation (n - 1); 0 for a single value. */
  readonly std: number;
  /** 95% confidence interval of the mean (Student's t); null with fewer than 2 values. */
  readonly ci95: readonly [number, number] | null;
}

export interface PairedComparison {
  /** Mean of (best - this) over the paired repeats. */
  readonly meanDifference: number;
  readonly pairs: number;
  readonly pValue: number | null;
  readonly adjustedPValue: number | null;
  /** null when it cannot be judged (fewer than 2 pairs). */
  readonly significant: boolean | null;
}

export interface SchedulerStatistics {
  readonly label: string;
  readonly repeats: number;
  readonly metrics: Readonly<Record<AggregatedMetric, MetricStatistics>>;
  /** Repeats that reached the target accuracy, and the mean epoch among those. */
  readonly epochsToTarget: { readonly reached: number; readonly meanEpoch: number | null };
  readonly diverged: number;
  /** Against the best scheduler; null for the best itself. */
  readonly versusBest: PairedComparison | null;
}

export interface ComparisonStatistics {
  readonly method: string;
  readonly rankingMetric: AggregatedMetric;
  readonly significanceLevel: number;
  readonly repeats: number;
  readonly best: string;
  /** Best first. */
  readonly schedulers: readonly SchedulerStatistics[];
  /** Labels whose difference from the best cannot be told from noise (the best included). */
  readonly withinNoise: readonly string[];
  readonly conclusion: string;
}

export function describeValues(values: readonly number[]): MetricStatistics {
  const finite = values.filter((value) => Number.isFinite(value));
  const n = finite.length;
  if (n === 0) return { n, mean: Number.NaN, std: Number.NaN, ci95: null };
  const mean = finite.reduce((sum, value) => sum + value, 0) / n;
  if (n < 2) return { n, mean, std: 0, ci95: null };
  const std = Math.sqrt(finite.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (n - 1));
  const halfWidth = (studentTQuantile(0.975, n - 1) * std) / Math.sqrt(n);
  return { n, mean, std, ci95: [mean - halfWidth, mean + halfWidth] };
}

/** Two-sided paired t-test of the differences; null p-value with fewer than 2 pairs. */
export function pairedTTest(differences: readonly number[]): { meanDifference: number; pValue: number | null } {
  const { n, mean, std } = describeValues(differences);
  if (n < 2) return { meanDifference: mean, pValue: null };
  // Identical differences in every repeat leave no spread to test against: with two repeats
  // that happens by chance (one validation sample twice), so it cannot be judged.
  if (std === 0) return { meanDifference: mean, pValue: mean === 0 ? 1 : null };
  const t = mean / (std / Math.sqrt(n));
  return { meanDifference: mean, pValue: 2 * studentTCdf(-Math.abs(t), n - 1) };
}

/** Welch's two-sided t-test of two independent samples; null p-value when either has fewer than 2 values. */
export function welchTTest(first: readonly number[], second: readonly number[]): { meanDifference: number; pValue: number | null } {
  const a = describeValues(first);
  const b = describeValues(second);
  const meanDifference = a.mean - b.mean;
  if (a.n < 2 || b.n < 2) return { meanDifference, pValue: null };
  const varianceA = (a.std * a.std) / a.n;
  const varianceB = (b.std * b.std) / b.n;
  const standardError = Math.sqrt(varianceA + varianceB);
  if (standardError === 0) return { meanDifference, pValue: meanDifference === 0 ? 1 : null };
  const degreesOfFreedom = (varianceA + varianceB) ** 2 / (varianceA ** 2 / (a.n - 1) + varianceB ** 2 / (b.n - 1));
  const t = meanDifference / standardError;
  return { meanDifference, pValue: 2 * studentTCdf(-Math.abs(t), degreesOfFreedom) };
}

/** Holm-Bonferroni step-down adjustment; keeps the input order, nulls stay null. */
export function holmAdjust(pValues: readonly (number | null)[]): (number | null)[] {
  const present = pValues.map((p, index) => ({ p, index })).filter((entry): entry is { p: number; index: number } => entry.p !== null);
  present.sort((a, b) => a.p - b.p);
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 0;
  present.forEach((entry, rank) => {
    running = Math.max(running, Math.min(1, (present.length - rank) * entry.p));
    adjusted[entry.index] = running;
  });
  return adjusted;
}

function groupByLabel(runs: readonly RunResult[]): Map<string, RunResult[]> {
  const groups = new Map<string, RunResult[]>();
  for (const run of runs) groups.set(run.label, [...(groups.get(run.label) ?? []), run]);
  return groups;
}

function valueOf(run: RunResult, metric: AggregatedMetric): number {
  const value = run.summary[metric];
  return typeof value === 'number' ? value : Number.NaN;
}

/** Standard error, in accuracy points, of an accuracy measured on `samples` examples. */
export function accuracyStandardError(accuracy: number, samples: number): number {
  return Math.sqrt((accuracy * (1 - accuracy)) / samples);
}

function list(labels: readonly string[]): string {
  return labels.length === 0 ? 'none' : labels.join(', ');
}

/**
 * Aggregates the runs of each scheduler across repeats and says which
 * differences from the best scheduler are real.
 */
export function compareSchedulers(allRuns: readonly RunResult[], validationSamples: number): ComparisonStatistics {
  // A tuned comparison's selection runs chose the rates: comparing them too would reward the winner's curse.
  const tuned = allRuns.some((run) => run.phase !== undefined);
  const runs = tuned ? allRuns.filter((run) => run.phase === 'confirmation') : allRuns;
  const rankingMetric = tuned ? TUNED_RANKING_METRIC : RANKING_METRIC;
  const method = tuned ? TUNED_METHOD : TEST_METHOD;
  const metricWords = METRIC_WORDS[rankingMetric] ?? rankingMetric;
  const groups = groupByLabel(runs);
  const aggregated = [...groups.entries()].map(([label, group]) => {
    const metrics = Object.fromEntries(
      AGGREGATED_METRICS.map((metric) => [metric, describeValues(group.map((run) => valueOf(run, metric)))]),
    ) as Record<AggregatedMetric, MetricStatistics>;
    const reached = group.map((run) => run.summary.epochsToTarget).filter((epoch): epoch is number => epoch !== null);
    return {
      label,
      group,
      metrics,
      epochsToTarget: { reached: reached.length, meanEpoch: reached.length ? reached.reduce((a, b) => a + b, 0) / reached.length : null },
      diverged: group.filter((run) => run.summary.divergedAtEpoch !== null).length,
    };
  });
  const score = (entry: (typeof aggregated)[number]) => {
    const mean = entry.metrics[rankingMetric].mean;
    return Number.isFinite(mean) ? mean : -Infinity;
  };
  aggregated.sort((a, b) => score(b) - score(a));
  const best = aggregated[0];
  if (!best) {
    return { method, rankingMetric, significanceLevel: SIGNIFICANCE_LEVEL, repeats: 0, best: '', schedulers: [], withinNoise: [], conclusion: 'No run has finished yet.' };
  }
  const repeats = maxOf(aggregated.map((entry) => entry.group.length));

  const comparisons = aggregated.slice(1).map((entry) => {
    const bestByRepeat = new Map(best.group.map((run) => [run.repeat, valueOf(run, rankingMetric)]));
    const differences = entry.group
      .filter((run) => bestByRepeat.has(run.repeat))
      .map((run) => (bestByRepeat.get(run.repeat) as number) - valueOf(run, rankingMetric))
      .filter((difference) => Number.isFinite(difference));
    return { pairs: differences.length, ...pairedTTest(differences) };
  });
  const adjusted = holmAdjust(comparisons.map((comparison) => comparison.pValue));
  const schedulers: SchedulerStatistics[] = aggregated.map((entry, index) => {
    const comparison = index === 0 ? null : comparisons[index - 1];
    const adjustedP = index === 0 ? null : adjusted[index - 1];
    return {
      label: entry.label,
      repeats: entry.group.length,
      metrics: entry.metrics,
      epochsToTarget: entry.epochsToTarget,
      diverged: entry.diverged,
      versusBest: comparison && {
        meanDifference: comparison.meanDifference,
        pairs: comparison.pairs,
        pValue: comparison.pValue,
        adjustedPValue: adjustedP,
        significant: adjustedP === null ? null : adjustedP < SIGNIFICANCE_LEVEL,
      },
    };
  });

  const withinNoise = schedulers.filter((entry) => entry.versusBest === null || entry.versusBest.significant !== true).map((entry) => entry.label);
  const worse = schedulers.filter((entry) => entry.versusBest?.significant === true).map((entry) => entry.label);
  const bestMean = best.metrics[rankingMetric].mean;
  let conclusion: string;
  if (repeats < 2) {
    const standardError = accuracyStandardError(bestMean, validationSamples);
    conclusion =
      `Best by ${metricWords}: ${best.label} (${(100 * bestMean).toFixed(2)}%). ` +
      `No significance can be judged from one run per scheduler: run with --repeats 3 or more. ` +
      `On ${validationSamples} validation samples an accuracy near ${(100 * bestMean).toFixed(1)}% has a standard error of ` +
      `${(100 * standardError).toFixed(2)} points, so differences under about ${(100 * 2 * Math.SQRT2 * standardError).toFixed(1)} points are noise.`;
  } else {
    conclusion =
      `Best: ${best.label} (${metricWords} ${(100 * bestMean).toFixed(2)}% over ${repeats} repeats). ` +
      `Within noise of it (Holm-adjusted paired t-test, p >= ${SIGNIFICANCE_LEVEL}): ${list(withinNoise.filter((label) => label !== best.label))}. ` +
      `Significantly worse: ${list(worse)}.`;
  }
  return {
    method,
    rankingMetric,
    significanceLevel: SIGNIFICANCE_LEVEL,
    repeats,
    best: best.label,
    schedulers,
    withinNoise,
    conclusion,
  };
}
