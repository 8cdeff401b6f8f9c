import * as tf from '@tensorflow/tfjs';
import { batchesPerEpoch, DeviceDataset, makeRowBatch, makeTransposedBatch } from '../data/batches.js';
import type { Dataset } from '../data/mnist.js';
import type { MlpShape, MlpWeights } from '../model/mlp.js';
import {
  forward,
  hostCrossEntropy,
  HostHead,
  hostHeadStep,
  MlpVariables,
  rowStep,
  stepLayoutFor,
  transposedStep,
  type HostCrossEntropy,
} from '../model/network.js';
import type { Scheduler } from '../schedulers/types.js';
import { SchedulerCallback } from './callbacks.js';
import { createOptimizer, disposeOptimizer, type OptimizerName } from './optimizers.js';
import { epochOrder } from '../data/random.js';
import { hasDiverged } from './divergence.js';

/** What one epoch produced; `epoch` counts from 1 as Keras prints it. */
export interface EpochRecord {
  readonly epoch: number;
  /** The learning rate at the epoch's first batch. */
  readonly learningRate: number;
  readonly loss: number;
  readonly accuracy: number;
  readonly validationLoss: number;
  readonly validationAccuracy: number;
  readonly seconds: number;
}

export interface Evaluation {
  readonly loss: number;
  readonly accuracy: number;
}

export interface JobOutcome {
  readonly history: EpochRecord[];
  /** Test metrics of the final weights. */
  readonly test: Evaluation;
  /** Test metrics of the weights at the lowest validation loss (Keras' restore_best_weights). */
  readonly testAtBestValidationLoss: Evaluation;
  /** The epoch (1-based) at which the loss stopped being finite, or null. */
  readonly divergedAtEpoch: number | null;
  readonly seconds: number;
}

export interface TrainingJob {
  readonly shape: MlpShape;
  readonly initialWeights: MlpWeights;
  readonly train: Dataset;
  readonly validation: DeviceDataset;
  readonly test: DeviceDataset;
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  readonly baseLearningRate: number;
  /** Seeds the batch order; every scheduler of a repeat gets the same one. */
  readonly seed: number;
  readonly scheduler: Scheduler;
  /** Further tfjs callbacks (progress, tests' probes), called after the scheduler's. */
  readonly callbacks?: readonly tf.Callback[];
  /** Called after each epoch with its record. */
  readonly onEpochEnd?: (record: EpochRecord) => void;
  /** The step's data layout; by default the faster one for the current backend (`stepLayoutFor`). */
  readonly stepLayout?: 'rows' | 'columns';
  /** With plain SGD, run the small part of the network on the host (`hostHeadStep`); default true. */
  readonly hostHead?: boolean;
}

interface BatchTrainer {
  /** One step on the rows order[start..end); returns the batch's loss sum and accuracy count. Call inside tf.tidy. */
  train(order: Uint32Array, start: number, end: number): HostCrossEntropy;
  /** Makes the tfjs variables current (before evaluation and snapshots). */
  sync(): void;
}

/**
 * How a batch is trained. Plain SGD (the article's setting): `hostHeadStep`,
 * the first layer's products on the backend and the small rest on the host,
 * with w <- w + (-lr) g computed from the rate the SchedulerCallback set on the
 * tfjs optimizer (rounded to float32, as that optimizer's own copy is), folded
 * into the host gradient. Other optimizers: the whole backward pass on the
 * backend (`transposedStep` or `rowStep`) and the tfjs optimizer's
 * applyGradients. The data layout is the faster one for the backend
 * (`stepLayoutFor`) unless the job says otherwise.
 */
function batchTrainer(job: TrainingJob, optimizer: tf.Optimizer, variables: MlpVariables): BatchTrainer {
  const layout = job.stepLayout ?? stepLayoutFor(tf.getBackend());
  const batch = (order: Uint32Array, start: number, end: number) => {
    if (layout === 'rows') return makeRowBatch(job.train, order, start, end);
    const { imagesT, labels } = makeTransposedBatch(job.train, order, start, end);
    return { images: imagesT, labels };
  };
  if (job.optimizer === 'sgd' && job.hostHead !== false) {
    const head = new HostHead(job.shape, job.initialWeights);
    const sgd = optimizer as unknown as { learningRate: number };
    return {
      train: (order, start, end) => {
        const { images, labels } = batch(order, start, end);
        return hostHeadStep(variables, head, images, layout, labels, Math.fround(-sgd.learningRate));
      },
      sync: () => head.writeTo(variables),
    };
  }
  return {
    train: (order, start, end) => {
      const { images, labels } = batch(order, start, end);
      const step = layout === 'columns' ? transposedStep(variables, images, labels) : rowStep(variables, images, labels);
      optimizer.applyGradients(step.gradients);
      return step.loss;
    },
    sync: () => undefined,
  };
}

