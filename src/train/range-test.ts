import * as tf from '@tensorflow/tfjs';
import { batchesPerEpoch } from '../data/batches.js';
import { UsageError } from '../errors.js';
import { rate } from '../format-rate.js';
import { createScheduler, parseSchedulerSpec } from '../schedulers/index.js';
import type { ClosedFormScheduler } from '../schedulers/types.js';
import { LearningRateScheduler } from '../callbacks/learning-rate-scheduler.js';
import { SMOOTHING_BETA, suggest, suggestionWindow, type LrFinderPoint, type LrSuggestions } from './lr-suggestions.js';
import { disposeOptimizer } from './optimizers.js';
import { epochOrder } from '../data/random.js';

/**
 * Leslie Smith's learning-rate range test ("Cyclical Learning Rates for
 * Training Neural Networks", 2017, section 3.3) as fastai's `lr_find` runs it,
 * for any compiled tfjs-layers model: train from the model's weights while the
 * rate rises batch by batch, record each batch's loss, smooth it, stop once it
 * blows up, read suggestions off the smoothed curve (./lr-suggestions.ts), and
 * put the model back as it was.
 *
 * The rising rate is an ordinary closed-form schedule (ExponentialLR or
 * LinearLR, per batch) driven by the one scheduler callback, and the training
 * is tfjs' own `model.fit`: the range test has no training loop of its own.
 * Library core: it knows no MNIST and no CLI (./lr-finder.ts runs it on the
 * article's MLP for find-lr and run --lr auto).
 */

export const LR_FINDER_MODES = ['exp', 'linear'] as const;
export type LrFinderMode = (typeof LR_FINDER_MODES)[number];

/** fastai stops once the smoothed loss exceeds this multiple of its minimum so far. */
export const DIVERGENCE_FACTOR = 4;
/** At most this many steps: the curve is held in memory and each step is a model.fit batch. */
export const MAX_LR_FINDER_STEPS = 100_000;

export const LR_FINDER_DEFAULTS = { start: 1e-7, end: 10, steps: 100, mode: 'exp' as LrFinderMode, batchSize: 32, seed: 42 } as const;

export type { LrFinderPoint, LrSuggestion, LrSuggestions, SuggestionRule } from './lr-suggestions.js';

/** The training data of `findLearningRate`: inputs and targets as `model.fit` takes them, one row per sample. */
export interface RangeTestData {
  readonly xs: tf.Tensor;
  readonly ys: tf.Tensor;
}

export interface RangeTestOptions {
  /** Rate of the first batch (default 1e-7). */
  readonly start?: number;
  /** Rate of the last batch (default 10). */
  readonly end?: number;
  /** Batches to run unless the loss diverges first; 10 to MAX_LR_FINDER_STEPS (default 100). */
  readonly steps?: number;
  /** How the rate rises: evenly in log(lr) ('exp', default) or in lr ('linear'). */
  readonly mode?: LrFinderMode;
  readonly batchSize?: number;
  /** Batch order: epoch e takes rows in `epochOrder(rows, seed, e)`, lr-compare's shuffle (default 42). */
  readonly seed?: number;
  /** False: take rows in the data's order, epoch after epoch. */
  readonly shuffle?: boolean;
  /** Called after each batch with its point (for progress output). */
  readonly onStep?: (point: LrFinderPoint, steps: number) => void;
}

/** The options that shaped the curve, as run, and what follows from them. */
export interface LrFinderConfiguration {
  readonly start: number;
  readonly end: number;
  readonly steps: number;
  readonly mode: LrFinderMode;
  readonly batchSize: number;
  readonly seed: number;
  readonly shuffle: boolean;
  /** tfjs' class name of the model's optimizer (the test trains a fresh copy of it). */
  readonly optimizerClass: string;
  readonly trainSamples: number;
  readonly smoothingBeta: number;
  readonly divergenceFactor: number;
  /** The part of the curve fastai's rules read: points [first, last) of the recorded ones. */
  readonly suggestionWindow: { readonly first: number; readonly last: number };
}

export type StopReason = 'diverged' | 'non-finite';

export interface LrFinderResult<Configuration extends LrFinderConfiguration = LrFinderConfiguration> {
  readonly configuration: Configuration;
  readonly curve: readonly LrFinderPoint[];
  /** True when a stop rule ended the test before the last step. */
  readonly stoppedEarly: boolean;
  /** The stop rule that fired (also when it fired on the last step), or null. */
  readonly stopReason: StopReason | null;
  /** Why the test ended, in words. */
  readonly stopDetail: string;
  /** The smallest smoothed loss and where it was reached. */
  readonly minimum: { readonly step: number; readonly lr: number; readonly smoothedLoss: number } | null;
  readonly suggestions: LrSuggestions;
  readonly seconds: number;
}

