import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { setLearningRate } from '../../src/callbacks/optimizer-rate.js';
import { setMomentum } from '../../src/callbacks/optimizer-momentum.js';
import { createRandom } from '../../src/data/random.js';
import type { MlpShape } from '../../src/model/mlp.js';
import { selectBackend, type BackendName } from '../../src/train/backend/select.js';
import { createOptimizer, disposeOptimizer, optimizerSettings } from '../../src/train/optimizers.js';
import { CohortOptimizer } from '../../src/train/steps/cohort-optimizer.js';
import { HOST, stackedRule, type CohortOptimizerName, type HostValue } from '../../src/train/steps/optimizer-rules.js';

/**
 * The cohort's update rules against the optimizers the per-run path uses
 * (tfjs' Momentum, Adam, RMSProp and lr-compare's AdamW, driven as
 * OptimizerStep drives them: the rate every step, the momentum when it
 * changes): on equal gradients, bit-identical, on the host and stacked on the
 * backend, with each run's own rate and momentum. Exact equality is the
 * tolerance: every operation is one correctly rounded float32 operation on
 * both sides, in the same order.
 */

function nativeProvisioned(): boolean {
  const marker = resolve(__dirname, '../../node_modules/.lr-compare-native-status');
  return existsSync(marker) && readFileSync(marker, 'utf8').split('\n')[0].trim() === 'ok';
}

const BACKENDS: { name: BackendName; available: boolean }[] = [
  { name: 'cpu', available: true },
  { name: 'wasm', available: true },
  { name: 'tensorflow', available: nativeProvisioned() },
];

const OPTIMIZERS: CohortOptimizerName[] = ['momentum', 'adam', 'rmsprop', 'adamw'];

/** Per step: the rate, and the momentum a schedule gives (undefined: none, as for a schedule that does not cycle it). */
const SCHEDULES: { rate: number; momentum: number | undefined }[][] = [
  // Rates and momenta that change every step, as onecycle/cyclic with cycle_momentum give them.
  [0.01, 0.03, 0.02, 0.02, 0.005, 0.011].map((rate, step) => ({ rate, momentum: [0.95, 0.9, 0.87, 0.87, 0.92, 0.85][step] })),
  // A rate of its own and no momentum schedule: the optimizer's own momentum/beta1.
  [0.1, 0.1, 0.05, 0.05, 0.025, 0.07].map((rate) => ({ rate, momentum: undefined })),
];
const STEPS = SCHEDULES[0].length;

function randomArray(length: number, random: () => number, scale: number): Float32Array {
  return Float32Array.from({ length }, () => (2 * random() - 1) * scale);
}

/** The per-run optimizer's result: one variable of `rows` x `columns`, stepped with the gradients given. */
function perRun(name: CohortOptimizerName, initial: Float32Array, rows: number, columns: number, gradients: Float32Array[], schedule: (typeof SCHEDULES)[number]): Float32Array {
  const variable = tf.tidy(() => tf.variable(tf.tensor2d(initial, [rows, columns]), true, `rule-test-${name}-${Math.random()}`));
  const optimizer = createOptimizer(name, schedule[0].rate, optimizerSettings(name));
  let lastMomentum = Number.NaN;
  for (let step = 0; step < gradients.length; step++) {
    const { rate, momentum } = schedule[step];
    // As OptimizerStep.step: the rate, then the momentum only when it changed.
    setLearningRate(optimizer, rate);
    if (momentum !== undefined && momentum !== lastMomentum) {
      setMomentum(optimizer, momentum);
      lastMomentum = momentum;
    }
    tf.tidy(() => optimizer.applyGradients({ [variable.name]: tf.tensor2d(gradients[step], [rows, columns]) }));
  }
  const result = variable.dataSync() as Float32Array;
  disposeOptimizer(optimizer);
  variable.dispose();
  return Float32Array.from(result);
}

