import * as tf from '@tensorflow/tfjs';
import { batchesPerEpoch, DeviceDataset, makeBatch } from '../data/batches.js';
import type { Dataset } from '../data/mnist.js';
import type { MlpShape, MlpWeights } from '../model/mlp.js';
import { crossEntropy, forward, lossAndGradients, MlpVariables } from '../model/network.js';
import type { Scheduler } from '../schedulers/types.js';
import { MONITORED_METRIC, SchedulerCallback } from './callbacks.js';
import { createOptimizer, type OptimizerName } from './optimizers.js';
import { epochOrder } from './random.js';

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
}

export function evaluate(variables: MlpVariables, data: DeviceDataset): Evaluation {
  const [lossSum, correct] = tf.tidy(() => {
    const { lossSum, correct } = crossEntropy(forward(variables, data.images).logits, data.labels);
    return [lossSum, correct];
  });
  const loss = lossSum.dataSync()[0] / data.count;
  const accuracy = correct.dataSync()[0] / data.count;
  lossSum.dispose();
  correct.dispose();
  return { loss, accuracy };
}

/**
 * Trains one network with one scheduler: lr-compare's own loop, with the
 * backward pass written out and batches built from host arrays, driving the
 * scheduler through the same tfjs callback that `model.fit` would call.
 */
export async function runTrainingJob(job: TrainingJob): Promise<JobOutcome> {
  const started = performance.now();
  const variables = new MlpVariables(job.shape, job.initialWeights);
  const optimizer = createOptimizer(job.optimizer, job.baseLearningRate);
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
      const learningRate = Number.isNaN(schedulerCallback.learningRate) ? job.baseLearningRate : schedulerCallback.learningRate;
      const order = epochOrder(job.train.count, job.seed, epoch);
      // Per-batch sums stay on the device and are read once per epoch: a read per batch would stall the pipeline.
      let lossTotal: tf.Scalar = tf.scalar(0);
      let correctTotal: tf.Scalar = tf.scalar(0);
      for (let batch = 0; batch < batches; batch++) {
        for (const callback of callbacks) await callback.onBatchBegin(batch);
        const start = batch * job.batchSize;
        const end = Math.min(start + job.batchSize, job.train.count);
        const [nextLoss, nextCorrect] = tf.tidy(() => {
          const { images, labels } = makeBatch(job.train, order, start, end);
          const step = lossAndGradients(variables, images, labels);
          optimizer.applyGradients(step.gradients);
          return [tf.add(lossTotal, step.lossSum) as tf.Scalar, tf.add(correctTotal, step.correct) as tf.Scalar];
        });
        lossTotal.dispose();
        correctTotal.dispose();
        lossTotal = nextLoss;
        correctTotal = nextCorrect;
        for (const callback of callbacks) await callback.onBatchEnd(batch);
      }
      const loss = lossTotal.dataSync()[0] / job.train.count;
      const accuracy = correctTotal.dataSync()[0] / job.train.count;
      lossTotal.dispose();
      correctTotal.dispose();
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
      if (!Number.isFinite(loss) || !Number.isFinite(validation.loss)) {
        divergedAtEpoch = epoch + 1;
        job.onEpochEnd?.(record);
        break;
      }
      if (validation.loss < bestValidationLoss) {
        bestValidationLoss = validation.loss;
        bestWeights = variables.read();
      }
      const logs: tf.Logs = { loss, acc: accuracy, [MONITORED_METRIC]: validation.loss, val_acc: validation.accuracy };
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
    optimizer.dispose();
  }
}
