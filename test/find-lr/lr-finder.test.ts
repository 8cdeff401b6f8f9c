import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, type MnistSplits } from '../../src/data/mnist.js';
import { selectBackend } from '../../src/train/backend.js';
import {
  findLearningRate,
  gradient,
  lrAtStep,
  smoothLosses,
  suggestBaseLearningRate,
  type LrFinderOptions,
  type LrFinderResult,
} from '../../src/train/lr-finder.js';
import { OPTIMIZER_CHOICES } from '../../src/train/optimizers.js';

// A small slice of real MNIST: 400 training images, 13 batches of 32, so 80
// steps cycle through about six shuffled epochs. From 1e-3 to 10 the SGD
// loss falls from ~2.3 to ~1.7 and blows up after lr ~1 (checked with seeds 1, 2, 3, 42).
let data: MnistSplits;
let result: LrFinderResult;

function options(overrides: Partial<LrFinderOptions> = {}): LrFinderOptions {
  return {
    train: data.train,
    start: 1e-3,
    end: 10,
    steps: 80,
    mode: 'exp',
    optimizer: 'sgd',
    batchSize: 32,
    seed: 42,
    ...overrides,
  };
}

beforeAll(async () => {
  await selectBackend('wasm');
  data = loadMnist({ samples: 500, valSplit: 0.2, testSamples: 1 });
  result = await findLearningRate(options());
});

describe('the pieces, against their definitions', () => {
  it('raises the rate from start to end, geometrically or linearly', () => {
    expect(lrAtStep(0, 5, 1e-4, 1, 'exp')).toBe(1e-4);
    expect(lrAtStep(4, 5, 1e-4, 1, 'exp')).toBe(1);
    expect(lrAtStep(2, 5, 1e-4, 1, 'exp')).toBeCloseTo(1e-2, 12);
    expect(lrAtStep(1, 5, 1e-4, 1, 'exp') / lrAtStep(0, 5, 1e-4, 1, 'exp')).toBeCloseTo(10, 10);
    expect(lrAtStep(2, 5, 0, 1, 'linear')).toBe(0.5);
    expect(lrAtStep(4, 5, 0.1, 1, 'linear')).toBe(1);
  });

  it("smooths as fastai's AvgSmoothLoss: a bias-corrected EMA with beta 0.98", () => {
    // A constant loss stays constant: that is what the bias correction is for.
    for (const value of smoothLosses([2, 2, 2, 2])) expect(value).toBeCloseTo(2, 12);
    const [first, second] = smoothLosses([1, 3]);
    expect(first).toBe(1);
    expect(second).toBeCloseTo((0.98 * 0.02 * 1 + 0.02 * 3) / (1 - 0.98 ** 2), 12);
  });

  it('differentiates as numpy.gradient does on unevenly spaced points', () => {
    // numpy 2.4: np.gradient([2, 1.5, 1.2, 1.4, 3], np.log10([1e-3, 3e-3, 1e-2, 2e-2, 1e-1]))
    const expected = [-1.04795164, -0.82169842, 0.2120115, 1.15346811, 2.28908249];
    const actual = gradient([2, 1.5, 1.2, 1.4, 3], [1e-3, 3e-3, 1e-2, 2e-2, 1e-1].map(Math.log10));
    actual.forEach((value, i) => expect(value).toBeCloseTo(expected[i], 7));
  });

  it('records what the run did: the rate of each step and its smoothing', () => {
    result.curve.forEach((point, i) => {
      expect(point.step).toBe(i);
      expect(point.lr).toBe(lrAtStep(i, 80, 1e-3, 10, 'exp'));
    });
    const smoothed = smoothLosses(result.curve.map((point) => point.loss));
    result.curve.forEach((point, i) => expect(point.smoothedLoss).toBeCloseTo(smoothed[i], 12));
  });
});

