import type { ResultsFile, RunConfiguration, RunResult } from './results.js';
import { describeValues } from './statistics.js';

/**
 * Tuned comparisons (run --tune-lr): which runs select each scheduler's rate,
 * which confirm it, and the selection itself. Pure functions of a results
 * file's configuration and runs, so `run`, `merge` and the reader compute the
 * same selection from the same runs (that is what makes shards merge exactly).
 *
 * The protocol: selection repeat k (0 <= k < repeats) of every scheduler at
 * every grid rate uses seed + k; each scheduler's rate is the one with the best
 * mean selection score (validation) over those repeats, ties to the smaller
 * rate. Confirmation repeat k (repeats <= k < repeats + confirmRepeats) uses
 * seed + k: seeds the selection never saw, the same for every scheduler, so
 * the paired tests pair them. Only confirmation runs enter the statistics,
 * ranked on test accuracy.
 */

export const SELECT_CHOICES = ['val_acc', 'val_loss'] as const;
export type SelectMetric = (typeof SELECT_CHOICES)[number];
export type RunPhase = 'selection' | 'confirmation';

/** What a configuration says about tuning (absent: an untuned comparison). */
export interface TuningConfiguration {
  /** The base-rate grid, ascending. */
  readonly lr: readonly number[];
  readonly select: SelectMetric;
  /** Confirmation repeats; selection uses the configuration's `repeats`. */
  readonly confirmRepeats: number;
}

export interface SensitivityPoint {
  readonly lr: number;
  readonly n: number;
  readonly mean: number;
  readonly std: number;
}

export interface TuningRecord {
  readonly grid: { readonly lr: readonly number[] };
  readonly select: SelectMetric;
  /** Seeds as [first, last]: selection and confirmation never share one. */
  readonly seeds: { readonly selection: readonly [number, number]; readonly confirmation: readonly [number, number] };
  /** Per label: the chosen rate and its mean selection score. Present once every selection run is in. */
  readonly selected?: Readonly<Record<string, { readonly lr: number; readonly selectionScore: number }>>;
  /** Per label: the selection score at every grid rate (mean and sd over the selection repeats). */
  readonly sensitivity: Readonly<Record<string, readonly SensitivityPoint[]>>;
}

/** A run's selection score: higher is better for both metrics (val_loss is negated). NaN for a diverged run. */
export function selectionScore(run: RunResult, select: SelectMetric): number {
  const value = select === 'val_acc' ? run.summary.bestValidationAccuracy : run.summary.lowestValidationLoss;
  if (typeof value !== 'number' || !Number.isFinite(value)) return Number.NaN;
  return select === 'val_acc' ? value : -value;
}

export function isSelectionRun(run: RunResult): boolean {
  return run.phase === 'selection';
}

/** The runs a comparison's table and statistics use: the confirmation runs of a tuned file, else all. */
export function comparedRuns(runs: readonly RunResult[]): RunResult[] {
  return runs.filter((run) => !isSelectionRun(run));
}

/** A tuned file's view for the tables and charts of the comparison: only its confirmation runs. */
export function confirmationView(results: ResultsFile): ResultsFile {
  return results.tuning ? { ...results, runs: comparedRuns(results.runs) } : results;
}

/** The labels of a plan's runs in the order of the configuration's schedulers (those with a run here). */
export function labelsInPlanOrder(configuration: Pick<RunConfiguration, 'schedulers'>, runs: readonly RunResult[]): string[] {
  const labels = configuration.schedulers.map((spec) => runs.find((run) => run.spec === spec)?.label);
  return [...new Set([...labels.filter((label): label is string => label !== undefined), ...runs.map((run) => run.label)])];
}

/** A configuration's tuning record recomputed from a file's runs (merge, reading files back). */
export function tuningOfRuns(configuration: RunConfiguration, runs: readonly RunResult[]): TuningRecord | undefined {
  return tuningRecord(configuration, runs, labelsInPlanOrder(configuration, runs));
}

function labelsOf(runs: readonly RunResult[]): string[] {
  return [...new Set(runs.map((run) => run.label))];
}

/**
 * The selection record of a tuned configuration's runs. `selected` appears
 * only when every label has all its selection runs (labels from `labels`, the
 * plan's, when given; else those in the runs).
 */
export function tuningRecord(
  configuration: Pick<RunConfiguration, 'seed' | 'repeats' | 'tuning'>,
  runs: readonly RunResult[], labels?: readonly string[]): TuningRecord | undefined {
  const tuning = configuration.tuning;
  if (!tuning) return undefined;
  const selectionRuns = runs.filter(isSelectionRun);
  const names = labels ?? labelsOf(runs);
  const sensitivity: Record<string, SensitivityPoint[]> = {};
  const selected: Record<string, { lr: number; selectionScore: number }> = {};
  let allIn = names.length > 0;
  for (const label of names) {
    const points: SensitivityPoint[] = [];
    let best: { lr: number; selectionScore: number } | undefined;
    for (const lr of tuning.lr) {
      const scores = selectionRuns.filter((run) => run.label === label && run.gridPoint?.lr === lr).map((run) => selectionScore(run, tuning.select));
      if (scores.length < configuration.repeats) allIn = false;
      const { n, mean, std } = describeValues(scores);
      // A rate where some repeat diverged scores NaN: it is never chosen over one that trained.
      const score = scores.some((value) => Number.isNaN(value)) ? Number.NaN : mean;
      const shown = tuning.select === 'val_loss' ? -mean : mean;
      points.push({ lr, n, mean: shown, std });
      if (!Number.isNaN(score) && (best === undefined || score > best.selectionScore)) best = { lr, selectionScore: score };
    }
    sensitivity[label] = points;
    // Every rate diverged: the smallest rate is the least bad guess, and its score says NaN.
    const chosen = best ?? { lr: tuning.lr[0], selectionScore: Number.NaN };
    selected[label] = { lr: chosen.lr, selectionScore: tuning.select === 'val_loss' ? -chosen.selectionScore : chosen.selectionScore };
  }
  const first = configuration.seed;
  return {
    grid: { lr: [...tuning.lr] },
    select: tuning.select,
    seeds: {
      selection: [first, first + configuration.repeats - 1],
      confirmation: [first + configuration.repeats, first + configuration.repeats + tuning.confirmRepeats - 1],
    },
    ...(allIn ? { selected } : {}),
    sensitivity,
  };
}
