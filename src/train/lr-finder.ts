import * as tf from '@tensorflow/tfjs';
import { batchesPerEpoch, makeBatch } from '../data/batches.js';
import { loadMnist, NUM_CLASSES, type Dataset } from '../data/mnist.js';
import { UsageError } from '../errors.js';
import { ARTICLE_MLP, initialWeights, type MlpShape } from '../model/mlp.js';
import { lossAndGradients, MlpVariables } from '../model/network.js';
import { rate } from '../report/format.js';
import { selectBackend, type BackendChoice, type BackendSelection } from './backend.js';
import { createOptimizer, disposeOptimizer, setLearningRate, type OptimizerName } from './optimizers.js';
import { epochOrder } from './random.js';

/**
 * Leslie Smith's learning-rate range test ("Cyclical Learning Rates for
 * Training Neural Networks", 2017, section 3.3) as fastai's `lr_find` runs it:
 * train from the initial weights while raising the rate after every batch,
 * record each batch's loss, smooth it, stop once it blows up, and read
 * suggestions off the smoothed curve.
 */

export const LR_FINDER_MODES = ['exp', 'linear'] as const;
export type LrFinderMode = (typeof LR_FINDER_MODES)[number];

/** fastai's AvgSmoothLoss beta. */
export const SMOOTHING_BETA = 0.98;
/** fastai stops once the smoothed loss exceeds this multiple of its minimum so far. */
export const DIVERGENCE_FACTOR = 4;

export const LR_FINDER_DEFAULTS = {
  start: 1e-7,
  end: 10,
  steps: 100,
  mode: 'exp' as LrFinderMode,
} as const;

export interface LrFinderOptions {
  /** The training split; batches are drawn from it in `epochOrder(train.count, seed, epoch)`. */
  readonly train: Dataset;
  /** Defaults to the article's 784-128-10 network with the data's input size. */
  readonly shape?: MlpShape;
  readonly start: number;
  readonly end: number;
  /** Batches to run, unless the loss diverges first; at least 2. */
  readonly steps: number;
  readonly mode: LrFinderMode;
  readonly optimizer: OptimizerName;
  readonly batchSize: number;
  /** Seeds the initial weights (`initialWeights(shape, seed)`) and the batch order, as `run` does. */
  readonly seed: number;
  /** Called after each batch with its point (for progress output). */
  readonly onStep?: (point: LrFinderPoint, steps: number) => void;
}

export interface LrFinderPoint {
  /** 0-based batch index. */
  readonly step: number;
  /** The rate used for this batch's update. */
  readonly lr: number;
  /** Mean cross-entropy of the batch, computed before its update (NaN/Infinity once it diverges). */
  readonly loss: number;
  /** Bias-corrected exponential moving average of `loss` up to this step. */
  readonly smoothedLoss: number;
}

export type SuggestionRule = 'valley' | 'steepest' | 'minimum';

export interface LrSuggestion {
  readonly rule: SuggestionRule;
  /** The suggested rate, or null when the usable part of the curve is too short. */
  readonly lr: number | null;
  /** The curve point the suggestion was read from (for the minimum rule: the minimum itself, not min/10). */
  readonly step: number | null;
  /** The rule in words, with the numbers it used. */
  readonly description: string;
}

/** The options that shape the curve, as run, and what follows from them. */
export interface LrFinderConfiguration extends Pick<LrFinderOptions, 'start' | 'end' | 'steps' | 'mode' | 'optimizer' | 'batchSize' | 'seed'> {
  readonly model: MlpShape;
  readonly trainSamples: number;
  readonly smoothingBeta: number;
  readonly divergenceFactor: number;
  /** The part of the curve the suggestions read: points [first, last) of the recorded ones. */
  readonly suggestionWindow: { readonly first: number; readonly last: number };
}

export type StopReason = 'diverged' | 'non-finite';

export interface LrFinderResult {
  readonly configuration: LrFinderConfiguration;
  readonly curve: readonly LrFinderPoint[];
  /** True when a stop rule ended the test before the last step. */
  readonly stoppedEarly: boolean;
  /** The stop rule that fired (also when it fired on the last step), or null. */
  readonly stopReason: StopReason | null;
  /** Why the test ended, in words. */
  readonly stopDetail: string;
  /** The smallest smoothed loss and where it was reached. */
  readonly minimum: { readonly step: number; readonly lr: number; readonly smoothedLoss: number } | null;
  readonly suggestions: {
    readonly valley: LrSuggestion;
    readonly steepest: LrSuggestion;
    readonly minimum: LrSuggestion;
  };
  readonly seconds: number;
}