/** Checks the range; `name` spells an option as the caller's user knows it (`--start` on the CLI). */
export function validateLrFinderRange(start: number, end: number, steps: number, name: (option: string) => string = (option) => `--${option}`): void {
  if (!(start > 0) || !Number.isFinite(start)) throw new UsageError(`${name('start')} must be a positive number, got ${start}`);
  if (!Number.isFinite(end)) throw new UsageError(`${name('end')} must be a finite number, got ${end}`);
  if (start >= end) throw new UsageError(`${name('start')} (${start}) must be smaller than ${name('end')} (${end})`);
  if (!Number.isInteger(steps) || steps < 10 || steps > MAX_LR_FINDER_STEPS) {
    throw new UsageError(`${name('steps')} must be a whole number from 10 to ${MAX_LR_FINDER_STEPS}, got ${steps}`);
  }
}

/**
 * The range test's rising rate as a per-batch closed-form schedule from the
 * registry: batch i uses start * gamma^i with gamma = (end/start)^(1/(steps-1))
 * (ExponentialLR), or start + (end - start) i/(steps-1) (LinearLR from
 * start/end to 1 of `end`). Batch 0 uses `start`, batch steps-1 `end` (to rounding).
 */
export async function rangeTestSchedule(start: number, end: number, steps: number, mode: LrFinderMode, batches: number): Promise<ClosedFormScheduler> {
  const spec =
    mode === 'exp'
      ? { text: `exponential:gamma=${(end / start) ** (1 / (steps - 1))},unit=batch`, baseLr: start }
      : { text: `linear:start_factor=${start / end},end_factor=1,total_iters=${steps - 1},unit=batch`, baseLr: end };
  const scheduler = await createScheduler(parseSchedulerSpec(spec.text), { baseLr: spec.baseLr, epochs: Math.ceil(steps / batches), batchesPerEpoch: batches });
  if (scheduler.kind !== 'closed-form') throw new Error(`the range test's ramp ${spec.text} is not a closed-form schedule`);
  return scheduler;
}

function scalarOf(value: unknown): number {
  if (typeof value === 'number') return value;
  // model.fit hands tf.Callback subclasses the batch loss as a scalar tensor (it disposes it after the callbacks).
  return (value as tf.Scalar).dataSync()[0];
}

/** Records each batch's loss as the ramp set its rate, smooths it, and stops fit on a stop rule or after `steps` batches. */
class RangeTestRecorder extends tf.Callback {
  readonly curve: LrFinderPoint[] = [];
  private average = 0;
  best = Number.POSITIVE_INFINITY;
  bestStep = -1;
  stopReason: StopReason | null = null;
  stopDetail: string;

  constructor(
    private readonly ramp: LearningRateScheduler,
    private readonly steps: number,
    private readonly onStep?: (point: LrFinderPoint, steps: number) => void,
  ) {
    super();
    this.stopDetail = `ran all ${steps} steps without the smoothed loss exceeding ${DIVERGENCE_FACTOR}x its minimum`;
  }

  get done(): boolean {
    return this.stopReason !== null || this.curve.length >= this.steps;
  }

  override async onBatchEnd(_batch: number, logs?: tf.Logs): Promise<void> {
    const step = this.curve.length;
    const loss = scalarOf(logs?.loss);
    const lr = this.ramp.learningRate;
    this.average = SMOOTHING_BETA * this.average + (1 - SMOOTHING_BETA) * loss;
    const smoothedLoss = this.average / (1 - SMOOTHING_BETA ** (step + 1));
    const point: LrFinderPoint = { step, lr, loss, smoothedLoss };
    this.curve.push(point);
    this.onStep?.(point, this.steps);
    if (!Number.isFinite(smoothedLoss)) {
      this.stopReason = 'non-finite';
      this.stopDetail = `the loss became ${loss} at step ${step} (lr ${rate(lr)})`;
    } else {
      if (smoothedLoss < this.best) {
        this.best = smoothedLoss;
        this.bestStep = step;
      }
      if (smoothedLoss > DIVERGENCE_FACTOR * this.best) {
        this.stopReason = 'diverged';
        this.stopDetail =
          `the smoothed loss ${smoothedLoss.toFixed(4)} at step ${step} (lr ${rate(lr)}) exceeded ` +
          `${DIVERGENCE_FACTOR}x its minimum ${this.best.toFixed(4)} (step ${this.bestStep}, lr ${rate(this.curve[this.bestStep].lr)})`;
      }
    }
    if (this.done && this.model) this.model.stopTraining = true;
  }
}

