import * as tf from '@tensorflow/tfjs';
import { batchesPerEpoch, DeviceDataset, makeBatch, oneHot } from '../../src/data/batches.js';
import { NUM_CLASSES, type Dataset } from '../../src/data/mnist.js';
import { ARTICLE_MLP, type MlpShape, type MlpWeights } from '../../src/model/mlp.js';
import { MlpVariables } from '../../src/model/network.js';
import type { ClosedFormScheduler } from '../../src/schedulers/types.js';
import { LearningRateScheduler } from '../../src/callbacks/learning-rate-scheduler.js';
import { evaluate, runTrainingJob } from '../../src/train/job.js';
import { runCohortJob } from '../../src/train/cohort-job.js';
import { createOptimizer, type OptimizerName } from '../../src/train/optimizers.js';
import { epochOrder } from '../../src/data/random.js';
import { patchKernels, PATCHABLE_BACKENDS, unpatchKernels } from '../../src/train/backend/patch.js';
import { lossAndGradients } from '../../src/train/steps/reference.js';

/** The training variants the benchmark can time. */
export const VARIANTS = {
  'fit-stock': 'naive baseline: tf.sequential + model.fit, stock tfjs kernels',
  'fit-patched': 'the same model.fit with the matmul kernel patches (wasm and cpu only)',
  'loop-stock': 'device-side loop (makeBatch + lossAndGradients), stock kernels',
  loop: 'device-side loop (makeBatch + lossAndGradients), patched kernels on wasm and cpu',
  own: "lr-compare's own path, one run: runTrainingJob",
  cohort: "lr-compare's cohort engine: runCohortJob with 5 runs (the default comparison's size); seconds per run-epoch",
} as const;

/** Runs in the `cohort` variant: the default comparison's five schedulers. */
export const COHORT_RUNS = 5;
export type VariantName = keyof typeof VARIANTS;

export interface BenchData {
  readonly shape: MlpShape;
  readonly weights: MlpWeights;
  readonly train: Dataset;
  readonly validation: DeviceDataset;
  readonly test: DeviceDataset;
}

export interface TrainingSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  /** The own and cohort variants' optimizer (default sgd); the others train plain SGD. */
  readonly optimizer?: OptimizerName;
  readonly seed: number;
}

export interface EpochTiming {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
}

export interface VariantRun {
  readonly variant: VariantName;
  readonly epochs: EpochTiming[];
  readonly finalValidationAccuracy: number;
}

/** The scheduler every variant trains with: an epoch-wise exponential decay, driven through LearningRateScheduler. */
export function benchScheduler(lr: number): ClosedFormScheduler {
  return { kind: 'closed-form', unit: 'epoch', lrAt: (epoch) => lr * 0.95 ** epoch };
}

/** Records wall and CPU time of each epoch, from epoch begin to epoch end (after validation). */
class EpochClock extends tf.Callback {
  readonly epochs: EpochTiming[] = [];
  private wall = 0;
  private cpu: NodeJS.CpuUsage = process.cpuUsage();

  override async onEpochBegin(): Promise<void> {
    this.wall = performance.now();
    this.cpu = process.cpuUsage();
  }

