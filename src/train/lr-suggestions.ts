import { rate } from '../format-rate.js';
import type { OptimizerName } from './optimizers.js';

/**
 * The suggestion rules of the learning-rate range test: each reads a rate off
 * the recorded curve (rate and smoothed loss per batch). Pure functions of
 * the curve, so the evaluation (benchmarks/lr-auto-rules.mjs) and the tests
 * can apply them to any curve.
 */

/** fastai's AvgSmoothLoss beta (Lightning uses the same). */
export const SMOOTHING_BETA = 0.98;

export interface LrFinderPoint {
  /** 0-based batch index. */
  readonly step: number;
  /** The rate used for this batch's update. */
  readonly lr: number;
  /** Mean loss of the batch, computed before its update (NaN/Infinity once it diverges). */
  readonly loss: number;
  /** Bias-corrected exponential moving average of `loss` up to this step. */
  readonly smoothedLoss: number;
}

export const SUGGESTION_RULES = ['valley', 'steepest', 'minimum', 'slide', 'lightning', 'smith'] as const;
export type SuggestionRule = (typeof SUGGESTION_RULES)[number];

/** How each rule is shown: its name in tables and its mark on the chart's axis. */
export const RULE_DISPLAY: Record<SuggestionRule, { readonly name: string; readonly marker: string }> = {
  valley: { name: 'valley', marker: 'V' },
  steepest: { name: 'steepest', marker: 'S' },
  minimum: { name: 'min/10', marker: 'M' },
  slide: { name: 'slide', marker: 'D' },
  lightning: { name: 'lightning', marker: 'L' },
  smith: { name: 'min/3', marker: '3' },
};

export interface LrSuggestion {
  readonly rule: SuggestionRule;
  /** The suggested rate, or null when the usable part of the curve is too short. */
  readonly lr: number | null;
  /** The curve point the suggestion was read from (for min/10 and min/3: the minimum itself). */
  readonly step: number | null;
  /** The rule in words, with the numbers it used. */
  readonly description: string;
}

export type LrSuggestions = { readonly [rule in SuggestionRule]: LrSuggestion };

/**
 * The rule `run --lr auto` takes, per optimizer: the best of the evaluation in
 * docs/find-lr.md ("Which rule for run --lr auto"), whose numbers
 * benchmarks/lr-auto-rules.mjs reproduces. rmsprop was not evaluated; it
 * takes adam's rule, the other adaptive optimizer.
 */
export const AUTO_RULES: Record<OptimizerName, SuggestionRule> = {
  sgd: 'steepest',
  momentum: 'steepest',
  adam: 'steepest',
  rmsprop: 'steepest',
  // Not measured for these (issue 17 added them); the rule that won for the others.
  adamw: 'steepest',
  schedulefree_sgd: 'steepest',
  schedulefree_adamw: 'steepest',
};

/** Why AUTO_RULES holds what it holds, in one line for find-lr's output. */
export const AUTO_RULE_REASON =
  'its rates came closest to the best of a rate grid in 12 cases of sgd, momentum and adam (docs/find-lr.md)';

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

