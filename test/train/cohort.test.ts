import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceDataset } from '../../src/data/batches.js';
import { loadMnist, type MnistSplits } from '../../src/data/mnist.js';
import { ARTICLE_MLP, initialWeights } from '../../src/model/mlp.js';
import type { ClosedFormScheduler, MetricDrivenScheduler, Scheduler } from '../../src/schedulers/types.js';
import { createScheduler, parseSchedulerSpec } from '../../src/schedulers/index.js';
import { selectBackend } from '../../src/train/backend/select.js';
import { BACKENDS, TensorCount } from '../helpers/backends.js';
import { runCohortJob, type CohortJob } from '../../src/train/cohort-job.js';
import { chooseEngine, defaultJobs, workUnits } from '../../src/train/engine.js';
import type { EpochRecord } from '../../src/results/results.js';
import { runTrainingJob, type JobOutcome } from '../../src/train/job.js';
import { planRuns } from '../../src/train/plan.js';
import { YieldToEventLoop } from '../../src/train/yield.js';

/**
 * The cohort engine against the per-run engine (the reference), per backend.
 *
 * Tolerance, stated once: every loss within 1e-6 relative (what separates
 * them is the summation order of float32 products: the cohort's validation
 * pass sums on the host, the per-run one on the backend; measured differences
 * are about 1e-8), accuracies within one sample, learning rates and epochs
 * counts exactly equal. The training loss itself comes out bit-identical on
 * the three backends (each column of a product is summed alike however wide
 * the product), which the tests do not require.
 */
const LOSS_TOLERANCE = 1e-6;

function closeLoss(a: number, b: number): boolean {
  return Math.abs(a - b) <= LOSS_TOLERANCE * Math.max(1, Math.abs(a));
}

function expectSameHistory(cohort: readonly EpochRecord[], alone: readonly EpochRecord[], samples: { train: number; validation: number }): void {
  expect(cohort.length).toBe(alone.length);
  for (const [epoch, record] of cohort.entries()) {
    const reference = alone[epoch];
    expect(record.epoch).toBe(reference.epoch);
    expect(record.learningRate).toBe(reference.learningRate);
    expect(closeLoss(record.loss, reference.loss), `epoch ${epoch + 1} loss ${record.loss} vs ${reference.loss}`).toBe(true);
    expect(closeLoss(record.validationLoss, reference.validationLoss), `epoch ${epoch + 1} val loss ${record.validationLoss} vs ${reference.validationLoss}`).toBe(true);
    expect(Math.abs(record.accuracy - reference.accuracy)).toBeLessThanOrEqual(1 / samples.train + 1e-12);
    expect(Math.abs(record.validationAccuracy - reference.validationAccuracy)).toBeLessThanOrEqual(1 / samples.validation + 1e-12);
  }
}

function expectSameOutcome(cohort: JobOutcome, alone: JobOutcome, samples: { train: number; validation: number; test: number }): void {
  expectSameHistory(cohort.history, alone.history, samples);
  expect(cohort.divergedAtEpoch).toBe(alone.divergedAtEpoch);
  expect(closeLoss(cohort.test.loss, alone.test.loss)).toBe(true);
  expect(Math.abs(cohort.test.accuracy - alone.test.accuracy)).toBeLessThanOrEqual(1 / samples.test + 1e-12);
  expect(closeLoss(cohort.testAtBestValidationLoss.loss, alone.testAtBestValidationLoss.loss)).toBe(true);
}

function constant(rate: number): ClosedFormScheduler {
  return { kind: 'closed-form', unit: 'epoch', lrAt: () => rate };
}

/** A metric-driven schedule that records what it is shown: halves the rate whenever the loss did not fall. */
class RecordingPlateau implements MetricDrivenScheduler {
  readonly kind = 'metric-driven';
  readonly unit = 'epoch';
  readonly monitor = 'val_loss';
  readonly seen: number[] = [];
  private rate: number;
  constructor(rate: number) {
    this.rate = rate;
  }
  currentLr(): number {
    return this.rate;
  }
  observe(metric: number): void {
    const previous = this.seen[this.seen.length - 1];
    if (previous !== undefined && !(metric < previous)) this.rate /= 2;
    this.seen.push(metric);
  }
}

/** Counts the tensors alive at every epoch's end. */

