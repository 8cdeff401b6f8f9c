import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, type MnistSplits } from '../../src/data/mnist.js';
import { selectBackend } from '../../src/train/backend/select.js';
import {
  rangeTestMlp,
  rangeTestSchedule,
  suggestBaseLearningRate,
  type LrFinderResult,
  type MlpRangeTestConfiguration,
  type MlpRangeTestOptions,
} from '../../src/train/lr-finder.js';
import { AUTO_RULES, gradient, smoothLosses, suggest, type LrFinderPoint } from '../../src/train/lr-suggestions.js';
import { OPTIMIZER_CHOICES } from '../../src/train/optimizers.js';
import { findLearningRate } from '../../src/train/range-test.js';

// A small slice of real MNIST: 400 training images, 13 batches of 32, so 80
// steps cycle through about six shuffled epochs. From 1e-3 to 10 the SGD
// loss falls from ~2.3 to ~1.7 and blows up after lr ~1 (checked with seeds 1, 2, 3, 42).
let data: MnistSplits;
let result: LrFinderResult<MlpRangeTestConfiguration>;

function options(overrides: Partial<MlpRangeTestOptions> = {}): MlpRangeTestOptions {
  return {
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
  await selectBackend('wasm', { patchKernels: true });
  data = loadMnist({ samples: 500, valSplit: 0.2, testSamples: 1 });
  result = await rangeTestMlp(data.train, options());
});

describe('the pieces, against their definitions', () => {
  it('raises the rate from start to end, geometrically or linearly, as a per-batch schedule', async () => {
    // 5 steps over 2-batch epochs: the schedule counts batches across epochs.
    const exp = await rangeTestSchedule(1e-4, 1, 5, 'exp', 2);
    expect(exp.unit).toBe('batch');
    expect(exp.lrAt(0)).toBe(1e-4);
    [1e-4, 1e-3, 1e-2, 1e-1, 1].forEach((expected, step) => expect(exp.lrAt(step) / expected).toBeCloseTo(1, 12));
    const linear = await rangeTestSchedule(0.1, 1, 5, 'linear', 2);
    [0.1, 0.325, 0.55, 0.775, 1].forEach((expected, step) => expect(linear.lrAt(step)).toBeCloseTo(expected, 14));
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
      // Evenly spaced in log(lr) from 1e-3 (step 0) to 10 (step 79).
      expect(point.lr / 10 ** (-3 + (4 * i) / 79), `step ${i}`).toBeCloseTo(1, 12);
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
    const exploded = await rangeTestMlp(data.train, options({ start: 1e30, end: 1e35, steps: 10 }));
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
    const again = await rangeTestMlp(data.train, options());
    expect(again.curve.length).toBe(result.curve.length);
    again.curve.forEach((point, i) => {
      const before = result.curve[i];
      expect(Object.is(point.lr, before.lr) && Object.is(point.loss, before.loss) && Object.is(point.smoothedLoss, before.smoothedLoss), `step ${i}`).toBe(
        true,
      );
    });
    expect(again.suggestions).toEqual(result.suggestions);
    const other = await rangeTestMlp(data.train, options({ seed: 43 }));
    expect(other.curve.map((point) => point.loss)).not.toEqual(result.curve.map((point) => point.loss));
  });

  it.each(OPTIMIZER_CHOICES)('keeps the tensor count flat with %s, and leaks not one tensor', async (optimizer) => {
    const counts: number[] = [];
    const before = tf.memory().numTensors;
    // 45 steps cross three of the 13-batch epochs, so per-epoch data is made and freed too.
    await rangeTestMlp(data.train, options({ optimizer, steps: 45, onStep: () => counts.push(tf.memory().numTensors) }));
    expect(new Set(counts).size, `counts ${counts.join(',')}`).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects a range that runs backwards', async () => {
    await expect(rangeTestMlp(data.train, options({ start: 1, end: 0.1 }))).rejects.toThrow('start (1) must be smaller than end (0.1)');
    await expect(rangeTestMlp(data.train, options({ steps: 5 }))).rejects.toThrow(/steps must be a whole number from 10/);
  });
});

describe('suggestBaseLearningRate (for run --lr auto)', () => {
  it("returns the optimizer's auto rule's rate, from the data and the seed that run would use", async () => {
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
    expect(auto.rule).toBe(AUTO_RULES.sgd);
    expect(auto.backend.name).toBe('wasm');
    expect(auto.finder.curve).toEqual(result.curve);
    expect(auto.learningRate).toBe(result.suggestions[AUTO_RULES.sgd].lr);
    const steep = await suggestBaseLearningRate({
      samples: 500,
      valSplit: 0.2,
      batchSize: 32,
      optimizer: 'sgd',
      seed: 42,
      backend: 'wasm',
      start: 1e-3,
      steps: 80,
      rule: 'valley',
    });
    expect(steep.learningRate).toBe(result.suggestions.valley.lr);
  });

  it('fails with a usage error when the curve is too short to read', async () => {
    await expect(
      suggestBaseLearningRate({ samples: 500, valSplit: 0.2, batchSize: 32, optimizer: 'sgd', seed: 42, backend: 'wasm', start: 1e30, end: 1e35, steps: 10 }),
    ).rejects.toThrow(/--lr auto found no learning rate/);
  });
});

