import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeviceDataset, makeBatch, makeRowBatch, makeTransposedBatch } from '../../src/data/batches.js';
import { loadMnist, type MnistSplits } from '../../src/data/mnist.js';
import { ARTICLE_MLP, initialWeights } from '../../src/model/mlp.js';
import { crossEntropy, forward, hostCrossEntropy, MlpVariables } from '../../src/model/network.js';
import { columnGradients } from '../../src/train/steps/columns.js';
import { HostHead } from '../../src/train/steps/host-sgd.js';
import { lossAndGradients } from '../../src/train/steps/reference.js';
import { rowGradients } from '../../src/train/steps/rows.js';
import type { ClosedFormScheduler, MetricDrivenScheduler } from '../../src/schedulers/types.js';
import { selectBackend } from '../../src/train/backend/select.js';
import { LearningRateScheduler } from '../../src/callbacks/learning-rate-scheduler.js';
import { evaluate, runTrainingJob, type TrainingJob } from '../../src/train/job.js';
import { effectiveLearningRate } from '../../src/callbacks/optimizer-rate.js';
import { createOptimizer, OPTIMIZER_CHOICES } from '../../src/train/optimizers.js';
import { epochOrder } from '../../src/data/random.js';

let data: MnistSplits;
let validation: DeviceDataset;
let test: DeviceDataset;

beforeAll(async () => {
  await selectBackend('wasm', { patchKernels: true });
  data = loadMnist({ samples: 400, valSplit: 0.25, testSamples: 200 });
  validation = new DeviceDataset(data.validation);
  test = new DeviceDataset(data.test);
});

function halvingEachEpoch(unit: 'epoch' | 'batch' = 'epoch'): ClosedFormScheduler {
  return { kind: 'closed-form', unit, lrAt: (step) => 0.1 * 0.5 ** step };
}

function job(overrides: Partial<TrainingJob> = {}): TrainingJob {
  return {
    shape: ARTICLE_MLP,
    initialWeights: initialWeights(ARTICLE_MLP, 7),
    train: data.train,
    validation,
    test,
    epochs: 3,
    batchSize: 32,
    optimizer: 'sgd',
    baseLearningRate: 0.1,
    seed: 7,
    scheduler: halvingEachEpoch(),
    ...overrides,
  };
}

describe('the reference step (the oracle)', () => {
  it('matches tfjs autodiff of the same loss', () => {
    const variables = new MlpVariables(ARTICLE_MLP, initialWeights(ARTICLE_MLP, 3));
    const order = epochOrder(data.train.count, 3, 0);
    tf.tidy(() => {
      const { images, labels } = makeBatch(data.train, order, 0, 32);
      const manual = lossAndGradients(variables, images, labels);
      const auto = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(labels, forward(variables, images).logits) as tf.Scalar);
      expect(manual.lossSum.dataSync()[0] / 32).toBeCloseTo(auto.value.dataSync()[0], 5);
      for (const name of Object.keys(manual.gradients)) {
        const difference = tf.max(tf.abs(tf.sub(manual.gradients[name], auto.grads[name]))).dataSync()[0];
        const scale = tf.max(tf.abs(auto.grads[name])).dataSync()[0];
        expect(difference).toBeLessThan(1e-5 * Math.max(1, scale));
      }
    });
    variables.dispose();
  });
});

/** The largest difference between two gradients, relative to the reference's largest magnitude (at least 1). */
function gradientDifference(mine: tf.Tensor, reference: tf.Tensor): number {
  expect(mine.shape).toEqual(reference.shape);
  const difference = tf.max(tf.abs(tf.sub(mine, reference))).dataSync()[0];
  return difference / Math.max(1, tf.max(tf.abs(reference)).dataSync()[0]);
}