describe.each(BACKENDS)('cohort training on $name', ({ name, available }) => {
  let data: MnistSplits;
  let validation: DeviceDataset;
  let test: DeviceDataset;
  let samples: { train: number; validation: number; test: number };

  beforeAll(async () => {
    if (!available) return;
    // With the kernel patches, as `run` trains (comparison.ts).
    await selectBackend(name, { patchKernels: true });
    data = loadMnist({ samples: 400, valSplit: 0.25, testSamples: 200 });
    validation = new DeviceDataset(data.validation);
    test = new DeviceDataset(data.test);
    samples = { train: data.train.count, validation: data.validation.count, test: data.test.count };
  });
  afterAll(() => {
    validation?.dispose();
    test?.dispose();
  });

  const base = (): Omit<CohortJob, 'members'> => ({
    shape: ARTICLE_MLP,
    initialWeights: initialWeights(ARTICLE_MLP, 11),
    train: data.train,
    validation,
    test,
    epochs: 2,
    batchSize: 32,
    optimizer: 'sgd',
    baseLearningRate: 0.1,
    seed: 11,
    // Lets vitest's worker answer its parent between batches (a long synchronous run times its RPC out).
    callbacks: [new YieldToEventLoop()],
  });
  const alone = (scheduler: Scheduler, epochs = 2) => runTrainingJob({ ...base(), epochs, scheduler });
  // Not a silent skip: the name says why it did not run.
  const test_ = (title: string) => (available ? title : `SKIPPED, native backend not provisioned: ${title}`);

  it.skipIf(!available)(test_('gives every run the history it gets alone, within the stated tolerance'), async () => {
    const context = { baseLr: 0.1, epochs: 2, batchesPerEpoch: Math.ceil(data.train.count / 32) };
    const specs = ['step:step_size=1,gamma=0.5', 'cyclic:step_size_up=3,unit=batch', 'plateau:patience=0', 'exponential:gamma=0.7'];
    const schedulers = async () => Promise.all(specs.map((spec) => createScheduler(parseSchedulerSpec(spec), context)));
    const references: JobOutcome[] = [];
    for (const scheduler of await schedulers()) references.push(await alone(scheduler));
    const cohort = await runCohortJob({ ...base(), members: (await schedulers()).map((scheduler) => ({ scheduler })) });
    expect(cohort).toHaveLength(specs.length);
    for (const [index, outcome] of cohort.entries()) expectSameOutcome(outcome, references[index], samples);
    // The schedules really differ, so a mix-up between runs would show.
    expect(new Set(cohort.map((outcome) => outcome.history[1].learningRate)).size).toBe(specs.length);
  });

  it.skipIf(!available)(test_('is bit-identical from one run to the next'), async () => {
    const members = () => [constant(0.05), constant(0.2), new RecordingPlateau(0.1)].map((scheduler) => ({ scheduler }));
    const first = await runCohortJob({ ...base(), members: members() });
    const second = await runCohortJob({ ...base(), members: members() });
    const untimed = (outcomes: JobOutcome[]) => outcomes.map((outcome) => ({ ...outcome, seconds: 0, history: outcome.history.map((record) => ({ ...record, seconds: 0 })) }));
    expect(untimed(second)).toEqual(untimed(first));
  });

  it.skipIf(!available)(test_('masks out a diverging run: it stops at that epoch, the others equal their runs alone'), async () => {
    const epochs = 3;
    const schedulers = [constant(0.1), constant(60), constant(0.3)];
    const references: JobOutcome[] = [];
    for (const scheduler of schedulers) references.push(await alone(scheduler, epochs));
    expect(references[1].divergedAtEpoch).toBe(1);
    const finishedAt: number[] = [];
    const cohort = await runCohortJob({
      ...base(),
      epochs,
      members: schedulers.map((scheduler, index) => ({ scheduler, onFinished: () => finishedAt.push(index) })),
    });
    expect(cohort[1].divergedAtEpoch).toBe(1);
    expect(cohort[1].history).toHaveLength(1);
    // The diverged run is reported as soon as it stops, before the others finish.
    expect(finishedAt).toEqual([1, 0, 2]);
    for (const [index, outcome] of cohort.entries()) expectSameOutcome(outcome, references[index], samples);
  });

  it.skipIf(!available)(test_('keeps plateau state per run: each sees only its own validation loss'), async () => {
    const epochs = 4;
    const cohortPlateaus = [new RecordingPlateau(0.5), new RecordingPlateau(0.02), new RecordingPlateau(2)];
    const cohort = await runCohortJob({ ...base(), epochs, members: cohortPlateaus.map((scheduler) => ({ scheduler })) });
    for (const [index, plateau] of cohortPlateaus.entries()) {
      const history = cohort[index].history;
      expect(plateau.seen).toEqual(history.slice(0, plateau.seen.length).map((record) => record.validationLoss));
      const reference = new RecordingPlateau([0.5, 0.02, 2][index]);
      const outcome = await alone(reference, epochs);
      expectSameOutcome(cohort[index], outcome, samples);
    }
    // Their rates part ways: the state is not shared.
    const finalRates = cohort.map((outcome) => outcome.history[outcome.history.length - 1].learningRate);
    expect(new Set(finalRates).size).toBe(3);
  });

  it.skipIf(!available)(test_('keeps the tensor count flat across epochs and frees everything it made'), async () => {
    const before = tf.memory().numTensors;
    const counter = new TensorCount();
    await runCohortJob({ ...base(), epochs: 3, callbacks: [counter, new YieldToEventLoop()], members: [constant(0.1), constant(60), constant(0.2)].map((scheduler) => ({ scheduler })) });
    expect(counter.counts).toHaveLength(3);
    // The run that diverges in epoch 1 leaves the cohort then: the count may drop once, never grow.
    expect(counter.counts[2]).toBe(counter.counts[1]);
    expect(counter.counts[1]).toBeLessThanOrEqual(counter.counts[0]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('work units', () => {
  const specs = ['step', 'cosine', 'cyclic'].map((spec) => parseSchedulerSpec(spec));
  it('puts the runs of one repeat, and only those, in one cohort', () => {
    const tasks = planRuns(specs, 3, 5);
    const units = workUnits(tasks, 'cohort');
    expect(units.map((unit) => unit.map((task) => task.index))).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
    for (const unit of units) expect(new Set(unit.map((task) => task.seed)).size).toBe(1);
    // A shard or a resume leaves some runs of a repeat: those still train together.
    expect(workUnits([tasks[1], tasks[4], tasks[7], tasks[8]], 'cohort').map((unit) => unit.map((task) => task.index))).toEqual([[1], [4], [7, 8]]);
    expect(workUnits(tasks, 'per-run')).toHaveLength(9);
  });

  it('takes one process more than the cores by default only when whole runs leave a core idle', () => {
    const plan = (repeats: number) => planRuns(['step', 'exponential', 'cosine', 'plateau', 'cyclic'].map((spec) => parseSchedulerSpec(spec)), repeats, 5);
    // One repeat of 5 on 2 cores: 2 processes train 3 + 2 runs (time of 3 runs); 3 processes 2 + 2 + 1 share the cores (time of 2.5).
    expect(defaultJobs(plan(1), 'cohort', 2)).toBe(3);
    // Ten repeats: ten cohorts of 5 split 25 + 25 over 2 processes already; a third process gains nothing.
    expect(defaultJobs(plan(10), 'cohort', 2)).toBe(2);
    // Three repeats: 10 + 5 on 2 processes, 5 + 5 + 5 on 3 (time of 7.5 runs).
    expect(defaultJobs(plan(3), 'cohort', 2)).toBe(3);
    // Two repeats divide evenly; per run, units of one run always balance.
    expect(defaultJobs(plan(2), 'cohort', 2)).toBe(2);
    expect(defaultJobs(plan(1), 'per-run', 2)).toBe(2);
    // One core: 5 runs in one cohort beat two processes taking turns on it.
    expect(defaultJobs(plan(1), 'cohort', 1)).toBe(1);
  });

  it('halves the largest cohorts until every worker process has one', () => {
    const five = planRuns(['step', 'exponential', 'cosine', 'plateau', 'cyclic'].map((spec) => parseSchedulerSpec(spec)), 1, 5);
    const indices = (units: { index: number }[][]) => units.map((unit) => unit.map((task) => task.index));
    expect(indices(workUnits(five, 'cohort', 1))).toEqual([[0, 1, 2, 3, 4]]);
    expect(indices(workUnits(five, 'cohort', 2))).toEqual([[0, 1, 2], [3, 4]]);
    expect(indices(workUnits(five, 'cohort', 8))).toEqual([[0], [1], [2], [3], [4]]);
    // Enough repeats for every process: cohorts stay whole.
    expect(workUnits(planRuns(specs, 3, 5), 'cohort', 2)).toHaveLength(3);
  });

  it('takes the cohort by default on tensorflow, wasm and cpu', () => {
    expect(chooseEngine('auto', 'wasm', 'sgd')).toBe('cohort');
    expect(chooseEngine('auto', 'tensorflow', 'sgd')).toBe('cohort');
    expect(chooseEngine('auto', 'cpu', 'sgd')).toBe('cohort');
    expect(chooseEngine('per-run', 'cpu', 'sgd')).toBe('per-run');
    expect(chooseEngine('cohort', 'cpu', 'sgd')).toBe('cohort');
    expect(chooseEngine('per-run', 'wasm', 'sgd')).toBe('per-run');
    // The schedule-free optimizers have no cohort step (cohort-optimizers.test.ts tests the others and the refusal).
    for (const optimizer of ['schedulefree_sgd', 'schedulefree_adamw'] as const) expect(chooseEngine('auto', 'tensorflow', optimizer)).toBe('per-run');
  });
});