describe.each(BACKENDS)('cohort update rules on $name', ({ name: backend, available }) => {
  // Not a silent skip: the name says why it did not run.
  const title = (text: string) => (available ? text : `SKIPPED, native backend not provisioned: ${text}`);
  const shape: MlpShape = { inputs: 6, hidden: 4, classes: 3 };
  const random = createRandom(7);
  // Gradients of very different sizes, some exactly zero: Adam's and RMSProp's division sees them all.
  const gradientsFor = (length: number) =>
    Array.from({ length: STEPS }, (_, step) => {
      const values = randomArray(length, random, step % 2 === 0 ? 1 : 1e-3);
      values[step] = 0;
      return values;
    });

  it.skipIf(!available).each(OPTIMIZERS)(title('%s on the host equals the per-run optimizer bit for bit'), async (name) => {
    await selectBackend(backend);
    for (const schedule of SCHEDULES) {
      const initial = randomArray(12, random, 0.5);
      const gradients = gradientsFor(12);
      const expected = perRun(name, initial, 3, 4, gradients, schedule);
      const rule = stackedRule(name, optimizerSettings(name));
      const run = rule.createRun();
      let value: HostValue = initial;
      let slots: HostValue[] = Array.from({ length: rule.slots }, () => new Float32Array(12));
      for (let step = 0; step < STEPS; step++) {
        const result = rule.update(HOST, value, gradients[step], slots, run.next(schedule[step].rate, schedule[step].momentum));
        value = result.value;
        slots = result.slots;
      }
      expect(value).toEqual(expected);
      // It moved: the comparison is not between two untouched copies.
      expect(value).not.toEqual(initial);
    }
  });

  it.skipIf(!available).each(OPTIMIZERS)(title("%s stacked on the backend gives each run exactly its own optimizer's result"), async (name) => {
    await selectBackend(backend);
    const before = tf.memory().numTensors;
    const { inputs, hidden, classes } = shape;
    const runs = SCHEDULES.length;
    const block = hidden * inputs;
    const initialBlock = randomArray(block, random, 0.5);
    const weights = { kernel1: new Float32Array(inputs * hidden), bias1: new Float32Array(hidden), kernel2: new Float32Array(hidden * classes), bias2: new Float32Array(classes) };
    const cohort = new CohortOptimizer(name, optimizerSettings(name), hidden);
    for (let m = 0; m < runs; m++) cohort.createHead(shape, weights);
    const stacked = tf.tidy(() => tf.variable(tf.tensor2d(new Float32Array(runs * block).map((_, i) => initialBlock[i % block]), [runs * hidden, inputs])));
    const gradients = gradientsFor(runs * block);
    for (let step = 0; step < STEPS; step++) {
      for (let m = 0; m < runs; m++) expect(cohort.schedule(m, SCHEDULES[m][step].rate, SCHEDULES[m][step].momentum)).toBe(1);
      tf.tidy(() => cohort.updateFirstLayer(stacked, tf.tensor2d(gradients[step], [runs * hidden, inputs])));
    }
    const result = stacked.dataSync() as Float32Array;
    for (let m = 0; m < runs; m++) {
      const own = gradients.map((gradient) => gradient.slice(m * block, (m + 1) * block));
      expect(result.slice(m * block, (m + 1) * block), `run ${m}`).toEqual(perRun(name, initialBlock, hidden, inputs, own, SCHEDULES[m]));
    }
    // A run that leaves takes its rows of the state along: the one left goes on as alone.
    cohort.remove([0]);
    const left = tf.tidy(() => tf.variable(tf.tensor2d(result.slice(block), [hidden, inputs])));
    const extra = randomArray(block, random, 1);
    cohort.schedule(0, 0.02, 0.9);
    tf.tidy(() => cohort.updateFirstLayer(left, tf.tensor2d(extra, [hidden, inputs])));
    const ownAll = [...gradients.map((gradient) => gradient.slice(block)), extra];
    expect(left.dataSync()).toEqual(perRun(name, initialBlock, hidden, inputs, ownAll, [...SCHEDULES[1], { rate: 0.02, momentum: 0.9 }]));
    left.dispose();
    stacked.dispose();
    cohort.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