describe("lr-compare's own backward passes, against the reference step's", () => {
  it('computes the same loss, accuracy count and gradients as the reference, in both layouts', () => {
    const variables = new MlpVariables(ARTICLE_MLP, initialWeights(ARTICLE_MLP, 5));
    const order = epochOrder(data.train.count, 5, 1);
    // 29 rows: a last, shorter batch must work too.
    for (const [start, end] of [[0, 32], [32, 61]]) {
      tf.tidy(() => {
        const { images, labels } = makeBatch(data.train, order, start, end);
        const transposed = makeTransposedBatch(data.train, order, start, end);
        expect(transposed.imagesT.shape).toEqual([ARTICLE_MLP.inputs, end - start]);
        expect(Array.from(transposed.imagesT.transpose().dataSync())).toEqual(Array.from(images.dataSync()));
        const rows = makeRowBatch(data.train, order, start, end);
        expect(Array.from(rows.images.dataSync())).toEqual(Array.from(images.dataSync()));
        expect(Array.from(rows.labels)).toEqual(Array.from(transposed.labels));
        const reference = lossAndGradients(variables, images, labels);
        const fastOnes = [
          columnGradients(variables, transposed.imagesT, transposed.labels),
          rowGradients(variables, rows.images, rows.labels, true),
          rowGradients(variables, rows.images, rows.labels, false),
        ];
        for (const fast of fastOnes) {
          expect(fast.loss.lossSum).toBeCloseTo(reference.lossSum.dataSync()[0], 4);
          expect(fast.loss.correct).toBe(reference.correct.dataSync()[0]);
          expect(Object.keys(fast.gradients).sort()).toEqual(Object.keys(reference.gradients).sort());
          for (const name of Object.keys(reference.gradients)) {
            expect(gradientDifference(fast.gradients[name], reference.gradients[name])).toBeLessThan(1e-5);
          }
        }
      });
    }
    variables.dispose();
  });

  it.each(['rows', 'columns'] as const)('host head (%s): same loss and gradients as the reference', (layout) => {
    const variables = new MlpVariables(ARTICLE_MLP, initialWeights(ARTICLE_MLP, 8));
    // Non-zero biases, so that their handling is tested too.
    tf.tidy(() => {
      variables.bias1.assign(tf.randomUniform([ARTICLE_MLP.hidden], -0.1, 0.1, 'float32', 1));
      variables.bias2.assign(tf.randomUniform([ARTICLE_MLP.classes], -0.1, 0.1, 'float32', 2));
    });
    const head = new HostHead(ARTICLE_MLP, variables.read());
    const order = epochOrder(data.train.count, 8, 0);
    tf.tidy(() => {
      const { images, labels } = makeBatch(data.train, order, 0, 32);
      const rows = makeRowBatch(data.train, order, 0, 32);
      const product = layout === 'rows' ? tf.matMul(images, variables.kernel1) : tf.matMul(variables.kernel1, tf.transpose(images), true, false);
      const step = head.step(product.dataSync(), layout, rows.labels, 1);
      const reference = lossAndGradients(variables, images, labels);
      expect(step.loss.lossSum).toBeCloseTo(reference.lossSum.dataSync()[0], 4);
      expect(step.loss.correct).toBe(reference.correct.dataSync()[0]);
      const kernel1Gradient = tf.matMul(images, tf.tensor2d(step.preActivationGradient, [32, ARTICLE_MLP.hidden]), true, false);
      const pairs: [tf.Tensor, tf.Tensor][] = [
        [kernel1Gradient, reference.gradients[variables.kernel1.name]],
        [tf.tensor1d(step.bias1Gradient), reference.gradients[variables.bias1.name]],
        [tf.tensor2d(step.kernel2Gradient, [ARTICLE_MLP.hidden, ARTICLE_MLP.classes]), reference.gradients[variables.kernel2.name]],
        [tf.tensor1d(step.bias2Gradient), reference.gradients[variables.bias2.name]],
      ];
      for (const [mine, expected] of pairs) expect(gradientDifference(mine, expected)).toBeLessThan(1e-5);
      // gradientScale (how the host-SGD step folds in -lr) scales every gradient and leaves the loss alone.
      const scaled = head.step(product.dataSync(), layout, rows.labels, -0.1);
      expect(scaled.loss).toEqual(step.loss);
      for (const part of ['preActivationGradient', 'bias1Gradient', 'kernel2Gradient', 'bias2Gradient'] as const) {
        const expected = tf.mul(tf.tensor1d(step[part]), -0.1);
        expect(gradientDifference(tf.tensor1d(scaled[part]), expected)).toBeLessThan(1e-7);
      }
    });
    // apply() adds the (already scaled) gradients; writeTo() puts them in the variables.
    const before = head.bias2.slice();
    head.apply({ ...head.step(new Float32Array(32 * ARTICLE_MLP.hidden), 'rows', new Uint8Array(32), -0.5) });
    expect(Array.from(head.bias2)).not.toEqual(Array.from(before));
    head.writeTo(variables);
    expect(Array.from(variables.bias2.dataSync())).toEqual(Array.from(head.bias2));
    variables.dispose();
  });

  it('host cross-entropy agrees with the tfjs ops, and turns non-finite logits into a non-finite loss', () => {
    const logits = tf.tensor2d([2, -1, 0.5, 0, 0, 0, -3, 8, 1, 1, 1, 7], [4, 3]);
    const labels = [0, 2, 1, 2];
    const oneHot = tf.oneHot(labels, 3).toFloat() as tf.Tensor2D;
    const device = crossEntropy(logits, oneHot);
    const host = hostCrossEntropy(logits.dataSync(), labels, 3, true);
    expect(host.lossSum).toBeCloseTo(device.lossSum.dataSync()[0], 5);
    expect(host.correct).toBe(device.correct.dataSync()[0]);
    const gradient = tf.div(tf.sub(tf.softmax(logits), oneHot), 4).dataSync();
    for (let i = 0; i < gradient.length; i++) expect(host.gradient[i]).toBeCloseTo(gradient[i], 6);
    expect(Array.from(host.gradientT)).toEqual(Array.from(tf.tensor2d(host.gradient, [4, 3]).transpose().dataSync()));
    expect(Number.isFinite(hostCrossEntropy([NaN, 1, 2], [0], 3).lossSum)).toBe(false);
    expect(Number.isFinite(hostCrossEntropy([Infinity, 1, 2], [1], 3).lossSum)).toBe(false);
    tf.dispose([logits, oneHot, device.lossSum, device.correct, device.logProbabilities]);
  });

  it('evaluates a dataset like the tfjs ops do', () => {
    const variables = new MlpVariables(ARTICLE_MLP, initialWeights(ARTICLE_MLP, 9));
    const fast = evaluate(variables, validation);
    const [lossSum, correct] = tf.tidy(() => {
      const result = crossEntropy(forward(variables, validation.images).logits, validation.labels);
      return [result.lossSum.dataSync()[0], result.correct.dataSync()[0]];
    });
    expect(fast.loss).toBeCloseTo(lossSum / validation.count, 5);
    expect(fast.accuracy).toBe(correct / validation.count);
    variables.dispose();
  });
});

