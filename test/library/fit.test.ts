/**
 * learningRateScheduler under a user's own `tf.sequential` model and
 * `model.fit`, judged by what the weights do, never by the field the callback
 * wrote.
 *
 * The trick that makes the rate observable: a one-weight-per-input linear
 * model under mean absolute error, with targets far beyond reach, has the
 * same gradient at every step. Every optimizer's state (momentum, Adam's
 * moments, Adagrad's and Adadelta's accumulators) then evolves the same
 * whatever the rate, and the update of step t is lr_t x (the update of step t
 * at rate 1). So the ratio of a scheduled run's update to a constant-rate
 * run's update, step by step, is the rate the optimizer really applied, over
 * the constant rate.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { learningRateScheduler, schedules, type ScheduleSource } from '../../src/index.js';

const INPUT = [1, 2];
const FAR_TARGET = 1000;

const OPTIMIZERS: Record<string, (lr: number) => tf.Optimizer> = {
  sgd: (lr) => tf.train.sgd(lr),
  momentum: (lr) => tf.train.momentum(lr, 0.9),
  adam: (lr) => tf.train.adam(lr),
  rmsprop: (lr) => tf.train.rmsprop(lr),
  adagrad: (lr) => tf.train.adagrad(lr),
  adadelta: (lr) => tf.train.adadelta(lr),
};

function userModel(optimizer: tf.Optimizer): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 1, inputShape: [INPUT.length], useBias: false, kernelInitializer: 'zeros' }));
  // 'accuracy' (binary here) makes fit log acc and val_acc, which plateau:mode=max watches.
  model.compile({ optimizer, loss: 'meanAbsoluteError', metrics: ['accuracy'] });
  return model;
}

/** Identical rows: every batch has the same gradient as long as the predictions stay below the target. */
function rows(count: number, target: number): { xs: tf.Tensor2D; ys: tf.Tensor2D } {
  return {
    xs: tf.tensor2d(Array.from({ length: count }, () => INPUT)),
    ys: tf.tensor2d(Array.from({ length: count }, () => [target])),
  };
}

interface FitRun {
  /** The kernel's change at each batch, in order. */
  readonly updates: number[][];
  readonly history: tf.History;
}

async function fit(
  optimizer: tf.Optimizer,
  options: { epochs: number; samples: number; batchSize: number; callbacks?: tf.Callback[]; validationTarget?: number },
): Promise<FitRun> {
  const model = userModel(optimizer);
  const { xs, ys } = rows(options.samples, FAR_TARGET);
  const validation = options.validationTarget === undefined ? undefined : rows(4, options.validationTarget);
  const updates: number[][] = [];
  let before = Array.from(model.getWeights()[0]!.dataSync());
  const probe = new tf.CustomCallback({
    onBatchEnd: () => {
      const after = Array.from(model.getWeights()[0]!.dataSync());
      updates.push(after.map((value, i) => value - before[i]!));
      before = after;
    },
  });
  try {
    const history = await model.fit(xs, ys, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      shuffle: false,
      verbose: 0,
      validationData: validation ? [validation.xs, validation.ys] : undefined,
      callbacks: [...(options.callbacks ?? []), probe],
    });
    return { updates, history };
  } finally {
    model.dispose();
    optimizer.dispose();
    tf.dispose([xs, ys, validation?.xs, validation?.ys].filter((tensor) => tensor !== undefined));
  }
}

/** The rate each batch really used, as a multiple of the constant-rate run's. */
async function appliedRateRatios(
  makeOptimizer: (lr: number) => tf.Optimizer,
  lr: number,
  source: ScheduleSource,
  shape: { epochs: number; samples: number; batchSize: number; validationTarget?: number },
): Promise<{ ratios: number[]; scheduled: FitRun }> {
  const constant = await fit(makeOptimizer(lr), shape);
  const scheduled = await fit(makeOptimizer(lr), { ...shape, callbacks: [learningRateScheduler(source)] });
  expect(scheduled.updates).toHaveLength(constant.updates.length);
  const ratios = scheduled.updates.map((update, step) => {
    const reference = constant.updates[step]!;
    // Both kernel entries must move by the same ratio; a stale rate on either would show.
    const [first, second] = update.map((value, i) => value / reference[i]!);
    expect(Math.abs(first! / second! - 1)).toBeLessThan(1e-4);
    return first!;
  });
  return { ratios, scheduled };
}

function expectRatios(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((ratio, step) => expect(Math.abs(ratio / expected[step]! - 1), `step ${step}: ${ratio} vs ${expected[step]}`).toBeLessThan(1e-4));
}