describe('the range test on real MNIST', () => {
  it('gives a curve that falls and then rises', () => {
    const minimum = result.minimum!;
    const smoothed = result.curve.map((point) => point.smoothedLoss);
    const start = smoothed[result.configuration.suggestionWindow.first];
    // The minimum lies inside, well below where the curve started and well below where it ended.
    expect(minimum.step).toBeGreaterThan(10);
    expect(minimum.step).toBeLessThan(result.curve.length - 5);
    expect(minimum.smoothedLoss).toBeLessThan(0.85 * start);
    expect(smoothed[smoothed.length - 1]).toBeGreaterThan(1.5 * minimum.smoothedLoss);
  });

  it('stops early once the smoothed loss exceeds 4x its minimum', () => {
    expect(result.stoppedEarly).toBe(true);
    expect(result.stopReason).toBe('diverged');
    expect(result.curve.length).toBeLessThan(80);
    const last = result.curve[result.curve.length - 1];
    expect(last.smoothedLoss).toBeGreaterThan(4 * result.minimum!.smoothedLoss);
    // ...and not a step before: every earlier point was within the bound.
    let best = Number.POSITIVE_INFINITY;
    for (const point of result.curve.slice(0, -1)) {
      best = Math.min(best, point.smoothedLoss);
      expect(point.smoothedLoss).toBeLessThanOrEqual(4 * best);
    }
    expect(result.stopDetail).toMatch(/^stopped early: the smoothed loss .* exceeded 4x its minimum/);
  });

  it('stops early on a non-finite loss too, and keeps that point', async () => {
    // From lr 1e30 the first update overflows float32: the second batch's loss is NaN.
    const exploded = await findLearningRate(options({ start: 1e30, end: 1e35, steps: 10 }));
    expect(exploded.stoppedEarly).toBe(true);
    expect(exploded.stopReason).toBe('non-finite');
    expect(exploded.curve).toHaveLength(2);
    expect(Number.isFinite(exploded.curve[1].loss)).toBe(false);
    expect(exploded.suggestions.valley.lr).toBeNull();
  });

  it('suggests rates on the falling part of the curve', () => {
    const minimum = result.minimum!;
    const smoothed = result.curve.map((point) => point.smoothedLoss);
    const { first } = result.configuration.suggestionWindow;
    for (const rule of ['valley', 'steepest'] as const) {
      const suggestion = result.suggestions[rule];
      expect(suggestion.lr, rule).not.toBeNull();
      // Before the minimum, inside the window, and lower than where the window started.
      expect(suggestion.step!, rule).toBeGreaterThanOrEqual(first);
      expect(suggestion.step!, rule).toBeLessThan(minimum.step);
      expect(suggestion.lr!, rule).toBeLessThan(minimum.lr);
      expect(smoothed[suggestion.step!], rule).toBeLessThan(smoothed[first]);
      // Falling there: the smoothed loss a few steps on is lower still.
      expect(smoothed[suggestion.step! + 3], rule).toBeLessThan(smoothed[suggestion.step!]);
    }
    expect(result.suggestions.minimum.step).toBe(minimum.step);
    expect(result.suggestions.minimum.lr).toBeCloseTo(minimum.lr / 10, 15);
  });

  it('gives the same curve, bit for bit, for the same seed, and another for another seed', async () => {
    const again = await findLearningRate(options());
    expect(again.curve.length).toBe(result.curve.length);
    again.curve.forEach((point, i) => {
      const before = result.curve[i];
      expect(Object.is(point.lr, before.lr) && Object.is(point.loss, before.loss) && Object.is(point.smoothedLoss, before.smoothedLoss), `step ${i}`).toBe(
        true,
      );
    });
    expect(again.suggestions).toEqual(result.suggestions);
    const other = await findLearningRate(options({ seed: 43 }));
    expect(other.curve.map((point) => point.loss)).not.toEqual(result.curve.map((point) => point.loss));
  });

  it.each(OPTIMIZER_CHOICES)('keeps the tensor count flat with %s', async (optimizer) => {
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    await findLearningRate(options({ optimizer, steps: 15, onStep: () => counts.push(tf.memory().numTensors) }));
    const afterShort = tf.memory().numTensors;
    expect(new Set(counts).size, `counts ${counts.join(',')}`).toBe(1);
    // Whatever a run leaves behind does not grow with its length. (MlpVariables leaves its 4
    // initial tensors, and tfjs' Momentum its learning-rate scalar: not the finder's.)
    await findLearningRate(options({ optimizer, steps: 45, onStep: () => undefined }));
    expect(tf.memory().numTensors - afterShort).toBe(afterShort - before);
  });

  it('rejects a range that runs backwards', async () => {
    await expect(findLearningRate(options({ start: 1, end: 0.1 }))).rejects.toThrow('--start (1) must be smaller than --end (0.1)');
    await expect(findLearningRate(options({ steps: 5 }))).rejects.toThrow(/--steps/);
  });
});

describe('suggestBaseLearningRate (for run --lr auto)', () => {
  it("returns the valley rule's rate, from the data and the seed that run would use", async () => {
    const auto = await suggestBaseLearningRate({
      samples: 500,
      valSplit: 0.2,
      batchSize: 32,
      optimizer: 'sgd',
      seed: 42,
      backend: 'wasm',
      start: 1e-3,
      steps: 80,
    });
    expect(auto.rule).toBe('valley');
    expect(auto.backend.name).toBe('wasm');
    expect(auto.finder.curve).toEqual(result.curve);
    expect(auto.learningRate).toBe(result.suggestions.valley.lr);
    const steep = await suggestBaseLearningRate({
      samples: 500,
      valSplit: 0.2,
      batchSize: 32,
      optimizer: 'sgd',
      seed: 42,
      backend: 'wasm',
      start: 1e-3,
      steps: 80,
      rule: 'steepest',
    });
    expect(steep.learningRate).toBe(result.suggestions.steepest.lr);
  });

  it('fails with a usage error when the curve is too short to read', async () => {
    await expect(
      suggestBaseLearningRate({ samples: 500, valSplit: 0.2, batchSize: 32, optimizer: 'sgd', seed: 42, backend: 'wasm', start: 1e30, end: 1e35, steps: 10 }),
    ).rejects.toThrow(/--lr auto found no learning rate/);
  });
});