describe('LearningRateScheduler', () => {
  it.each(OPTIMIZER_CHOICES)('changes the effective learning rate of %s, epoch by epoch', async (optimizerName) => {
    const optimizer = createOptimizer(optimizerName, 0.1);
    const callback = new LearningRateScheduler(halvingEachEpoch(), { stepsPerEpoch: 10, optimizer });
    for (const epoch of [0, 1, 2, 5]) {
      await callback.onEpochBegin(epoch);
      // SGD and Momentum hold the rate as a float32 tensor.
      expect(Math.abs(effectiveLearningRate(optimizer) / (0.1 * 0.5 ** epoch) - 1)).toBeLessThan(1e-7);
    }
    optimizer.dispose();
  });

  it('steps batch-wise schedules at every batch, counting across epochs', async () => {
    const optimizer = createOptimizer('sgd', 0.1);
    const callback = new LearningRateScheduler({ kind: 'closed-form', unit: 'batch', lrAt: (step) => 1 / (step + 1) }, { stepsPerEpoch: 4, optimizer });
    await callback.onEpochBegin(2);
    await callback.onBatchBegin(3);
    expect(Math.abs(effectiveLearningRate(optimizer) * (2 * 4 + 3 + 1) - 1)).toBeLessThan(1e-7);
    optimizer.dispose();
  });

  it.each([
    ['val_loss', 'validationLoss'],
    ['val_acc', 'validationAccuracy'],
  ] as const)('feeds %s to a metric-driven scheduler at epoch end', async (monitor, field) => {
    const observed: number[] = [];
    const plateau: MetricDrivenScheduler = {
      kind: 'metric-driven',
      unit: 'epoch',
      monitor,
      currentLr: () => (observed.length > 0 ? 0.01 : 0.1),
      observe: (metric) => observed.push(metric),
    };
    const outcome = await runTrainingJob(job({ scheduler: plateau, epochs: 2 }));
    expect(observed).toEqual(outcome.history.map((record) => record[field]));
    expect(outcome.history.map((record) => record.learningRate)).toEqual([0.1, 0.01]);
  });

  it("records a batch-wise schedule's rate at each epoch's first batch", async () => {
    const perBatch: ClosedFormScheduler = { kind: 'closed-form', unit: 'batch', lrAt: (step) => 0.1 / (step + 1) };
    const outcome = await runTrainingJob(job({ scheduler: perBatch, epochs: 3 }));
    const batches = Math.ceil(data.train.count / 32);
    expect(outcome.history.map((record) => record.learningRate)).toEqual([0, 1, 2].map((epoch) => 0.1 / (epoch * batches + 1)));
  });
});