/** A fresh optimizer of the same class and settings: the test leaves the model's own optimizer (and Adam's moments) untouched. */
function freshCopy(optimizer: tf.Optimizer): tf.Optimizer {
  const constructor = optimizer.constructor as unknown as tf.serialization.SerializableConstructor<tf.Optimizer>;
  return constructor.fromConfig(constructor, optimizer.getConfig());
}

/**
 * The range test on a compiled tfjs-layers model. Trains a copy of the
 * model's optimizer with `model.fit`, batch by batch at rising rates, and
 * restores the model's weights and optimizer afterwards, as fastai's lr_find
 * does: the model is left as it was given.
 */
export async function findLearningRate(model: tf.LayersModel, data: RangeTestData, options: RangeTestOptions = {}): Promise<LrFinderResult> {
  const start = options.start ?? LR_FINDER_DEFAULTS.start;
  const end = options.end ?? LR_FINDER_DEFAULTS.end;
  const steps = options.steps ?? LR_FINDER_DEFAULTS.steps;
  const mode = options.mode ?? LR_FINDER_DEFAULTS.mode;
  const batchSize = options.batchSize ?? LR_FINDER_DEFAULTS.batchSize;
  const seed = options.seed ?? LR_FINDER_DEFAULTS.seed;
  const shuffle = options.shuffle ?? true;
  validateLrFinderRange(start, end, steps, (option) => option);
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new UsageError(`batchSize must be a whole number of at least 1, got ${batchSize}`);
  if (!model.optimizer) throw new UsageError('findLearningRate needs a compiled model: call model.compile({ optimizer, loss }) first');
  const rows = data.xs.shape[0];
  if (!rows || data.ys.shape[0] !== rows) throw new UsageError(`xs and ys must hold the same number of rows (at least 1), got ${rows} and ${data.ys.shape[0]}`);

  const started = performance.now();
  const batches = batchesPerEpoch(rows, batchSize);
  const ramp = new LearningRateScheduler(await rangeTestSchedule(start, end, steps, mode, batches), { stepsPerEpoch: batches });
  const recorder = new RangeTestRecorder(ramp, steps, options.onStep);

  const ownOptimizer = model.optimizer;
  const owned = model as unknown as { isOptimizerOwned: boolean };
  const ownedBefore = owned.isOptimizerOwned;
  const testOptimizer = freshCopy(ownOptimizer);
  const weightsBefore = model.getWeights().map((weight) => weight.clone());
  model.optimizer = testOptimizer;
  try {
    for (let epoch = 0; !recorder.done; epoch++) {
      // Only the rows the remaining steps reach, in the epoch's order; fit keeps that order.
      const take = Math.min(rows, (steps - epoch * batches) * batchSize);
      const order = shuffle ? epochOrder(rows, seed, epoch) : Uint32Array.from({ length: rows }, (_, i) => i);
      const [xs, ys] = tf.tidy(() => {
        const indices = tf.tensor1d(Int32Array.from(order.subarray(0, take)), 'int32');
        return [tf.gather(data.xs, indices), tf.gather(data.ys, indices)];
      });
      try {
        await model.fit(xs, ys, { batchSize, epochs: epoch + 1, initialEpoch: epoch, shuffle: false, verbose: 0, callbacks: [ramp, recorder] });
      } finally {
        xs.dispose();
        ys.dispose();
      }
    }
  } finally {
    model.setWeights(weightsBefore);
    for (const weight of weightsBefore) weight.dispose();
    model.optimizer = ownOptimizer;
    // The setter marks the optimizer as not the model's own; keep model.dispose() disposing it if it was.
    owned.isOptimizerOwned = ownedBefore;
    disposeOptimizer(testOptimizer);
  }

  const { curve } = recorder;
  const minimumPoint = recorder.bestStep >= 0 ? curve[recorder.bestStep] : undefined;
  return {
    configuration: {
      start,
      end,
      steps,
      mode,
      batchSize,
      seed,
      shuffle,
      optimizerClass: ownOptimizer.getClassName(),
      trainSamples: rows,
      smoothingBeta: SMOOTHING_BETA,
      divergenceFactor: DIVERGENCE_FACTOR,
      suggestionWindow: suggestionWindow(curve, steps),
    },
    curve,
    stoppedEarly: curve.length < steps,
    stopReason: recorder.stopReason,
    stopDetail: curve.length < steps ? `stopped early: ${recorder.stopDetail}` : recorder.stopDetail,
    minimum: minimumPoint ? { step: minimumPoint.step, lr: minimumPoint.lr, smoothedLoss: minimumPoint.smoothedLoss } : null,
    suggestions: suggest(curve, steps),
    seconds: (performance.now() - started) / 1000,
  };
}

