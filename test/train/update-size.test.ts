/**
 * Whether the learning rate reaches the weights, for every optimizer on every
 * step implementation, measured on the weights themselves (never by reading
 * back a field that setLearningRate wrote): from the same weights and batch,
 * the update at twice the rate is twice the update for SGD and Momentum; the
 * first Adam update is lr * sign(g) and the first RMSProp update
 * lr * sign(g) / sqrt(1 - rho) (both up to their epsilon, 1e-7 in float32);
 * a zero rate on a later step freezes the weights. The gradient g is the
 * oracle's (reference.ts' lossAndGradients, itself checked against tfjs autodiff).
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeviceDataset, makeRowBatch, oneHot } from '../../src/data/batches.js';
import { loadMnist, type MnistSplits } from '../../src/data/mnist.js';
import { epochOrder } from '../../src/data/random.js';
import { ARTICLE_MLP, initialWeights, type MlpWeights } from '../../src/model/mlp.js';
import { MlpVariables } from '../../src/model/network.js';
import type { ClosedFormScheduler } from '../../src/schedulers/types.js';
import { selectBackend } from '../../src/train/backend/select.js';
import { runTrainingJob, type TrainingJob } from '../../src/train/job.js';
import { OPTIMIZER_CHOICES, type OptimizerName } from '../../src/train/optimizers.js';
import { STEP_NAMES, stepNamed, type StepName } from '../../src/train/steps/choose.js';
import { lossAndGradients } from '../../src/train/steps/reference.js';

let data: MnistSplits;

beforeAll(async () => {
  await selectBackend('wasm', { patchKernels: true });
  data = loadMnist({ samples: 200, valSplit: 0.2, testSamples: 100 });
});

const SEED = 5;
const PARTS = ['kernel1', 'bias1', 'kernel2', 'bias2'] as const;

/** All parameters in one array, in a fixed order. */
function flat(weights: MlpWeights): Float64Array {
  const parts = PARTS.map((part) => weights[part]);
  const out = new Float64Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * The change of every parameter after one step per rate in `rates`, from the
 * seed's initial weights, on the first batches of epoch 0's order. The
 * optimizer is created with a base rate unlike any rate given, so that only
 * the rate passed to the step can explain the update.
 */
function updates(name: StepName, optimizer: OptimizerName, rates: readonly number[]): Float64Array {
  const start = initialWeights(ARTICLE_MLP, SEED);
  const variables = new MlpVariables(ARTICLE_MLP, start);
  const step = stepNamed(name, 'wasm').create({ variables, optimizer, baseLearningRate: 0.77 });
  const order = epochOrder(data.train.count, SEED, 0);
  for (const [i, rate] of rates.entries()) {
    tf.tidy(() => step.step(step.makeBatch(data.train, order, 32 * i, 32 * (i + 1)), rate));
  }
  step.sync();
  const after = flat(variables.read());
  step.dispose();
  variables.dispose();
  const before = flat(start);
  return after.map((value, i) => value - before[i]);
}

/** The gradient of the mean loss of the first batch at the initial weights, in `flat`'s order. */
function firstGradient(): Float64Array {
  const variables = new MlpVariables(ARTICLE_MLP, initialWeights(ARTICLE_MLP, SEED));
  const order = epochOrder(data.train.count, SEED, 0);
  const parts = tf.tidy(() => {
    const batch = makeRowBatch(data.train, order, 0, 32);
    const labels = tf.tensor2d(oneHot(batch.labels, 10), [batch.size, 10]);
    const { gradients } = lossAndGradients(variables, batch.images, labels);
    const byName = [variables.kernel1, variables.bias1, variables.kernel2, variables.bias2].map((variable) => gradients[variable.name]);
    return byName.map((gradient) => gradient.dataSync() as Float32Array);
  });
  variables.dispose();
  const [kernel1, bias1, kernel2, bias2] = parts;
  return flat({ kernel1, bias1, kernel2, bias2 });
}

function largest(values: Float64Array): number {
  return values.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
}

/** Largest element-wise |a - b|, relative to the largest |b|. */
function relativeGap(a: Float64Array, b: Float64Array): number {
  let gap = 0;
  for (let i = 0; i < a.length; i++) gap = Math.max(gap, Math.abs(a[i] - b[i]));
  return gap / largest(b);
}

const cases: [StepName, OptimizerName][] = STEP_NAMES.flatMap((name) =>
  (name.startsWith('host-sgd') ? (['sgd'] as const) : OPTIMIZER_CHOICES).map((optimizer): [StepName, OptimizerName] => [name, optimizer]),
);

describe('the rate reaches the weights', () => {
  const RATE = 0.01;
  const EPSILON = 1e-7;
  let gradient: Float64Array;

  beforeAll(() => {
    gradient = firstGradient();
  });

  it.each(cases)('%s with %s: twice the rate, twice the first update', (name, optimizer) => {
    const once = updates(name, optimizer, [RATE]);
    const twice = updates(name, optimizer, [2 * RATE]);
    expect(largest(once)).toBeGreaterThan(0);
    // float32 weights near 0.1 round an update of ~1e-4 to ~1e-7 relative.
    expect(relativeGap(twice, once.map((value) => 2 * value))).toBeLessThan(2e-3);
  });

  // The formulas below are the four classic optimizers'; adamw and the schedule-free ones are
  // checked step by step against PyTorch and the schedulefree package in optimizers.test.ts.
  const classic = cases.filter(([, optimizer]) => ['sgd', 'momentum', 'adam', 'rmsprop'].includes(optimizer));
  it.each(classic)('%s with %s: the first update has the size the optimizer defines', (name, optimizer) => {
    const update = updates(name, optimizer, [RATE]);
    // SGD: -lr g. Momentum's velocity starts at zero: its first step is SGD's. Adam: the
    // bias-corrected moments are g and g^2, so -lr g / (|g| + eps). RMSProp (rho 0.9, no
    // momentum): -lr g / sqrt((1 - rho) g^2 + eps).
    const expected = gradient.map((g) => {
      if (optimizer === 'adam') return (-RATE * g) / (Math.abs(g) + EPSILON);
      if (optimizer === 'rmsprop') return (-RATE * g) / Math.sqrt(0.1 * g * g + EPSILON);
      return -RATE * g;
    });
    // float32 weights near 0.1 round an update of 1e-4 to about 1e-7 relative.
    expect(relativeGap(update, expected)).toBeLessThan(2e-3);
    if (optimizer === 'adam' || optimizer === 'rmsprop') {
      // Where the gradient is clearly above epsilon's scale, that is lr sign(g), or lr sign(g) / sqrt(0.1).
      const size = optimizer === 'adam' ? RATE : RATE / Math.sqrt(0.1);
      const large = [...gradient.keys()].filter((i) => Math.abs(gradient[i]) > 0.01);
      expect(large.length).toBeGreaterThan(100);
      for (const i of large) expect(Math.abs(update[i] / (-size * Math.sign(gradient[i])) - 1)).toBeLessThan(0.01);
      // No gradient (pixels that are dark in every image of the batch), no update.
      const none = [...gradient.keys()].filter((i) => gradient[i] === 0);
      expect(none.length).toBeGreaterThan(1000);
      for (const i of none) expect(update[i]).toBe(0);
    }
  });

  it.each(cases)('%s with %s: a zero rate on the second step leaves the first step\'s weights', (name, optimizer) => {
    const first = updates(name, optimizer, [RATE]);
    const thenZero = updates(name, optimizer, [RATE, 0]);
    // Counted, not compared as arrays: a diff of 100,000 numbers takes vitest minutes to print.
    expect(thenZero.filter((value, i) => value !== first[i]).length).toBe(0);
    const thenRate = updates(name, optimizer, [RATE, RATE]);
    expect(relativeGap(thenRate, first)).toBeGreaterThan(0.1);
  });
});

describe('a batch-unit schedule changes the rate within an epoch', () => {
  it.each(OPTIMIZER_CHOICES)('%s: a rate that drops to zero after the first batch trains that batch only', async (optimizer) => {
    // Adam and RMSProp take steps of about lr per weight: a smaller rate keeps them from diverging.
    const rate = optimizer === 'sgd' || optimizer === 'momentum' ? 0.05 : 0.001;
    const validation = new DeviceDataset(data.validation);
    const test = new DeviceDataset(data.test);
    const job = (lrAt: (step: number) => number, epochs = 1): TrainingJob => ({
      shape: ARTICLE_MLP,
      initialWeights: initialWeights(ARTICLE_MLP, SEED),
      train: data.train,
      validation,
      test,
      epochs,
      batchSize: 32,
      optimizer,
      baseLearningRate: rate,
      seed: SEED,
      scheduler: { kind: 'closed-form', unit: 'batch', lrAt } satisfies ClosedFormScheduler,
    });
    const untrained = (await runTrainingJob(job(() => 0))).history[0].validationLoss;
    const firstBatchOnly = (await runTrainingJob(job((step) => (step === 0 ? rate : 0)))).history[0].validationLoss;
    const firstTwo = (await runTrainingJob(job((step) => (step < 2 ? rate : 0)))).history[0].validationLoss;
    const everyBatch = (await runTrainingJob(job(() => rate))).history[0].validationLoss;
    // Four different weights after one epoch: the rate changed between batches.
    expect(new Set([untrained, firstBatchOnly, firstTwo, everyBatch]).size).toBe(4);
    // A rate of zero from batch 1 on: the second epoch changes nothing either.
    const twoEpochs = await runTrainingJob(job((step) => (step === 0 ? rate : 0), 2));
    expect(twoEpochs.history.map((record) => record.validationLoss)).toEqual([firstBatchOnly, firstBatchOnly]);
    validation.dispose();
    test.dispose();
  });
});
