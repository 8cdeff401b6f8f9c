import * as tf from '@tensorflow/tfjs';
import { batchesPerEpoch, type DeviceDataset } from '../data/batches.js';
import type { Dataset } from '../data/mnist.js';
import { epochOrder } from '../data/random.js';
import type { MlpShape, MlpWeights } from '../model/mlp.js';
import { forward, hostCrossEntropy, MlpVariables } from '../model/network.js';
import type { EpochRecord, Evaluation } from '../results/results.js';
import type { Scheduler } from '../schedulers/types.js';
import { LearningRateScheduler } from '../callbacks/learning-rate-scheduler.js';
import { hasDiverged } from './divergence.js';
import { cyclesMomentum, optimizerSettings, type OptimizerName, type OptimizerSettings } from './optimizers.js';
import { chooseStep, stepNamed, type StepName } from './steps/choose.js';

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
  /** The optimizer's hyperparameters; default: optimizerSettings(optimizer). */
  readonly optimizerSettings?: OptimizerSettings;
  readonly baseLearningRate: number;
  /** Seeds the batch order; every scheduler of a repeat gets the same one. */
  readonly seed: number;
  readonly scheduler: Scheduler;
  /** Further tfjs callbacks (progress, tests' probes), called after the scheduler's. */
  readonly callbacks?: readonly tf.Callback[];
  /** Called after each epoch with its record. */
  readonly onEpochEnd?: (record: EpochRecord) => void;
  /** Train with this step rather than the one `chooseStep` picks for the backend and optimizer (tests, benchmarks). */
  readonly step?: StepName;
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
 * backward pass written out (a TrainStep, see steps/train-step.ts) and batches
 * built from host arrays, driving the scheduler through the same tfjs callback
 * that `model.fit` would call. The rate goes from the scheduler through that
 * callback to the step, explicitly, for every batch. docs/performance.md
 * explains the choices.
 */
export async function runTrainingJob(job: TrainingJob): Promise<JobOutcome> {
  const started = performance.now();
  const variables = new MlpVariables(job.shape, job.initialWeights);
  const backend = tf.getBackend();
  const plan = job.step ? stepNamed(job.step, backend) : chooseStep(backend, job.optimizer);
  const settings = job.optimizerSettings ?? optimizerSettings(job.optimizer);
  const trainer = plan.create({ variables, optimizer: job.optimizer, baseLearningRate: job.baseLearningRate, settings });
  const batches = batchesPerEpoch(job.train.count, job.batchSize);
  // The rate the scheduler set last, through the callback; every step is given it. Likewise the
  // momentum of a schedule that cycles it, when the optimizer has one (plain SGD stays plain).
  let learningRate = Number.NaN;
  const takesMomentum = cyclesMomentum(job.optimizer);
  let momentum: number | undefined;
  const scheduling = new LearningRateScheduler(job.scheduler, {
    stepsPerEpoch: batches,
    onRate: (rate, scheduledMomentum) => {
      learningRate = rate;
      momentum = takesMomentum ? scheduledMomentum : undefined;
    },
  });
  const callbacks: tf.Callback[] = [scheduling, ...(job.callbacks ?? [])];
  const history: EpochRecord[] = [];
  let bestValidationLoss = Number.POSITIVE_INFINITY;
  let bestWeights: MlpWeights | undefined;
  let divergedAtEpoch: number | null = null;

  try {
    for (const callback of callbacks) await callback.onTrainBegin();
    for (let epoch = 0; epoch < job.epochs; epoch++) {
      const epochStarted = performance.now();
      for (const callback of callbacks) await callback.onEpochBegin(epoch);
      // The rate of the epoch's first batch: batch-wise schedules set it only when that batch begins.
      let epochLearningRate = Number.NaN;
      let epochMomentum: number | undefined;
      const order = epochOrder(job.train.count, job.seed, epoch);
      // The step reads each batch's 32 x 10 logits to compute the loss on the host. The backends
      // lr-compare uses run kernels synchronously, so that read waits for nothing.
      let lossTotal = 0;
      let correctTotal = 0;
      for (let batch = 0; batch < batches; batch++) {
        for (const callback of callbacks) await callback.onBatchBegin(batch);
        if (batch === 0) {
          epochLearningRate = learningRate;
          epochMomentum = takesMomentum ? (momentum ?? settings.momentum) : undefined;
        }
        const start = batch * job.batchSize;
        const end = Math.min(start + job.batchSize, job.train.count);
        tf.tidy(() => {
          const { lossSum, correct } = trainer.step(trainer.makeBatch(job.train, order, start, end), learningRate, momentum);
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
        learningRate: epochLearningRate,
        ...(epochMomentum === undefined ? {} : { momentum: epochMomentum }),
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
    trainer.dispose();
    variables.dispose();
  }
}
