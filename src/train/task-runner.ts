import { batchesPerEpoch, DeviceDataset } from '../data/batches.js';
import { loadMnist, NUM_CLASSES, type MnistSplits } from '../data/mnist.js';
import { ARTICLE_MLP, initialWeights, type MlpShape, type MlpWeights } from '../model/mlp.js';
import { summarize, type RunResult } from '../results/results.js';
import { createScheduler } from '../schedulers/index.js';
import type { ResolvedSchedulerSpec, ScheduleContext } from '../schedulers/types.js';
import type * as tf from '@tensorflow/tfjs';
import type { EpochRecord } from '../results/results.js';
import { runTrainingJob } from './job.js';
import type { OptimizerName } from './optimizers.js';
import type { RunTask } from './plan.js';
import { atBaseRate } from './base-rate.js';

/** Everything a process needs to train any run of a comparison; plain data, so it crosses to worker processes. */
export interface TrainingSetup {
  readonly specs: readonly ResolvedSchedulerSpec[];
  readonly epochs: number;
  readonly lr: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  readonly samples: number;
  readonly valSplit: number;
  readonly testSamples: number;
  readonly dataDir?: string;
  readonly targetAcc: number;
}

export interface SetupData {
  readonly data: MnistSplits;
  readonly shape: MlpShape;
  readonly context: ScheduleContext;
}

export function loadSetupData(setup: TrainingSetup): SetupData {
  const data = loadMnist({ dataDir: setup.dataDir, samples: setup.samples, valSplit: setup.valSplit, testSamples: setup.testSamples });
  const shape: MlpShape = { ...ARTICLE_MLP, inputs: data.train.features, classes: NUM_CLASSES };
  const context: ScheduleContext = { baseLr: setup.lr, epochs: setup.epochs, batchesPerEpoch: batchesPerEpoch(data.train.count, setup.batchSize) };
  return { data, shape, context };
}

/**
 * Trains runs of a comparison one after another in this process, on the
 * current tfjs backend. The validation and test sets go to the device once.
 */
export class TaskRunner {
  private readonly data: MnistSplits;
  private readonly shape: MlpShape;
  private readonly context: ScheduleContext;
  private readonly validation: DeviceDataset;
  private readonly test: DeviceDataset;
  private weights: { seed: number; values: MlpWeights } | undefined;

  constructor(
    private readonly setup: TrainingSetup,
    private readonly callbacks: readonly tf.Callback[] = [],
    // The parent process has read the data already; a worker reads it here.
    loaded: SetupData = loadSetupData(setup),
  ) {
    ({ data: this.data, shape: this.shape, context: this.context } = loaded);
    this.validation = new DeviceDataset(this.data.validation);
    this.test = new DeviceDataset(this.data.test);
  }

  /** Initial weights depend on the seed alone; consecutive runs of a repeat share them. */
  private weightsFor(seed: number): MlpWeights {
    if (this.weights?.seed !== seed) this.weights = { seed, values: initialWeights(this.shape, seed) };
    return this.weights.values;
  }

  async run(task: RunTask, onEpochEnd?: (record: EpochRecord) => void): Promise<RunResult> {
    // A tuned run trains at its grid point's rate (and a peak-rate schedule peaks there).
    const learningRate = task.gridPoint?.lr ?? this.setup.lr;
    const spec = task.gridPoint ? atBaseRate(task.spec, learningRate) : task.spec;
    const outcome = await runTrainingJob({
      shape: this.shape,
      initialWeights: this.weightsFor(task.seed),
      train: this.data.train,
      validation: this.validation,
      test: this.test,
      epochs: this.setup.epochs,
      batchSize: this.setup.batchSize,
      optimizer: this.setup.optimizer,
      baseLearningRate: learningRate,
      seed: task.seed,
      scheduler: await createScheduler(spec, { ...this.context, baseLr: learningRate }),
      callbacks: this.callbacks,
      onEpochEnd,
    });
    return {
      label: task.spec.label,
      scheduler: task.spec.name,
      spec: task.spec.spec,
      params: spec.params,
      repeat: task.repeat,
      seed: task.seed,
      ...(task.phase ? { phase: task.phase } : {}),
      ...(task.gridPoint ? { gridPoint: task.gridPoint } : {}),
      history: outcome.history,
      summary: summarize(outcome.history, outcome, this.setup.targetAcc),
    };
  }

  dispose(): void {
    this.validation.dispose();
    this.test.dispose();
  }
}
