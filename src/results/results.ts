import type { OptimizerSettings } from '../train/optimizers.js';
import type { ParamValue } from '../schedulers/types.js';
import type { ComparisonStatistics } from './statistics.js';
import type { RunPhase, TuningConfiguration, TuningRecord } from './tuning.js';

/**
 * The results file's schema (what `lr-compare run` writes and every other
 * command reads), and the per-run summary computed from a run's history.
 * results-file.ts reads and validates files; statistics.ts compares runs.
 */

/** What one epoch produced; `epoch` counts from 1 as Keras prints it. */
export interface EpochRecord {
  readonly epoch: number;
  /** The learning rate at the epoch's first batch. */
  readonly learningRate: number;
  /**
   * The momentum at the epoch's first batch (momentum SGD's momentum, Adam/AdamW's beta1,
   * RMSProp's momentum): cycled by cyclic/onecycle, else the optimizer's own. Absent for
   * optimizers without one that a schedule could drive (sgd, schedule-free).
   */
  readonly momentum?: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly validationLoss: number;
  readonly validationAccuracy: number;
  readonly seconds: number;
}

export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
}

/**
 * Bumped when the results file changes in a way older readers cannot follow.
 * 2: tuned comparisons (configuration.tuning, a top-level `tuning`, runs with `phase` and `gridPoint`).
 */
export const RESULTS_VERSION = 2;

/** Every option of a run, as resolved (defaults filled in). */
export interface RunConfiguration {
  readonly schedulers: readonly string[];
  readonly epochs: number;
  readonly lr: number;
  readonly batchSize: number;
  /** The optimizer of runs whose spec names none; each run records its own (RunResult.optimizer). */
  readonly optimizer: string;
  /** --weight-decay, when given (adamw and schedule-free runs). */
  readonly weightDecay?: number;
  readonly seed: number;
  readonly repeats: number;
  readonly samples: number;
  readonly valSplit: number;
  readonly testSamples: number;
  readonly dataDir: string;
  readonly targetAcc: number;
  readonly backendRequested: string;
  readonly model: { readonly inputs: number; readonly hidden: number; readonly classes: number };
  readonly trainSamples: number;
  readonly validationSamples: number;
  /** With --lr auto: the range test's rule and suggestion, which became `lr`. */
  readonly lrAuto?: { readonly rule: string; readonly learningRate: number; readonly description: string };
  /** With --tune-lr: the rate grid, the selection metric and the confirmation repeats (see results/tuning.ts). */
  readonly tuning?: TuningConfiguration;
}

export interface RunEnvironment {
  readonly backend: string;
  readonly backendPackage: string;
  readonly backendVersion: string;
  /** Why faster backends were not used, when `auto` fell back. */
  readonly backendFallbacks: readonly string[];
  readonly lrCompare: string;
  readonly tfjs: string;
  readonly node: string;
  readonly platform: string;
  readonly cpus: number;
}

export interface RunSummary {
  readonly epochsRun: number;
  readonly finalValidationAccuracy: number;
  readonly bestValidationAccuracy: number;
  readonly bestValidationAccuracyEpoch: number;
  readonly lowestValidationLoss: number;
  readonly lowestValidationLossEpoch: number;
  readonly finalValidationLoss: number;
  readonly finalLoss: number;
  readonly finalAccuracy: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  /** Test accuracy of the weights kept at the lowest validation loss. */
  readonly testAccuracyAtBestValidationLoss: number;
  readonly testLossAtBestValidationLoss: number;
  readonly finalLearningRate: number;
  /** First epoch whose validation accuracy reached the target, or null for never. */
  readonly epochsToTarget: number | null;
  readonly divergedAtEpoch: number | null;
  readonly seconds: number;
  readonly secondsPerEpoch: number;
}

export interface RunResult {
  readonly label: string;
  readonly scheduler: string;
  readonly spec: string;
  readonly params: Readonly<Record<string, ParamValue>>;
  /** The run's optimizer and every hyperparameter it trained with (runs of one comparison may differ: `optimizer=` in a spec). */
  readonly optimizer?: OptimizerSettings;
  /** 0-based repeat index; the seed of repeat k is shared by every scheduler. */
  readonly repeat: number;
  readonly seed: number;
  /** Tuned comparisons: whether this run selects a rate or confirms the chosen one. */
  readonly phase?: RunPhase;
  /** Tuned comparisons: the base rate (and swept spec parameters) this run trained at. */
  readonly gridPoint?: Readonly<Record<string, ParamValue>> & { readonly lr: number };
  readonly history: readonly EpochRecord[];
  readonly summary: RunSummary;
}

