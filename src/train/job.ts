import * as tf from '@tensorflow/tfjs';
import { batchesPerEpoch, DeviceDataset, makeRowBatch, makeTransposedBatch } from '../data/batches.js';
import type { Dataset } from '../data/mnist.js';
import type { MlpShape, MlpWeights } from '../model/mlp.js';
import { forward, hostCrossEntropy, MlpVariables, rowStep, stepLayoutFor, transposedStep, type TrainingStep } from '../model/network.js';
import type { Scheduler } from '../schedulers/types.js';
import { MONITORED_METRIC, SchedulerCallback } from './callbacks.js';
import { createOptimizer, disposeOptimizer, type OptimizerName } from './optimizers.js';
import { epochOrder } from './random.js';
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
}

/**
 * How the step's gradients reach the weights. Plain SGD is w <- w + (-lr) g;
 * since every gradient of the step is linear in the output gradient, the step
 * multiplies those 32 x 10 host numbers by -lr and the update is one addition
 * per variable, where tfjs' SGDOptimizer spends a multiplication, an addition
 * and a scope on each (on W1, 100k numbers). The rate is the one the
 * SchedulerCallback set on the tfjs optimizer, rounded to float32 as that
 * optimizer's own copy of it is. Other optimizers get the gradients through
 * their applyGradients.
 */
function updater(name: OptimizerName, optimizer: tf.Optimizer, variables: MlpVariables): { scale(): number; apply(gradients: tf.NamedTensorMap): void } {
  if (name !== 'sgd') return { scale: () => 1, apply: (gradients) => optimizer.applyGradients(gradients) };
  const sgd = optimizer as unknown as { learningRate: number };
  const list = [variables.kernel1, variables.bias1, variables.kernel2, variables.bias2];
  return {
    scale: () => Math.fround(-sgd.learningRate),
    apply: (gradients) => {
      for (const variable of list) variable.assign(tf.add(variable, gradients[variable.name]));
    },
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
 * backward pass written out (`transposedStep` on wasm, `rowStep` elsewhere:
 * see `stepLayoutFor`) and batches built from host
 * arrays, driving the scheduler through the same tfjs callback that
 * `model.fit` would call. docs/performance.md explains the choices.
 */
export async function runTrainingJob(job: TrainingJob): Promise<JobOutcome> {
  const started = performance.now();
  const variables = new MlpVariables(job.shape, job.initialWeights);
  const optimizer = createOptimizer(job.optimizer, job.baseLearningRate);
  const update = updater(job.optimizer, optimizer, variables);
  const transposed = (job.stepLayout ?? stepLayoutFor(tf.getBackend())) === 'columns';
  const step = (order: Uint32Array, start: number, end: number): TrainingStep => {
    if (transposed) {
      const { imagesT, labels } = makeTransposedBatch(job.train, order, start, end);
      return transposedStep(variables, imagesT, labels, update.scale());
    }
    const { images, labels } = makeRowBatch(job.train, order, start, end);
    return rowStep(variables, images, labels, update.scale());
  };
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
      // The step reads each batch's 32 x 10 logits to compute the loss on the host. The backends
      // lr-compare uses run kernels synchronously, so that read waits for nothing.
      let lossTotal = 0;
      let correctTotal = 0;
      for (let batch = 0; batch < batches; batch++) {
        for (const callback of callbacks) await callback.onBatchBegin(batch);
        const start = batch * job.batchSize;
        const end = Math.min(start + job.batchSize, job.train.count);
        tf.tidy(() => {
          const { loss, gradients } = step(order, start, end);
          update.apply(gradients);
          lossTotal += loss.lossSum;
          correctTotal += loss.correct;
        });
        for (const callback of callbacks) await callback.onBatchEnd(batch);
      }
      const loss = lossTotal / job.train.count;
      const accuracy = correctTotal / job.train.count;
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
    disposeOptimizer(optimizer);
  }
}