/** Loss and accuracy on a whole dataset in one forward pass; the loss is computed on the host from the logits. */
export function evaluate(variables: MlpVariables, data: DeviceDataset): Evaluation {
  const logits = tf.tidy(() => forward(variables, data.images).logits);
  const values = logits.dataSync();
  logits.dispose();
  const { lossSum, correct } = hostCrossEntropy(values, data.classes, variables.shape.classes);
  return { loss: lossSum / data.count, accuracy: correct / data.count };
}

/**
 * Trains one network with one scheduler: lr-compare's own loop, with the
 * backward pass written out (see `batchTrainer`) and batches built from host
 * arrays, driving the scheduler through the same tfjs callback that
 * `model.fit` would call. docs/performance.md explains the choices.
 */
export async function runTrainingJob(job: TrainingJob): Promise<JobOutcome> {
  const started = performance.now();
  const variables = new MlpVariables(job.shape, job.initialWeights);
  const optimizer = createOptimizer(job.optimizer, job.baseLearningRate);
  const trainer = batchTrainer(job, optimizer, variables);
  const batches = batchesPerEpoch(job.train.count, job.batchSize);
  const callbacks: tf.Callback[] = [new SchedulerCallback(job.scheduler, batches, optimizer), ...(job.callbacks ?? [])];
  const history: EpochRecord[] = [];
  let bestValidationLoss = Number.POSITIVE_INFINITY;
  let bestWeights: MlpWeights | undefined;
  let divergedAtEpoch: number | null = null;
  const schedulerCallback = callbacks[0] as SchedulerCallback;

  try {
    for (const callback of callbacks) await callback.onTrainBegin();
    for (let epoch = 0; epoch < job.epochs; epoch++) {
      const epochStarted = performance.now();
      for (const callback of callbacks) await callback.onEpochBegin(epoch);
      // The rate of the epoch's first batch: batch-wise schedules set it only when that batch begins.
      let learningRate = Number.NaN;
      const order = epochOrder(job.train.count, job.seed, epoch);
      // The step reads each batch's 32 x 10 logits to compute the loss on the host. The backends
      // lr-compare uses run kernels synchronously, so that read waits for nothing.
      let lossTotal = 0;
      let correctTotal = 0;
      for (let batch = 0; batch < batches; batch++) {
        for (const callback of callbacks) await callback.onBatchBegin(batch);
        if (batch === 0) learningRate = schedulerCallback.learningRate;
        const start = batch * job.batchSize;
        const end = Math.min(start + job.batchSize, job.train.count);
        tf.tidy(() => {
          const { lossSum, correct } = trainer.train(order, start, end);
          lossTotal += lossSum;
          correctTotal += correct;
        });
        for (const callback of callbacks) await callback.onBatchEnd(batch);
      }
      const loss = lossTotal / job.train.count;
      const accuracy = correctTotal / job.train.count;
      trainer.sync();
      const validation = evaluate(variables, job.validation);
      const record: EpochRecord = {
        epoch: epoch + 1,
        learningRate,
        loss,
        accuracy,
        validationLoss: validation.loss,
        validationAccuracy: validation.accuracy,
        seconds: (performance.now() - epochStarted) / 1000,
      };
      history.push(record);
      if (hasDiverged(loss, validation.loss, job.shape.classes)) {
        divergedAtEpoch = epoch + 1;
        job.onEpochEnd?.(record);
        break;
      }
      if (validation.loss < bestValidationLoss) {
        bestValidationLoss = validation.loss;
        bestWeights = variables.read();
      }
      const logs: tf.Logs = { loss, acc: accuracy, val_loss: validation.loss, val_acc: validation.accuracy };
      for (const callback of callbacks) await callback.onEpochEnd(epoch, logs);
      job.onEpochEnd?.(record);
    }
    for (const callback of callbacks) await callback.onTrainEnd();

    const test = evaluate(variables, job.test);
    let testAtBestValidationLoss = test;
    if (bestWeights) {
      variables.assign(bestWeights);
      testAtBestValidationLoss = evaluate(variables, job.test);
    }
    return { history, test, testAtBestValidationLoss, divergedAtEpoch, seconds: (performance.now() - started) / 1000 };
  } finally {
    variables.dispose();
    disposeOptimizer(optimizer);
  }
}