/** The rate of batch `step` of `steps`: the first batch uses `start`, the last `end`. */
export function lrAtStep(step: number, steps: number, start: number, end: number, mode: LrFinderMode): number {
  const position = steps <= 1 ? 0 : step / (steps - 1);
  if (position === 1) return end;
  return mode === 'exp' ? start * (end / start) ** position : start + (end - start) * position;
}

/** Bias-corrected EMA, fastai's AvgSmoothLoss: avg_i = beta avg_(i-1) + (1 - beta) loss_i; smoothed_i = avg_i / (1 - beta^(i+1)). */
export function smoothLosses(losses: readonly number[], beta = SMOOTHING_BETA): number[] {
  let average = 0;
  return losses.map((loss, i) => {
    average = beta * average + (1 - beta) * loss;
    return average / (1 - beta ** (i + 1));
  });
}

/**
 * The derivative of y with respect to x as numpy.gradient computes it for
 * unevenly spaced x: second-order central differences inside, first-order
 * one-sided differences at the two ends.
 */
export function gradient(y: readonly number[], x: readonly number[]): number[] {
  const n = y.length;
  if (n < 2) return y.map(() => Number.NaN);
  const result = new Array<number>(n);
  result[0] = (y[1] - y[0]) / (x[1] - x[0]);
  result[n - 1] = (y[n - 1] - y[n - 2]) / (x[n - 1] - x[n - 2]);
  for (let i = 1; i < n - 1; i++) {
    const before = x[i] - x[i - 1];
    const after = x[i + 1] - x[i];
    result[i] =
      (-after / (before * (before + after))) * y[i - 1] +
      ((after - before) / (before * after)) * y[i] +
      (before / (after * (before + after))) * y[i + 1];
  }
  return result;
}

/**
 * The window fastai's `lr_find` reads suggestions from: skip the first
 * floor(steps / 10) points (the average is still settling) and the last 5
 * recorded (where the loss takes off), and cut at the first non-finite value.
 */
export function suggestionWindow(curve: readonly LrFinderPoint[], steps: number): { first: number; last: number } {
  const first = Math.floor(steps / 10);
  let last = Math.max(first, curve.length - 5);
  const nonFinite = curve.findIndex((point, i) => i >= first && i < last && !Number.isFinite(point.smoothedLoss));
  if (nonFinite >= 0) last = nonFinite;
  return { first, last };
}

function unavailable(rule: SuggestionRule, why: string): LrSuggestion {
  return { rule, lr: null, step: null, description: why };
}

/**
 * fastai's valley rule: find the longest decreasing (not necessarily
 * contiguous) run of the smoothed loss, and take the point about two thirds
 * of the way along it (index start + floor(len/3) + floor(len/6)). Its
 * bookkeeping is reproduced as fastai writes it.
 */