/** numpy.gradient(y) with unit spacing, as fastai's slide and Lightning's suggestion call it. */
function indexGradient(y: readonly number[]): number[] {
  return gradient(
    y,
    y.map((_, i) => i),
  );
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

function indexOfMinimum(points: readonly LrFinderPoint[]): number {
  let best = 0;
  for (let i = 1; i < points.length; i++) if (points[i].smoothedLoss < points[best].smoothedLoss) best = i;
  return best;
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

/** The rate at the smallest smoothed loss divided by `divisor`: 10 is fastai v1's rule, 3 Smith's "a bit below". */
function belowMinimum(window: readonly LrFinderPoint[], rule: 'minimum' | 'smith', divisor: number): LrSuggestion {
  const point = window[indexOfMinimum(window)];
  const why = rule === 'smith' ? "; Smith's \"a bit below where the loss starts to climb\"" : '';
  return {
    rule,
    lr: point.lr / divisor,
    step: point.step,
    description: `the rate at the minimum of the smoothed loss (${rate(point.lr)}, loss ${point.smoothedLoss.toFixed(4)}) divided by ${divisor}${why}`,
  };
}

/** fastai's slide defaults (Andrew Chang's interval slide rule). */
const SLIDE_LR_DIFF = 15;
const SLIDE_THRESHOLD = 0.005;

/**
 * fastai's `slide`: with g = numpy.gradient(smoothed loss) (unit spacing),
 * slide a pair of indices (r, r - 15) down from the end of the window while
 * |g[r] - g[r - 15]| > 0.005, and take the rate at the last left index
 * visited (fastai's adjust_value 1).
 */
function slide(window: readonly LrFinderPoint[]): LrSuggestion {
  const n = window.length;
  if (n <= SLIDE_LR_DIFF) {
    return unavailable('slide', `fastai's slide needs more than ${SLIDE_LR_DIFF} points in the window, got ${n}`);
  }
  const slopes = indexGradient(window.map((point) => point.smoothedLoss));
  let right = n - 1;
  let left = right - SLIDE_LR_DIFF;
  let chosen = left;
  while (left >= 0 && Math.abs(slopes[right] - slopes[left]) > SLIDE_THRESHOLD) {
    chosen = left;
    right--;
    left--;
  }
  const point = window[chosen];
  return {
    rule: 'slide',
    lr: point.lr,
    step: point.step,
    description: `fastai's slide: where the slope ${SLIDE_LR_DIFF} steps apart first differs by at most ${SLIDE_THRESHOLD}, sliding down from the end`,
  };
}

/** Lightning's `suggestion()` defaults. */
const LIGHTNING_SKIP_BEGIN = 10;
const LIGHTNING_SKIP_END = 1;

/**
 * PyTorch Lightning's `_LRFinder.suggestion()`: drop the first 10 and the last
 * recorded point, keep the finite smoothed losses, and take the argmin of
 * numpy.gradient (unit spacing) over all of them, its index shifted back by
 * 10 into the recorded rates, as Lightning does.
 */
function lightning(curve: readonly LrFinderPoint[]): LrSuggestion {
  const losses = curve
    .slice(LIGHTNING_SKIP_BEGIN, Math.max(LIGHTNING_SKIP_BEGIN, curve.length - LIGHTNING_SKIP_END))
    .map((point) => point.smoothedLoss)
    .filter(Number.isFinite);
  if (losses.length < 2) return unavailable('lightning', `Lightning's suggestion needs 2 finite points after skipping 10 and 1, got ${losses.length}`);
  const slopes = indexGradient(losses);
  let best = 0;
  for (let i = 1; i < slopes.length; i++) if (slopes[i] < slopes[best]) best = i;
  const point = curve[best + LIGHTNING_SKIP_BEGIN];
  return {
    rule: 'lightning',
    lr: point.lr,
    step: point.step,
    description: `Lightning's suggestion(): steepest descent per step of the smoothed loss after the first ${LIGHTNING_SKIP_BEGIN} points, whole curve`,
  };
}

export function suggest(curve: readonly LrFinderPoint[], steps: number): LrSuggestions {
  const { first, last } = suggestionWindow(curve, steps);
  const window = curve.slice(first, last);
  if (window.length < 2) {
    const why =
      `the test recorded ${curve.length} points, leaving ${window.length} after skipping the first ${first} ` +
      `and the last 5 (or non-finite ones); too few to suggest a rate (try a lower start or more steps)`;
    return {
      valley: unavailable('valley', why),
      steepest: unavailable('steepest', why),
      minimum: unavailable('minimum', why),
      slide: unavailable('slide', why),
      lightning: lightning(curve),
      smith: unavailable('smith', why),
    };
  }
  return {
    valley: valley(window),
    steepest: steepest(window),
    minimum: belowMinimum(window, 'minimum', 10),
    slide: slide(window),
    lightning: lightning(curve),
    smith: belowMinimum(window, 'smith', 3),
  };
}