  override async onEpochEnd(): Promise<void> {
    const cpu = process.cpuUsage(this.cpu);
    this.epochs.push({ wallSeconds: (performance.now() - this.wall) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  }
}

/** Backends that have kernel patches (see src/train/backend/patch.ts). */
const PATCHED_BACKENDS: readonly string[] = PATCHABLE_BACKENDS;

/** Whether a variant means anything on a backend (the patched/stock distinction exists on wasm and cpu only). */
export function variantApplies(variant: VariantName, backend: string): boolean {
  return PATCHED_BACKENDS.includes(backend) || (variant !== 'fit-patched' && variant !== 'loop-stock');
}

/** Runs `body` with the backend's matmul kernels stock or patched as the variant wants, restoring the patch after. */
async function withKernels<T>(backend: string, stock: boolean, body: () => Promise<T>): Promise<T> {
  if (!PATCHED_BACKENDS.includes(backend)) return body();
  if (stock) unpatchKernels(backend);
  else patchKernels(backend);
  try {
    return await body();
  } finally {
    patchKernels(backend);
  }
}

/** The naive baseline: what a tfjs user writes first. */
async function fitBaseline(data: BenchData, settings: TrainingSettings): Promise<VariantRun & { variant: 'fit-stock' }> {
  const { shape, weights } = data;
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: shape.hidden, activation: 'relu', inputShape: [shape.inputs] }),
      tf.layers.dense({ units: shape.classes, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.sgd(settings.lr), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  // The same initial weights as the own path, so both solve the same problem.
  tf.tidy(() => {
    model.layers[0].setWeights([tf.tensor2d(weights.kernel1, [shape.inputs, shape.hidden]), tf.tensor1d(weights.bias1)]);
    model.layers[1].setWeights([tf.tensor2d(weights.kernel2, [shape.hidden, shape.classes]), tf.tensor1d(weights.bias2)]);
  });
  const xs = tf.tensor2d(data.train.images, [data.train.count, data.train.features]);
  const ys = tf.tensor2d(oneHot(data.train.labels), [data.train.count, NUM_CLASSES]);
  const clock = new EpochClock();
  const batches = batchesPerEpoch(data.train.count, settings.batchSize);
  try {
    const history = await model.fit(xs, ys, {
      batchSize: settings.batchSize,
      epochs: settings.epochs,
      shuffle: true,
      validationData: [data.validation.images, data.validation.labels],
      callbacks: [new LearningRateScheduler(benchScheduler(settings.lr), { stepsPerEpoch: batches }), clock],
      verbose: 0,
    });
    const accuracies = (history.history.val_acc ?? history.history.val_accuracy) as number[];
    return { variant: 'fit-stock', epochs: clock.epochs, finalValidationAccuracy: accuracies[accuracies.length - 1] };
  } finally {
    tf.dispose([xs, ys]);
    model.dispose();
  }
}

/**
 * The device-side loop lr-compare had before its own step: batches from host
 * arrays, the backward pass written out with tfjs ops, loss sums kept on the
 * device and read once per epoch.
 */
async function deviceLoop(data: BenchData, settings: TrainingSettings): Promise<VariantRun & { variant: 'loop' }> {
  const variables = new MlpVariables(data.shape, data.weights);
  const optimizer = createOptimizer('sgd', settings.lr);
  const batches = batchesPerEpoch(data.train.count, settings.batchSize);
  const scheduler = new LearningRateScheduler(benchScheduler(settings.lr), { stepsPerEpoch: batches, optimizer });
  const clock = new EpochClock();
  let accuracy = Number.NaN;
  try {
    for (let epoch = 0; epoch < settings.epochs; epoch++) {
      await clock.onEpochBegin();
      await scheduler.onEpochBegin(epoch);
      const order = epochOrder(data.train.count, settings.seed, epoch);
      let lossTotal: tf.Scalar = tf.scalar(0);
      for (let batch = 0; batch < batches; batch++) {
        await scheduler.onBatchBegin(batch);
        const start = batch * settings.batchSize;
        const end = Math.min(start + settings.batchSize, data.train.count);
        const next = tf.tidy(() => {
          const { images, labels } = makeBatch(data.train, order, start, end);
          const step = lossAndGradients(variables, images, labels);
          optimizer.applyGradients(step.gradients);
          return tf.add(lossTotal, step.lossSum) as tf.Scalar;
        });
        lossTotal.dispose();
        lossTotal = next;
      }
      lossTotal.dataSync();
      lossTotal.dispose();
      accuracy = evaluate(variables, data.validation).accuracy;
      await clock.onEpochEnd();
    }
    return { variant: 'loop', epochs: clock.epochs, finalValidationAccuracy: accuracy };
  } finally {
    variables.dispose();
    optimizer.dispose();
  }
}

/** What the own and cohort variants' jobs share: the data, the settings and the epoch clock. */
function sharedJob(data: BenchData, settings: TrainingSettings, clock: EpochClock) {
  return {
    shape: data.shape,
    initialWeights: data.weights,
    train: data.train,
    validation: data.validation,
    test: data.test,
    epochs: settings.epochs,
    batchSize: settings.batchSize,
    optimizer: settings.optimizer ?? 'sgd',
    baseLearningRate: settings.lr,
    seed: settings.seed,
    callbacks: [clock],
  };
}

async function ownPath(data: BenchData, settings: TrainingSettings): Promise<VariantRun & { variant: 'own' }> {
  const clock = new EpochClock();
  const outcome = await runTrainingJob({ ...sharedJob(data, settings, clock), scheduler: benchScheduler(settings.lr) });
  return { variant: 'own', epochs: clock.epochs, finalValidationAccuracy: outcome.history[outcome.history.length - 1].validationAccuracy };
}

/**
 * The cohort engine on COHORT_RUNS runs of the bench schedule (rates 1%
 * apart: SGD's cost does not depend on them, another optimizer's per-run
 * coefficients become columns). Its epochs are
 * reported per run-epoch (the cohort's epoch time / COHORT_RUNS), so they
 * compare with one run's epochs directly.
 */
async function cohortPath(data: BenchData, settings: TrainingSettings): Promise<VariantRun & { variant: 'cohort' }> {
  const clock = new EpochClock();
  const outcomes = await runCohortJob({
    ...sharedJob(data, settings, clock),
    // Each run its own rate (run 0 the bench's): an optimizer's per-run coefficients are then columns, as in a real comparison.
    members: Array.from({ length: COHORT_RUNS }, (_, m) => ({ scheduler: benchScheduler(settings.lr * (1 + m / 100)) })),
  });
  const history = outcomes[0].history;
  const epochs = clock.epochs.map((epoch) => ({ wallSeconds: epoch.wallSeconds / COHORT_RUNS, cpuSeconds: epoch.cpuSeconds / COHORT_RUNS }));
  return { variant: 'cohort', epochs, finalValidationAccuracy: history[history.length - 1].validationAccuracy };
}

/** Wraps a training run once its kernels are in place (the kernel profiler). */
export type Around = <T>(body: () => Promise<T>) => Promise<T>;

/**
 * Trains once with the given variant on the current backend. `around` runs
 * inside the kernel set-up, so a profiler installed there sees the kernels
 * the variant really uses (stock or patched).
 */
export async function runVariant(
  variant: VariantName,
  backend: string,
  data: BenchData,
  settings: TrainingSettings,
  around: Around = (body) => body(),
): Promise<VariantRun> {
  switch (variant) {
    case 'fit-stock':
      return withKernels(backend, true, () => around(() => fitBaseline(data, settings)));
    case 'fit-patched':
      return { ...(await withKernels(backend, false, () => around(() => fitBaseline(data, settings)))), variant };
    case 'loop-stock':
      return { ...(await withKernels(backend, true, () => around(() => deviceLoop(data, settings)))), variant };
    case 'loop':
      return withKernels(backend, false, () => around(() => deviceLoop(data, settings)));
    case 'own':
      return withKernels(backend, false, () => around(() => ownPath(data, settings)));
    case 'cohort':
      return withKernels(backend, false, () => around(() => cohortPath(data, settings)));
  }
}

export const BENCH_SHAPE: MlpShape = ARTICLE_MLP;