describe('learningRateScheduler in model.fit', () => {
  it.each(Object.keys(OPTIMIZERS))('sets the rate %s really applies, epoch by epoch, keeping its state', async (name) => {
    // Adadelta's first steps are tiny at small rates (its update starts at sqrt(eps)); 1.0 is Keras' default for it.
    const lr = name === 'adadelta' ? 1 : 0.01;
    const { ratios, scheduled } = await appliedRateRatios(OPTIMIZERS[name]!, lr, 'step:step_size=1,gamma=0.5', {
      epochs: 3,
      samples: 8,
      batchSize: 8,
    });
    // Base rate taken from the optimizer: lr, then halved at each epoch.
    expectRatios(ratios, [1, 0.5, 0.25]);
    // Keras' callback writes the epoch's rate into the logs as `lr`.
    expect(scheduled.history.history.lr).toEqual([lr, lr / 2, lr / 4]);
  });

  it('changes the rate within an epoch for a unit=batch schedule, counting batches across epochs', async () => {
    const { ratios } = await appliedRateRatios(OPTIMIZERS.sgd!, 0.01, schedules.step({ stepSize: 1, gamma: 0.5, unit: 'batch' }), {
      epochs: 2,
      samples: 12,
      batchSize: 4,
    });
    expectRatios(ratios, [1, 0.5, 0.25, 0.125, 0.0625, 0.03125]);
  });

  it("takes run-dependent defaults from fit: cosine's t_max is fit's epochs", async () => {
    const { ratios } = await appliedRateRatios(OPTIMIZERS.adam!, 0.01, 'cosine', { epochs: 4, samples: 4, batchSize: 4 });
    // CosineAnnealingLR with T_max = 4, eta_min = 0: (1 + cos(pi t / 4)) / 2.
    expectRatios(ratios, [1, (1 + Math.SQRT1_2) / 2, 0.5, (1 - Math.SQRT1_2) / 2]);
  });

  it('reduces the rate on a plateau of val_loss under validationData', async () => {
    // Training pushes the predictions up towards +1000; the validation targets are below 0, so
    // val_loss rises every epoch. With patience=0 the rate halves after each epoch that fails
    // to improve on the first one: epochs 1 and 2 use lr, epoch 3 lr/2, epoch 4 lr/4.
    const { ratios, scheduled } = await appliedRateRatios(OPTIMIZERS.momentum!, 0.01, schedules.plateau({ patience: 0, factor: 0.5 }), {
      epochs: 4,
      samples: 4,
      batchSize: 4,
      validationTarget: -1000,
    });
    expectRatios(ratios, [1, 1, 0.5, 0.25]);
    expect(scheduled.history.history.lr).toEqual([0.01, 0.01, 0.005, 0.0025]);
  });

  it('watches val_acc with plateau:mode=max', async () => {
    // No prediction reaches -1000, so val_acc stays 0 and never improves on the first epoch's.
    const { ratios, scheduled } = await appliedRateRatios(OPTIMIZERS.adam!, 0.01, 'plateau:mode=max,patience=0,factor=0.1', {
      epochs: 3,
      samples: 4,
      batchSize: 4,
      validationTarget: -1000,
    });
    expect(scheduled.history.history.val_acc).toEqual([0, 0, 0]);
    expectRatios(ratios, [1, 1, 0.1]);
  });

  it('refuses to run plateau without validation data, naming the metric', async () => {
    await expect(
      fit(tf.train.sgd(0.01), { epochs: 2, samples: 4, batchSize: 4, callbacks: [learningRateScheduler('plateau')] }),
    ).rejects.toThrow("needs 'val_loss' in the epoch logs");
  });

  it('uses options.lr as the base rate instead of the optimizer\'s', async () => {
    const constant = await fit(tf.train.sgd(0.01), { epochs: 1, samples: 4, batchSize: 4 });
    const doubled = await fit(tf.train.sgd(0.01), { epochs: 1, samples: 4, batchSize: 4, callbacks: [learningRateScheduler('none', { lr: 0.02 })] });
    expectRatios([doubled.updates[0]![0]! / constant.updates[0]![0]!], [2]);
  });

  it('leaves no tensor behind across epochs', async () => {
    const optimizer = tf.train.adam(0.01);
    const model = userModel(optimizer);
    const { xs, ys } = rows(4, FAR_TARGET);
    const counts: number[] = [];
    const counter = new tf.CustomCallback({ onEpochEnd: () => void counts.push(tf.memory().numTensors) });
    await model.fit(xs, ys, { epochs: 5, batchSize: 4, verbose: 0, callbacks: [learningRateScheduler('exponential:gamma=0.9'), counter] });
    expect(new Set(counts.slice(1)).size).toBe(1);
    model.dispose();
    tf.dispose([xs, ys]);
  });
});