describe('a training job', () => {
  it("really applies the scheduler's rates: from a zero rate on, the weights freeze", async () => {
    // With a zero rate from epoch 1 on, the weights, and so the validation loss, must freeze.
    const frozenAfterFirst: ClosedFormScheduler = { kind: 'closed-form', unit: 'epoch', lrAt: (epoch) => (epoch === 0 ? 0.1 : 0) };
    const outcome = await runTrainingJob(job({ scheduler: frozenAfterFirst }));
    const losses = outcome.history.map((record) => record.validationLoss);
    expect(losses[1]).toBe(losses[0]);
    expect(losses[2]).toBe(losses[0]);
    const moving = await runTrainingJob(job());
    expect(moving.history[1].validationLoss).not.toBe(moving.history[0].validationLoss);
  });

  it('learns: validation accuracy beats chance by far after 3 epochs on 300 images', async () => {
    const outcome = await runTrainingJob(job());
    expect(outcome.history.map((record) => record.learningRate)).toEqual([0.1, 0.05, 0.025]);
    expect(outcome.history[2].validationAccuracy).toBeGreaterThan(0.6);
    expect(outcome.test.accuracy).toBeGreaterThan(0.6);
  });

  it('gives identical histories for identical jobs, and keeps the tensor count flat across epochs', async () => {
    const counts: number[] = [];
    const first = await runTrainingJob(job({ onEpochEnd: () => counts.push(tf.memory().numTensors) }));
    const second = await runTrainingJob(job());
    const strip = (records: typeof first.history) => records.map(({ seconds: _seconds, ...rest }) => rest);
    expect(strip(second.history)).toEqual(strip(first.history));
    expect(new Set(counts).size).toBe(1);
  });

  it.each(['rows', 'columns'] as const)('learns, deterministically, with the %s step', async (step) => {
    const first = await runTrainingJob(job({ step }));
    const second = await runTrainingJob(job({ step }));
    const strip = (records: typeof first.history) => records.map(({ seconds: _seconds, ...rest }) => rest);
    expect(strip(second.history)).toEqual(strip(first.history));
    expect(first.history[2].validationAccuracy).toBeGreaterThan(0.6);
  });

  it('trains plain SGD the same with the host head as with tfjs SGD on the whole network', async () => {
    const host = await runTrainingJob(job());
    const device = await runTrainingJob(job({ step: 'rows' }));
    for (const [a, b] of host.history.map((record, i) => [record, device.history[i]] as const)) {
      expect(a.learningRate).toBe(b.learningRate);
      expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-3 * b.loss);
      expect(Math.abs(a.validationLoss - b.validationLoss)).toBeLessThan(1e-3 * b.validationLoss);
    }
  });

  it('stops a diverging run and says at which epoch', async () => {
    const outcome = await runTrainingJob(job({ scheduler: { kind: 'closed-form', unit: 'epoch', lrAt: () => 1e6 }, epochs: 5 }));
    expect(outcome.divergedAtEpoch).not.toBeNull();
    expect(outcome.history.length).toBe(outcome.divergedAtEpoch);
  });
});

describe('tensor hygiene', () => {
  it.each(OPTIMIZER_CHOICES)('a whole job with %s leaves no tensor behind', async (optimizer) => {
    await runTrainingJob(job({ optimizer, epochs: 1 }));
    const before = tf.memory().numTensors;
    await runTrainingJob(job({ optimizer, epochs: 2 }));
    expect(tf.memory().numTensors).toBe(before);
  });
});
