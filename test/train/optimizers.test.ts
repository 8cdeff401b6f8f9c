/**
 * lr-compare's optimizers against trajectories recorded from their reference
 * implementations (scripts/golden/generate_optimizers.py, fixtures in
 * test/fixtures/optimizers/): torch.optim.AdamW, the schedulefree package's
 * SGDScheduleFree and AdamWScheduleFree (y after each step, and the averaged x
 * that evaluation uses), and tfjs' Momentum and Adam driven with a rate and a
 * momentum that change every step, as cyclic/onecycle drive them: this checks
 * the EFFECTIVE momentum through the weights, against torch.optim.SGD/Adam.
 * Float32 tolerance: relative 1e-5 plus 1e-6 absolute (each fixture states it).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { setLearningRate } from '../../src/callbacks/optimizer-rate.js';
import { effectiveMomentum, setMomentum } from '../../src/callbacks/optimizer-momentum.js';
import {
  createOptimizer,
  disposeOptimizer,
  optimizerSettings,
  useEvaluationWeights,
  useTrainingWeights,
  type OptimizerName,
  type OptimizerSettings,
} from '../../src/train/optimizers.js';

interface Problem {
  readonly inputs: number[][];
  readonly targets: number[][];
  readonly kernel: number[][];
  readonly bias: number[];
}
interface Case {
  readonly call: string;
  readonly settings: { readonly name: OptimizerName; readonly weightDecay?: number; readonly warmupSteps?: number; readonly momentum?: number };
  readonly lr: number[];
  readonly momentum?: number[];
  readonly weights: number[][];
  readonly averaged?: number[][];
}
interface Fixture {
  readonly optimizer: OptimizerName;
  readonly versions: Readonly<Record<string, string>>;
  readonly tolerance: { readonly precision: 'float32'; readonly relative: number; readonly absolute: number };
  readonly problem: Problem;
  readonly cases: Case[];
}

const FIXTURES = join(import.meta.dirname, '../fixtures/optimizers');
const fixtures: Fixture[] = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as Fixture);

beforeAll(async () => {
  await tf.setBackend('cpu');
});

let run = 0;

/** Trains the fixture's problem as the generator did; returns the weights after each step (and x for schedule-free). */
function train(problem: Problem, golden: Case): { weights: number[][]; averaged: number[][]; tensorsPerStep: number[] } {
  run++;
  const kernel = tf.variable(tf.tensor2d(problem.kernel), true, `optim-test-${run}/kernel`);
  const bias = tf.variable(tf.tensor1d(problem.bias), true, `optim-test-${run}/bias`);
  const inputs = tf.tensor2d(problem.inputs);
  const targets = tf.tensor2d(problem.targets);
  const settings: OptimizerSettings = { ...optimizerSettings(golden.settings.name, { weightDecay: golden.settings.weightDecay }), ...('warmupSteps' in golden.settings ? { warmupSteps: golden.settings.warmupSteps } : {}) };
  const optimizer = createOptimizer(golden.settings.name, golden.lr[0]!, settings);
  const read = () => [...kernel.dataSync(), ...bias.dataSync()];
  const weights: number[][] = [];
  const averaged: number[][] = [];
  const tensorsPerStep: number[] = [];
  try {
    golden.lr.forEach((lr, step) => {
      useTrainingWeights(optimizer);
      setLearningRate(optimizer, lr);
      if (golden.momentum) expect(setMomentum(optimizer, golden.momentum[step]!)).toBe(true);
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.mean(tf.square(tf.sub(tf.add(tf.matMul(inputs, kernel), bias), targets))) as tf.Scalar, [kernel, bias]);
        optimizer.applyGradients(grads);
      });
      weights.push(read());
      if (golden.averaged) {
        useEvaluationWeights(optimizer);
        averaged.push(read());
      }
      tensorsPerStep.push(tf.memory().numTensors);
    });
  } finally {
    disposeOptimizer(optimizer);
    tf.dispose([kernel, bias, inputs, targets]);
  }
  return { weights, averaged, tensorsPerStep };
}

