/**
 * Issue 17 through the engine: a schedule's momentum reaches the optimizer of
 * a training job (and its epoch records), schedule-free runs are evaluated
 * with their averaged weights x and keep training from y, and a comparison may
 * mix optimizers (a spec's `optimizer=`), recording each run's.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DeviceDataset } from '../../src/data/batches.js';
import { loadMnist, type MnistSplits } from '../../src/data/mnist.js';
import { epochOrder } from '../../src/data/random.js';
import { ARTICLE_MLP, initialWeights } from '../../src/model/mlp.js';
import { MlpVariables } from '../../src/model/network.js';
import { createScheduler, parseSchedulerSpec } from '../../src/schedulers/index.js';
import type { ClosedFormScheduler } from '../../src/schedulers/types.js';
import { selectBackend } from '../../src/train/backend/select.js';
import { runComparison } from '../../src/train/comparison.js';
import { evaluate, runTrainingJob, type TrainingJob } from '../../src/train/job.js';
import { stepNamed } from '../../src/train/steps/choose.js';
import { LearningRateScheduler } from '../../src/callbacks/learning-rate-scheduler.js';
import { createOptimizer, disposeOptimizer } from '../../src/train/optimizers.js';
import { effectiveMomentum } from '../../src/callbacks/optimizer-momentum.js';

let data: MnistSplits;
let validation: DeviceDataset;
let test: DeviceDataset;

beforeAll(async () => {
  await selectBackend('cpu', { patchKernels: true });
  data = loadMnist({ samples: 300, valSplit: 0.2, testSamples: 100 });
  validation = new DeviceDataset(data.validation);
  test = new DeviceDataset(data.test);
});

const BATCHES = Math.ceil(240 / 32);

async function onecycle(spec: string): Promise<ClosedFormScheduler> {
  return (await createScheduler(parseSchedulerSpec(spec), { baseLr: 0.1, epochs: 2, batchesPerEpoch: BATCHES })) as ClosedFormScheduler;
}

function job(overrides: Partial<TrainingJob>): TrainingJob {
  return {
    shape: ARTICLE_MLP,
    initialWeights: initialWeights(ARTICLE_MLP, 5),
    train: data.train,
    validation,
    test,
    epochs: 2,
    batchSize: 32,
    optimizer: 'momentum',
    baseLearningRate: 0.1,
    seed: 5,
    scheduler: { kind: 'closed-form', unit: 'epoch', lrAt: () => 0.05 },
    ...overrides,
  };
}

describe('momentum cycling in a training job', () => {
  it("records the schedule's momentum at each epoch's first batch, and it changes the training", async () => {
    const cycled = await onecycle('onecycle:unit=batch');
    const fixed = await onecycle('onecycle:unit=batch,cycle_momentum=false');
    const withCycling = await runTrainingJob(job({ scheduler: cycled }));
    const without = await runTrainingJob(job({ scheduler: fixed }));
    expect(withCycling.history.map((record) => record.momentum)).toEqual([cycled.momentumAt!(0), cycled.momentumAt!(BATCHES)]);
    expect(without.history.map((record) => record.momentum)).toEqual([0.9, 0.9]);
    // Same rates, same batches: only the momentum differs, and it reaches the weights.
    expect(withCycling.history.map((record) => record.learningRate)).toEqual(without.history.map((record) => record.learningRate));
    expect(withCycling.history[1]!.loss).not.toBe(without.history[1]!.loss);
  });

  it('leaves plain SGD plain: no momentum recorded, and the same training with or without cycle_momentum', async () => {
    const cycled = await runTrainingJob(job({ optimizer: 'sgd', scheduler: await onecycle('onecycle:unit=batch') }));
    const fixed = await runTrainingJob(job({ optimizer: 'sgd', scheduler: await onecycle('onecycle:unit=batch,cycle_momentum=false') }));
    expect(cycled.history.every((record) => record.momentum === undefined)).toBe(true);
    expect(cycled.history.map((record) => record.loss)).toEqual(fixed.history.map((record) => record.loss));
  });
});

describe('learningRateScheduler on an optimizer (model.fit, a loop of your own)', () => {
  it("sets the schedule's momentum where the optimizer's update reads it, and leaves plain SGD's alone", async () => {
    const scheduler = await onecycle('onecycle');
    for (const name of ['momentum', 'adam', 'adamw', 'rmsprop'] as const) {
      const optimizer = createOptimizer(name, 0.1);
      const callback = new LearningRateScheduler(scheduler, { optimizer, stepsPerEpoch: BATCHES });
      await callback.onTrainBegin();
      await callback.onEpochBegin(1);
      expect(effectiveMomentum(optimizer), name).toBeCloseTo(scheduler.momentumAt!(1), 6);
      disposeOptimizer(optimizer);
    }
    const sgd = createOptimizer('sgd', 0.1);
    const callback = new LearningRateScheduler(scheduler, { optimizer: sgd, stepsPerEpoch: BATCHES });
    await callback.onTrainBegin();
    await callback.onEpochBegin(1);
    expect(effectiveMomentum(sgd)).toBeUndefined();
    disposeOptimizer(sgd);
  });
});

describe('schedule-free runs', () => {
  it('sync() puts the averaged weights x in the variables, and the next step continues from y', () => {
    const train = (syncEveryBatch: boolean) => {
      const variables = new MlpVariables(ARTICLE_MLP, initialWeights(ARTICLE_MLP, 9));
      const step = stepNamed('reference', 'cpu').create({ variables, optimizer: 'schedulefree_sgd', baseLearningRate: 0.1 });
      const order = epochOrder(data.train.count, 9, 0);
      let beforeSync = variables.read();
      for (let start = 0; start < 128; start += 32) {
        tf.tidy(() => step.step(step.makeBatch(data.train, order, start, start + 32), 0.1));
        beforeSync = variables.read();
        if (syncEveryBatch) step.sync();
      }
      step.sync();
      const averaged = variables.read();
      step.dispose();
      variables.dispose();
      return { y: beforeSync, x: averaged };
    };
    const once = train(false);
    const everyBatch = train(true);
    const largest = (a: Float32Array, b: Float32Array) => a.reduce((worst, value, i) => Math.max(worst, Math.abs(value - b[i]!)), 0);
    // x is not y: evaluation sees other weights than the gradients were taken at.
    expect(largest(once.x.kernel2, once.y.kernel2)).toBeGreaterThan(1e-4);
    // Switching to x and back to y between batches changes the training by float32 rounding only.
    expect(largest(everyBatch.x.kernel2, once.x.kernel2)).toBeLessThan(1e-6);
  });

  it('evaluates the averaged weights: the epoch record is the loss of x', async () => {
    const outcome = await runTrainingJob(job({ optimizer: 'schedulefree_sgd', epochs: 1 }));
    // Rebuild x by hand: the same step, batches and rate, then sync() (checked above to give x).
    const variables = new MlpVariables(ARTICLE_MLP, initialWeights(ARTICLE_MLP, 5));
    const step = stepNamed('rows', 'cpu').create({ variables, optimizer: 'schedulefree_sgd', baseLearningRate: 0.1 });
    const order = epochOrder(data.train.count, 5, 0);
    for (let start = 0; start < data.train.count; start += 32) {
      tf.tidy(() => step.step(step.makeBatch(data.train, order, start, Math.min(start + 32, data.train.count)), 0.05));
    }
    const atY = evaluate(variables, validation).loss;
    step.sync();
    const atX = evaluate(variables, validation).loss;
    step.dispose();
    variables.dispose();
    expect(atX).not.toBe(atY);
    expect(outcome.history[0]!.validationLoss).toBe(atX);
  });
});

describe('a comparison that mixes optimizers', () => {
  it("trains each run with its spec's optimizer, records it with its hyperparameters, and pairs the runs", async () => {
    const results = await runComparison({
      specs: [parseSchedulerSpec('step'), parseSchedulerSpec('none:label=sf,optimizer=schedulefree_sgd'), parseSchedulerSpec('none:label=aw,optimizer=adamw')],
      epochs: 2,
      lr: 0.05,
      batchSize: 32,
      optimizer: 'sgd',
      weightDecay: 0.02,
      seed: 3,
      repeats: 2,
      samples: 200,
      valSplit: 0.2,
      testSamples: 50,
      targetAcc: 0.5,
      backend: 'cpu',
      jobs: 1,
    });
    const byLabel = (label: string) => results.runs.filter((run) => run.label === label);
    // 160 training images: 5 batches per epoch, 10 per run; schedule-free warms up over 5% of them.
    expect(byLabel('step')[0]!.optimizer).toEqual({ name: 'sgd' });
    expect(byLabel('sf')[0]!.optimizer).toEqual({ name: 'schedulefree_sgd', momentum: 0.9, weightDecay: 0.02, warmupSteps: 1 });
    expect(byLabel('aw')[0]!.optimizer).toEqual({ name: 'adamw', momentum: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.02 });
    expect(results.configuration.weightDecay).toBe(0.02);
    // Three different optimizers from the same start: three different trainings.
    const losses = new Set(results.runs.filter((run) => run.repeat === 0).map((run) => run.history[1]!.loss));
    expect(losses.size).toBe(3);
    // Paired statistics over the repeats, as for any comparison.
    expect(JSON.stringify(results.statistics)).toContain('sf');
  });

  it('with the cohort engine, trains a run whose spec names another optimizer run by run, as the per-run engine does', async () => {
    const request = {
      specs: [parseSchedulerSpec('step'), parseSchedulerSpec('none:label=sf,optimizer=schedulefree_sgd')],
      epochs: 2, lr: 0.05, batchSize: 32, optimizer: 'sgd' as const, seed: 4, repeats: 1, samples: 200, valSplit: 0.2,
      testSamples: 50, targetAcc: 0.5, backend: 'cpu' as const, jobs: 1,
    };
    const cohort = await runComparison({ ...request, engine: 'cohort' });
    const perRun = await runComparison({ ...request, engine: 'per-run' });
    const sf = (results: typeof cohort) => results.runs.find((run) => run.label === 'sf')!;
    expect(sf(cohort).optimizer?.name).toBe('schedulefree_sgd');
    expect(sf(cohort).history.map((record) => record.loss)).toEqual(sf(perRun).history.map((record) => record.loss));
  });
});
