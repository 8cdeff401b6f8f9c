import type { EpochRecord } from '../../results/results.js';
import type { ResultsFile, RunResult } from '../../results/results.js';
import { extentOf, maxOf, minOf } from '../../extent.js';

/** The per-epoch metrics that the charts draw. */
export type EpochMetric = 'learningRate' | 'loss' | 'accuracy' | 'validationLoss' | 'validationAccuracy';

/** One point of a curve: a scheduler's value at an epoch, aggregated over its repeats. */
export interface CurvePoint {
  readonly series: string;
  readonly epoch: number;
  /** Mean over the repeats that have a finite value at this epoch. */
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** How many repeats contributed (a diverged repeat stops contributing). */
  readonly n: number;
}

/** One point of one repeat's curve, unaggregated. */
export interface RepeatPoint {
  readonly series: string;
  readonly repeat: number;
  readonly epoch: number;
  readonly value: number;
}

/** Scheduler labels in the order the runs were made: the order of every legend and colour. */
export function seriesNames(results: ResultsFile): string[] {
  return [...new Set(results.runs.map((run) => run.label))];
}

export function groupRuns(runs: readonly RunResult[]): Map<string, RunResult[]> {
  const groups = new Map<string, RunResult[]>();
  for (const run of runs) groups.set(run.label, [...(groups.get(run.label) ?? []), run]);
  return groups;
}

/** The largest repeat count of any scheduler: above 1, curves become a mean with a band. */
export function repeatCount(results: ResultsFile): number {
  let most = 0;
  for (const runs of groupRuns(results.runs).values()) most = Math.max(most, runs.length);
  return most;
}

/** A value read from JSON: diverged epochs were written as NaN, which JSON stores as null. */
function finite(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Per scheduler and epoch: mean, min and max of a metric across repeats.
 * Non-finite values (a diverged run) are left out rather than drawn.
 */
export function curve(results: ResultsFile, metric: EpochMetric): CurvePoint[] {
  const points: CurvePoint[] = [];
  for (const [series, runs] of groupRuns(results.runs)) {
    const byEpoch = new Map<number, number[]>();
    for (const run of runs) {
      for (const record of run.history as readonly EpochRecord[]) {
        const value = record[metric] as number | null;
        if (!finite(value)) continue;
        byEpoch.set(record.epoch, [...(byEpoch.get(record.epoch) ?? []), value]);
      }
    }
    for (const epoch of [...byEpoch.keys()].sort((a, b) => a - b)) {
      const values = byEpoch.get(epoch)!;
      points.push({
        series,
        epoch,
        mean: values.reduce((sum, value) => sum + value, 0) / values.length,
        ...extentOf(values),
        n: values.length,
      });
    }
  }
  return points;
}

/** Every repeat's own curve (the learning rate of a metric-driven scheduler differs per repeat). */
export function repeatCurves(results: ResultsFile, metric: EpochMetric): RepeatPoint[] {
  const points: RepeatPoint[] = [];
  for (const run of results.runs) {
    for (const record of run.history) {
      const value = record[metric] as number | null;
      if (finite(value)) points.push({ series: run.label, repeat: run.repeat, epoch: record.epoch, value });
    }
  }
  return points;
}

/** True when the positive values span at least `decades` powers of ten: draw them on a log axis. */
export function spansDecades(values: readonly number[], decades = 2): boolean {
  const positive = values.filter((value) => value > 0 && Number.isFinite(value));
  if (positive.length < 2) return false;
  return Math.log10(maxOf(positive) / minOf(positive)) >= decades;
}