describe('the rules of other libraries, against their published source', () => {
  // A synthetic curve (falls around lr 0.03, climbs after 0.5, with a wiggle), 60 steps from 1e-4 to 10.
  // Expected values: fastai's slide (fastai/callback/schedule.py) and Lightning's _LRFinder.suggestion()
  // transliterated with numpy 2.x, their windows as they take them: fastai [steps//10 : -5], Lightning [10 : -1].
  //   lrs = [1e-4 * (10/1e-4) ** (i/59) for i in range(60)]; slide(lrs[6:-5], losses[6:-5]); suggestion(lrs, losses)
  const losses = [
    2.299502, 2.309275, 2.296618, 2.289676, 2.303567, 2.306214, 2.290719, 2.290878, 2.304803, 2.299088, 2.284104, 2.290425, 2.2996, 2.28555,
    2.273124, 2.281587, 2.280619, 2.258141, 2.246823, 2.249415, 2.231476, 2.197928, 2.180645, 2.165167, 2.12213, 2.072622, 2.04013, 1.997785,
    1.930197, 1.87034, 1.828139, 1.771716, 1.703243, 1.657693, 1.626911, 1.580168, 1.534708, 1.51709, 1.502781, 1.470607, 1.449339, 1.451415,
    1.443559, 1.420705, 1.418447, 1.458317, 1.515009, 1.600914, 1.745457, 1.928258, 2.124815, 2.361569, 2.656003, 2.977012, 3.315004, 3.703458,
    4.143262, 4.600651, 5.08339, 5.623208,
  ];
  const curve: LrFinderPoint[] = losses.map((loss, step) => ({ step, lr: 1e-4 * (10 / 1e-4) ** (step / 59), loss, smoothedLoss: loss }));
  const suggestions = suggest(curve, 60);

  it("takes fastai's slide rate", () => {
    expect(suggestions.slide.lr! / 0.008895134973108237).toBeCloseTo(1, 12);
  });

  it("takes Lightning's suggestion() rate, searching the whole curve after the first 10 points", () => {
    expect(suggestions.lightning.lr! / 0.02359833466782195).toBeCloseTo(1, 12);
  });

  it('follows Lightning into a dip of the blow-up 3 points from the end (it skips only the last)', () => {
    // spiky = losses with spiky[-3] = 1.0: suggestion(lrs, spiky) = 5.568813990945272
    const spiky = curve.map((point, i) => (i === 57 ? { ...point, loss: 1, smoothedLoss: 1 } : point));
    expect(suggest(spiky, 60).lightning.lr! / 5.568813990945272).toBeCloseTo(1, 12);
  });

  it('takes min/3 and min/10 from the lowest point of the window (step 44 here)', () => {
    expect(suggestions.smith.step).toBe(44);
    expect(suggestions.smith.lr).toBe(curve[44].lr / 3);
    expect(suggestions.minimum.lr).toBe(curve[44].lr / 10);
  });
});

describe('findLearningRate on a user\'s own tfjs-layers model', () => {
  // Not the article's network: 784-32(tanh)-10, compiled with Adam by the user, already trained one epoch,
  // so the optimizer holds moments that the range test must not touch.
  async function userModel() {
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 32, activation: 'tanh', inputShape: [784] }), tf.layers.dense({ units: 10, activation: 'softmax' })],
    });
    model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
    const xs = tf.tensor2d(data.train.images, [data.train.count, 784]);
    const ys = tf.oneHot(tf.tensor1d(data.train.labels, 'int32'), 10).toFloat();
    await model.fit(xs, ys, { epochs: 1, batchSize: 50, verbose: 0 });
    return { model, xs, ys };
  }

  it('finds a curve that falls then climbs, with every rule on it, and gives the model back untouched', async () => {
    const { model, xs, ys } = await userModel();
    const optimizer = model.optimizer;
    const weightsBefore = model.getWeights().map((weight) => weight.dataSync().slice());
    const optimizerBefore = (await optimizer.getWeights()).map((weight) => weight.tensor.dataSync().slice());
    const tensorsBefore = tf.memory().numTensors;

    const found = await findLearningRate(model, { xs, ys }, { start: 1e-5, end: 10, steps: 60, batchSize: 32 });

    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(model.optimizer).toBe(optimizer);
    model.getWeights().forEach((weight, i) => expect(Object.is(weight.dataSync().every((v, j) => Object.is(v, weightsBefore[i][j])), true), `weight ${i}`).toBe(true));
    const optimizerAfter = (await optimizer.getWeights()).map((weight) => weight.tensor.dataSync().slice());
    expect(optimizerAfter).toEqual(optimizerBefore);
    expect(found.configuration.optimizerClass).toBe('Adam');
    // Adam's rising rate: the curve falls below where it started, then climbs (or stops) past the minimum.
    const minimum = found.minimum!;
    expect(minimum.smoothedLoss).toBeLessThan(0.8 * found.curve[found.configuration.suggestionWindow.first].smoothedLoss);
    expect(found.curve[found.curve.length - 1].smoothedLoss).toBeGreaterThan(1.5 * minimum.smoothedLoss);
    found.curve.forEach((point, i) => expect(point.lr / (1e-5 * 1e6 ** (i / 59)), `step ${i}`).toBeCloseTo(1, 12));
    for (const suggestion of Object.values(found.suggestions)) {
      expect(suggestion.lr, suggestion.rule).not.toBeNull();
      expect(suggestion.lr!, suggestion.rule).toBeLessThan(minimum.lr);
    }
    // The user trains on from where they were.
    const history = await model.fit(xs, ys, { epochs: 1, batchSize: 50, verbose: 0 });
    expect(Number.isFinite(history.history.loss[0] as number)).toBe(true);
    model.dispose();
    xs.dispose();
    ys.dispose();
  });

  it('refuses a model that was not compiled, in one line', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 10, inputShape: [4] })] });
    const xs = tf.zeros([8, 4]);
    const ys = tf.zeros([8, 10]);
    await expect(findLearningRate(model, { xs, ys })).rejects.toThrow('findLearningRate needs a compiled model');
    model.dispose();
    xs.dispose();
    ys.dispose();
  });
});