function mismatches(actual: number[][], expected: number[][], tolerance: Fixture['tolerance']): string[] {
  const found: string[] = [];
  expected.forEach((row, step) =>
    row.forEach((value, i) => {
      const got = actual[step]![i]!;
      if (!(Math.abs(got - value) <= tolerance.relative * Math.abs(value) + tolerance.absolute)) found.push(`step ${step} weight ${i}: ${got} vs ${value}`);
    }),
  );
  return found;
}

describe('optimizers against their reference implementations (float32: relative 1e-5 + 1e-6)', () => {
  it('cover adamw, both schedule-free optimizers and the momentum each cycled optimizer applies', () => {
    expect(fixtures.map((fixture) => fixture.optimizer)).toEqual(['adam', 'adamw', 'momentum', 'schedulefree_adamw', 'schedulefree_sgd']);
    for (const fixture of fixtures) expect(fixture.tolerance).toEqual({ precision: 'float32', relative: 1e-5, absolute: 1e-6 });
  });

  for (const fixture of fixtures) {
    for (const golden of fixture.cases) {
      it(`${fixture.optimizer}: ${golden.call}`, () => {
        const { weights, averaged, tensorsPerStep } = train(fixture.problem, golden);
        expect(mismatches(weights, golden.weights, fixture.tolerance)).toEqual([]);
        if (golden.averaged) expect(mismatches(averaged, golden.averaged, fixture.tolerance)).toEqual([]);
        // The optimizer's state is made at the first step; after that no step adds a tensor.
        expect(new Set(tensorsPerStep.slice(1)).size).toBe(1);
      });
    }
  }
});

describe('setMomentum sets what the next step applies', () => {
  it('RMSProp: the update uses the momentum set (tfjs: moment = momentum x moment + lr g / sqrt(ms + eps))', () => {
    const w = tf.variable(tf.tensor1d([1, -2]), true, 'rmsprop-momentum/w');
    const optimizer = createOptimizer('rmsprop', 0.1);
    const g1 = [0.5, -1];
    const g2 = [0.25, 2];
    optimizer.applyGradients({ [w.name]: tf.tensor1d(g1) });
    expect(setMomentum(optimizer, 0.7)).toBe(true);
    expect(effectiveMomentum(optimizer)).toBe(0.7);
    optimizer.applyGradients({ [w.name]: tf.tensor1d(g2) });
    const got = [...w.dataSync()];
    // Host float64 arithmetic of tfjs' documented RMSProp (decay 0.9, epsilon 1e-7), momentum 0 then 0.7.
    const expected = [1, -2].map((w0, i) => {
      const ms1 = 0.1 * g1[i]! ** 2;
      const mom1 = (0.1 * g1[i]!) / Math.sqrt(ms1 + 1e-7);
      const ms2 = 0.9 * ms1 + 0.1 * g2[i]! ** 2;
      const mom2 = 0.7 * mom1 + (0.1 * g2[i]!) / Math.sqrt(ms2 + 1e-7);
      return w0 - mom1 - mom2;
    });
    got.forEach((value, i) => expect(value).toBeCloseTo(expected[i]!, 5));
    disposeOptimizer(optimizer);
    w.dispose();
  });

  it('plain SGD and the schedule-free optimizers have no momentum a schedule may set', () => {
    for (const name of ['sgd', 'schedulefree_sgd', 'schedulefree_adamw'] as const) {
      const optimizer = createOptimizer(name, 0.1);
      expect(setMomentum(optimizer, 0.5), name).toBe(false);
      expect(effectiveMomentum(optimizer), name).toBeUndefined();
      disposeOptimizer(optimizer);
    }
  });

  it('setting momentum every step adds no tensor (Momentum replaces its cached scalar)', () => {
    const optimizer = createOptimizer('momentum', 0.1);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) tf.tidy(() => setMomentum(optimizer, 0.8 + i / 100));
    expect(tf.memory().numTensors).toBe(before);
    expect(effectiveMomentum(optimizer)).toBeCloseTo(0.84, 6);
    disposeOptimizer(optimizer);
  });
});