function valley(window: readonly LrFinderPoint[]): LrSuggestion {
  const losses = window.map((point) => point.smoothedLoss);
  const n = losses.length;
  const lengths = new Array<number>(n).fill(1);
  let maxStart = 0;
  let maxEnd = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (losses[i] < losses[j] && lengths[i] < lengths[j] + 1) lengths[i] = lengths[j] + 1;
      if (lengths[maxEnd] < lengths[i]) {
        maxEnd = i;
        maxStart = maxEnd - lengths[maxEnd];
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  // fastai can land on -1 (Python's last element) when the run is two points long from the start; clamp.
  const index = Math.max(0, maxStart + Math.floor(sections) + Math.floor(sections / 2));
  const point = window[index];
  return {
    rule: 'valley',
    lr: point.lr,
    step: point.step,
    description:
      `2/3 of the way along the longest decreasing stretch of the smoothed loss ` +
      `(steps ${window[Math.max(0, maxStart)].step}-${window[maxEnd].step}); fastai's default`,
  };
}

/**
 * The rate at the most negative d(smoothed loss)/d(log10 lr), numpy.gradient-style,
 * searched from the start of the window up to the minimum of the smoothed loss.
 * fastai searches the whole window; past the minimum the loss is blowing up, and
 * a dip between two spikes there is the steepest "descent" often enough to
 * suggest a rate that diverges (see docs/find-lr.md).
 */
function steepest(window: readonly LrFinderPoint[]): LrSuggestion {
  const slopes = gradient(
    window.map((point) => point.smoothedLoss),
    window.map((point) => Math.log10(point.lr)),
  );
  const lowest = indexOfMinimum(window);
  let best = 0;
  for (let i = 1; i <= lowest; i++) if (slopes[i] < slopes[best]) best = i;
  const point = window[best];
  return {
    rule: 'steepest',
    lr: point.lr,
    step: point.step,
    description:
      `most negative slope of the smoothed loss against log10(lr) before its minimum ` +
      `(${slopes[best].toFixed(3)} per decade at step ${point.step}; central differences as numpy.gradient)`,
  };
}

function indexOfMinimum(window: readonly LrFinderPoint[]): number {
  let best = 0;
  for (let i = 1; i < window.length; i++) if (window[i].smoothedLoss < window[best].smoothedLoss) best = i;
  return best;
}

/** The rate at the smallest smoothed loss, divided by 10. */
function minimumOverTen(window: readonly LrFinderPoint[]): LrSuggestion {
  const point = window[indexOfMinimum(window)];
  return {
    rule: 'minimum',
    lr: point.lr / 10,
    step: point.step,
    description: `the rate at the minimum of the smoothed loss (${rate(point.lr)}, loss ${point.smoothedLoss.toFixed(4)}) divided by 10`,
  };
}

export function suggest(curve: readonly LrFinderPoint[], steps: number): LrFinderResult['suggestions'] {
  const { first, last } = suggestionWindow(curve, steps);
  const window = curve.slice(first, last);
  if (window.length < 2) {
    const why =
      `the test recorded ${curve.length} points, leaving ${window.length} after skipping the first ${first} ` +
      `and the last 5 (or non-finite ones); too few to suggest a rate (try a lower --start or more --steps)`;
    return { valley: unavailable('valley', why), steepest: unavailable('steepest', why), minimum: unavailable('minimum', why) };
  }
  return { valley: valley(window), steepest: steepest(window), minimum: minimumOverTen(window) };
}

function defaultShape(train: Dataset): MlpShape {
  return { ...ARTICLE_MLP, inputs: train.features, classes: NUM_CLASSES };
}

/** Checks what commander's parsers cannot: relations between options. Throws UsageError. */
export function validateLrFinderRange(start: number, end: number, steps: number): void {
  if (!(start > 0) || !Number.isFinite(start)) throw new UsageError(`--start must be a positive number, got ${start}`);
  if (!Number.isFinite(end)) throw new UsageError(`--end must be a finite number, got ${end}`);
  if (start >= end) throw new UsageError(`--start (${start}) must be smaller than --end (${end})`);
  if (!Number.isInteger(steps) || steps < 10) throw new UsageError(`--steps must be a whole number of at least 10, got ${steps}`);
}

/** Runs the range test. Select the tfjs backend before calling it. */
export async function findLearningRate(options: LrFinderOptions): Promise<LrFinderResult> {
  validateLrFinderRange(options.start, options.end, options.steps);
  const started = performance.now();
  const shape = options.shape ?? defaultShape(options.train);
  const { train, batchSize, seed, steps } = options;
  const batches = batchesPerEpoch(train.count, batchSize);
  const variables = new MlpVariables(shape, initialWeights(shape, seed));
  const optimizer = createOptimizer(options.optimizer, options.start);

  const curve: LrFinderPoint[] = [];
  let average = 0;
  let best = Number.POSITIVE_INFINITY;
  let bestStep = -1;
  let stopReason: StopReason | null = null;
  let stopDetail = `ran all ${steps} steps without the smoothed loss exceeding ${DIVERGENCE_FACTOR}x its minimum`;
  let order: Uint32Array | undefined;
  let orderEpoch = -1;

  try {
    for (let step = 0; step < steps; step++) {
      const epoch = Math.floor(step / batches);
      const batch = step % batches;
      if (epoch !== orderEpoch) {
        order = epochOrder(train.count, seed, epoch);
        orderEpoch = epoch;
      }
      const lr = lrAtStep(step, steps, options.start, options.end, options.mode);
      setLearningRate(optimizer, lr);
      const from = batch * batchSize;
      const to = Math.min(from + batchSize, train.count);
      const lossSum = tf.tidy(() => {
        const { images, labels } = makeBatch(train, order!, from, to);
        const result = lossAndGradients(variables, images, labels);
        optimizer.applyGradients(result.gradients);
        return result.lossSum;
      });
      // The stop rule needs every batch's loss, so it is read each step.
      const loss = lossSum.dataSync()[0] / (to - from);
      lossSum.dispose();

      average = SMOOTHING_BETA * average + (1 - SMOOTHING_BETA) * loss;
      const smoothedLoss = average / (1 - SMOOTHING_BETA ** (step + 1));
      const point: LrFinderPoint = { step, lr, loss, smoothedLoss };
      curve.push(point);
      options.onStep?.(point, steps);

      if (!Number.isFinite(smoothedLoss)) {
        stopReason = 'non-finite';
        stopDetail = `the loss became ${loss} at step ${step} (lr ${rate(lr)})`;
        break;
      }
      if (smoothedLoss < best) {
        best = smoothedLoss;
        bestStep = step;
      }
      if (smoothedLoss > DIVERGENCE_FACTOR * best) {
        stopReason = 'diverged';
        stopDetail =
          `the smoothed loss ${smoothedLoss.toFixed(4)} at step ${step} (lr ${rate(lr)}) exceeded ` +
          `${DIVERGENCE_FACTOR}x its minimum ${best.toFixed(4)} (step ${bestStep}, lr ${rate(curve[bestStep].lr)})`;
        break;
      }
    }
  } finally {
    variables.dispose();
    disposeOptimizer(optimizer);
  }

  const window = suggestionWindow(curve, steps);
  const minimumPoint = bestStep >= 0 ? curve[bestStep] : undefined;
  return {
    configuration: {
      start: options.start,
      end: options.end,
      steps,
      mode: options.mode,
      optimizer: options.optimizer,
      batchSize,
      seed,
      model: shape,
      trainSamples: train.count,
      smoothingBeta: SMOOTHING_BETA,
      divergenceFactor: DIVERGENCE_FACTOR,
      suggestionWindow: window,
    },
    curve,
    stoppedEarly: curve.length < steps,
    stopReason,
    stopDetail: curve.length < steps ? `stopped early: ${stopDetail}` : stopDetail,
    minimum: minimumPoint ? { step: minimumPoint.step, lr: minimumPoint.lr, smoothedLoss: minimumPoint.smoothedLoss } : null,
    suggestions: suggest(curve, steps),
    seconds: (performance.now() - started) / 1000,
  };
}

/** The rule `run --lr auto` uses unless told otherwise; see docs/find-lr.md for why. */
export const DEFAULT_AUTO_RULE: SuggestionRule = 'valley';

export interface AutoLearningRateRequest {
  /** The data options of `run`: the finder trains on the same split `run` will. */
  readonly samples: number;
  readonly valSplit: number;
  readonly dataDir?: string;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  /** `run`'s seed: the finder starts from repeat 0's initial weights and batch order. */
  readonly seed: number;
  readonly backend: BackendChoice;
  readonly rule?: SuggestionRule;
  readonly start?: number;
  readonly end?: number;
  readonly steps?: number;
  readonly mode?: LrFinderMode;
  readonly onBackend?: (selection: BackendSelection) => void;
  readonly onStep?: (point: LrFinderPoint, steps: number) => void;
}

export interface AutoLearningRate {
  readonly learningRate: number;
  readonly rule: SuggestionRule;
  readonly finder: LrFinderResult;
  readonly backend: BackendSelection;
}

/**
 * For `run --lr auto`: loads the training split, selects the backend, runs
 * the range test with fastai's defaults and returns the suggestion of `rule`
 * (default DEFAULT_AUTO_RULE). Throws UsageError when the curve is too short
 * to suggest anything.
 */
export async function suggestBaseLearningRate(request: AutoLearningRateRequest): Promise<AutoLearningRate> {
  const start = request.start ?? LR_FINDER_DEFAULTS.start;
  const end = request.end ?? LR_FINDER_DEFAULTS.end;
  const steps = request.steps ?? LR_FINDER_DEFAULTS.steps;
  validateLrFinderRange(start, end, steps);
  // The finder reads no test images; loadMnist needs at least one.
  const data = loadMnist({ dataDir: request.dataDir, samples: request.samples, valSplit: request.valSplit, testSamples: 1 });
  const backend = await selectBackend(request.backend);
  request.onBackend?.(backend);
  const finder = await findLearningRate({
    train: data.train,
    start,
    end,
    steps,
    mode: request.mode ?? LR_FINDER_DEFAULTS.mode,
    optimizer: request.optimizer,
    batchSize: request.batchSize,
    seed: request.seed,
    onStep: request.onStep,
  });
  const rule = request.rule ?? DEFAULT_AUTO_RULE;
  const suggestion = finder.suggestions[rule];
  if (suggestion.lr === null) throw new UsageError(`--lr auto found no learning rate: ${suggestion.description}`);
  return { learningRate: suggestion.lr, rule, finder, backend };
}