/**
 * A run that was still training when the comparison stopped (Ctrl-C,
 * SIGTERM): who it is and the epochs it finished, as a finished run records
 * them, but no summary (its test metrics were never taken). `--resume`
 * trains it again from its first epoch: no weights are saved.
 */
export type UnfinishedRun = Omit<RunResult, 'summary'>;

export interface ResultsFile {
  readonly version: number;
  readonly createdAt: string;
  /** False while runs are still to come (the file is rewritten after each run). */
  readonly complete: boolean;
  /** Present when this file holds one slice of the plan (--shard i/n); `lr-compare merge` combines them. */
  readonly shard?: { readonly index: number; readonly count: number };
  readonly configuration: RunConfiguration;
  readonly environment: RunEnvironment;
  readonly runs: readonly RunResult[];
  /**
   * Only in an interrupted file: the runs that were training, each with the
   * epochs it had finished (at least one), in plan order. Not counted in
   * `runs` or the statistics; readers of finished runs ignore them.
   */
  readonly unfinishedRuns?: readonly UnfinishedRun[];
  /** Aggregates across repeats and the significance of each difference from the best. */
  readonly statistics: ComparisonStatistics;
  /** Tuned comparisons: the grid, the selection metric, each scheduler's chosen rate and the sensitivity. */
  readonly tuning?: TuningRecord;
}

function argBest(values: readonly number[], better: (a: number, b: number) => boolean): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (better(values[i], values[best])) best = i;
  return best;
}

export function summarize(
  history: readonly EpochRecord[],
  outcome: { test: Evaluation; testAtBestValidationLoss: Evaluation; divergedAtEpoch: number | null; seconds: number },
  targetAccuracy: number,
): RunSummary {
  const last = history[history.length - 1];
  const accuracies = history.map((record) => record.validationAccuracy);
  // NaN never compares as better, so a diverged epoch never counts as the best.
  const bestAccuracy = argBest(accuracies, (a, b) => a > b);
  const lowestLoss = argBest(history.map((record) => record.validationLoss), (a, b) => a < b || Number.isNaN(b));
  const reached = history.find((record) => record.validationAccuracy >= targetAccuracy);
  return {
    epochsRun: history.length,
    finalValidationAccuracy: last.validationAccuracy,
    bestValidationAccuracy: accuracies[bestAccuracy],
    bestValidationAccuracyEpoch: history[bestAccuracy].epoch,
    lowestValidationLoss: history[lowestLoss].validationLoss,
    lowestValidationLossEpoch: history[lowestLoss].epoch,
    finalValidationLoss: last.validationLoss,
    finalLoss: last.loss,
    finalAccuracy: last.accuracy,
    testAccuracy: outcome.test.accuracy,
    testLoss: outcome.test.loss,
    testAccuracyAtBestValidationLoss: outcome.testAtBestValidationLoss.accuracy,
    testLossAtBestValidationLoss: outcome.testAtBestValidationLoss.loss,
    finalLearningRate: last.learningRate,
    epochsToTarget: reached ? reached.epoch : null,
    divergedAtEpoch: outcome.divergedAtEpoch,
    seconds: outcome.seconds,
    secondsPerEpoch: outcome.seconds / history.length,
  };
}

/** The first field in which two configurations differ, as "field (a: x, b: y)", or null when they agree. */
export function configurationDifference(a: RunConfiguration, b: RunConfiguration, names: [string, string] = ['file', 'now']): string | null {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as (keyof RunConfiguration)[]);
  for (const key of keys) {
    const left = JSON.stringify(a[key]);
    const right = JSON.stringify(b[key]);
    if (left !== right) return `${key} (${names[0]}: ${left}, ${names[1]}: ${right})`;
  }
  return null;
}

/** A results file's text, as every command writes it (two-space indent, final newline; NaN and Infinity become null). */
export function resultsJson(results: ResultsFile): string {
  return `${JSON.stringify(results, null, 2)}\n`;
}
