import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMnist, type MnistSplits } from '../../src/data/mnist.js';
import { epochOrder } from '../../src/data/random.js';
import { ARTICLE_MLP, initialWeights, type MlpWeights } from '../../src/model/mlp.js';
import { MlpVariables } from '../../src/model/network.js';
import { selectBackend } from '../../src/train/backend/select.js';
import { OPTIMIZER_CHOICES, type OptimizerName } from '../../src/train/optimizers.js';
import { chooseStep, STEP_NAMES, stepNamed, type StepName } from '../../src/train/steps/choose.js';
import type { BatchLoss, StepPlan } from '../../src/train/steps/train-step.js';

/**
 * Every TrainStep against the reference step (the oracle, itself checked
 * against tf.variableGrads in training.test.ts): from the same weights, the
 * same batches and the same rates, each must report the same losses and
 * leave the same weights, up to float32 rounding.
 */

let data: MnistSplits;

beforeAll(async () => {
  await selectBackend('wasm', { patchKernels: true });
  data = loadMnist({ samples: 200, valSplit: 0.2, testSamples: 1 });
});

interface Trained {
  readonly losses: BatchLoss[];
  readonly weights: MlpWeights;
}

/** Three batches (the last one short) at three different rates, through the TrainStep interface. */
function train(plan: StepPlan, optimizer: OptimizerName): Trained {
  const variables = new MlpVariables(ARTICLE_MLP, initialWeights(ARTICLE_MLP, 11));
  const step = plan.create({ variables, optimizer, baseLearningRate: 0.5 });
  const order = epochOrder(data.train.count, 11, 0);
  const losses: BatchLoss[] = [];
  const rates = [0.1, 0.05, 0.2];
  for (const [i, [start, end]] of [[0, 32], [32, 64], [64, 93]].entries()) {
    losses.push(tf.tidy(() => step.step(step.makeBatch(data.train, order, start, end), rates[i])));
  }
  step.sync();
  const weights = variables.read();
  step.dispose();
  variables.dispose();
  return { losses, weights };
}

/** How many elements differ by more than `tolerance` x the largest magnitude in b. */
function outliers(a: Float32Array, b: Float32Array, tolerance: number): number {
  let scale = 0;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]));
  let count = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] - b[i]) > tolerance * scale) count++;
  return count;
}

function relativeDifference(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let difference = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    difference = Math.max(difference, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return difference / Math.max(scale, 1e-6);
}

/**
 * The steps differ only in how they compute gradients, which do not depend on the optimizer; the
 * optimizers below cover every kind of update the steps feed (plain, momentum, adaptive, schedule-free
 * with its evaluation weights). Not adamw and schedulefree_adamw: with PyTorch's epsilon 1e-8 they turn
 * a gradient that is float32 rounding noise (a pixel seldom lit, summed in another order) into a step
 * of +-lr, so comparing them across steps measures rounding (measured: 0.8% of the largest weight,
 * in up to 2.9% of the elements), not the step. The optimizers themselves are checked against
 * PyTorch and schedulefree in optimizers.test.ts.
 */
const STEP_OPTIMIZERS = OPTIMIZER_CHOICES.filter((optimizer) => optimizer !== 'adamw' && optimizer !== 'schedulefree_adamw');
const cases: [StepName, OptimizerName][] = STEP_NAMES.filter((name) => name !== 'reference').flatMap((name) =>
  (name.startsWith('host-sgd') ? (['sgd'] as const) : STEP_OPTIMIZERS).map((optimizer): [StepName, OptimizerName] => [name, optimizer]),
);

describe('every training step against the reference step', () => {
  it.each(cases)('%s with %s: same losses, accuracy counts and weights', (name, optimizer) => {
    const reference = train(stepNamed('reference', 'wasm'), optimizer);
    const candidate = train(stepNamed(name, 'wasm'), optimizer);
    for (const [i, loss] of candidate.losses.entries()) {
      expect(loss.correct).toBe(reference.losses[i].correct);
      expect(Math.abs(loss.lossSum - reference.losses[i].lossSum)).toBeLessThan(1e-4 * reference.losses[i].lossSum);
    }
    // The weights really moved, so that agreeing on them means something.
    const initial = initialWeights(ARTICLE_MLP, 11);
    for (const part of ['kernel1', 'bias1', 'kernel2', 'bias2'] as const) {
      expect(relativeDifference(reference.weights[part], initial[part])).toBeGreaterThan(1e-4);
      // Adam divides each gradient by its own magnitude, so where a gradient is a near-cancelling sum
      // (a pixel seldom lit) float32 rounding differences of 1e-6 in it become differences of ~1e-3 of
      // the rate in the update (0.8% of kernel1 here, at most 9e-4 of the largest weight). Elsewhere
      // the steps agree to float32 rounding.
      if (optimizer === 'adam') {
        expect(relativeDifference(candidate.weights[part], reference.weights[part])).toBeLessThan(3e-3);
        expect(outliers(candidate.weights[part], reference.weights[part], 2e-5)).toBeLessThan(0.02 * reference.weights[part].length);
      } else {
        expect(outliers(candidate.weights[part], reference.weights[part], 2e-5)).toBe(0);
      }
    }
  });

  it('uses the rate given to each call, not the one the optimizer was created with', () => {
    // A zero rate at every call leaves the weights as they were, whatever the base rate (0.5).
    for (const name of STEP_NAMES) {
      const optimizer: OptimizerName = 'sgd';
      const variables = new MlpVariables(ARTICLE_MLP, initialWeights(ARTICLE_MLP, 12));
      const before = variables.read();
      const step = stepNamed(name, 'wasm').create({ variables, optimizer, baseLearningRate: 0.5 });
      const order = epochOrder(data.train.count, 12, 0);
      tf.tidy(() => step.step(step.makeBatch(data.train, order, 0, 32), 0));
      step.sync();
      const after = variables.read();
      for (const part of ['kernel1', 'bias1', 'kernel2', 'bias2'] as const) expect(outliers(after[part], before[part], 0), `${name} ${part}`).toBe(0);
      step.dispose();
      variables.dispose();
    }
  });
});

describe('chooseStep', () => {
  it('picks the host-SGD step for plain SGD and the tfjs optimizer otherwise, in the layout of the backend', () => {
    expect(chooseStep('wasm', 'sgd').name).toBe('host-sgd/columns');
    expect(chooseStep('tensorflow', 'sgd').name).toBe('host-sgd/rows');
    expect(chooseStep('cpu', 'sgd').name).toBe('host-sgd/rows');
    expect(chooseStep('wasm', 'adam').name).toBe('columns');
    expect(chooseStep('tensorflow', 'momentum').name).toBe('rows');
    expect(chooseStep('cpu', 'rmsprop').name).toBe('rows');
  });
});
