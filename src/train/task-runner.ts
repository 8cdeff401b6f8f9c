import { batchesPerEpoch, DeviceDataset } from '../data/batches.js';
import { loadMnist, NUM_CLASSES, type MnistSplits } from '../data/mnist.js';
import { ARTICLE_MLP, initialWeights, type MlpShape, type MlpWeights } from '../model/mlp.js';
import { summarize, type RunResult } from '../results/results.js';
import { createScheduler } from '../schedulers/index.js';
import type { ResolvedSchedulerSpec, ScheduleContext } from '../schedulers/types.js';
import * as tf from '@tensorflow/tfjs';
import type { EpochRecord } from '../results/results.js';
import type { BackendName } from './backend/select.js';
import { runCohortJob } from './cohort-job.js';
import { chooseEngine, type EngineChoice } from './engine.js';
import { runTrainingJob, type JobOutcome, type TrainingJob } from './job.js';
import { optimizerSettings, type OptimizerName, type OptimizerSettings } from './optimizers.js';
import type { RunTask } from './plan.js';
import { atBaseRate } from './base-rate.js';

/** Everything a process needs to train any run of a comparison; plain data, so it crosses to worker processes. */
export interface TrainingSetup {
  readonly specs: readonly ResolvedSchedulerSpec[];
  readonly epochs: number;
  readonly lr: number;
  readonly batchSize: number;
  /** The optimizer of runs whose spec names none (`optimizer=`). */
  readonly optimizer: OptimizerName;
  /** --weight-decay: adamw's and the schedule-free optimizers'; undefined: their own defaults. */
  readonly weightDecay?: number;
  readonly samples: number;
  readonly valSplit: number;
  readonly testSamples: number;
  readonly dataDir?: string;
  readonly targetAcc: number;
  /** How runs are trained (see engine.ts); default auto. */
  readonly engine?: EngineChoice;
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
 * A run's optimizer with every hyperparameter: its spec's `optimizer=` or the
 * comparison's --optimizer, --weight-decay, schedule-free warmup over 5% of
 * the run's batches. Runs of one comparison may differ here and still pair up
 * (same seeds, same batches); a cohort step must only group runs whose
 * settings are equal.
 */
export function runOptimizer(setup: TrainingSetup, spec: ResolvedSchedulerSpec, context: ScheduleContext): OptimizerSettings {
  return optimizerSettings(spec.optimizer ?? setup.optimizer, {
    ...(setup.weightDecay === undefined ? {} : { weightDecay: setup.weightDecay }),
    totalBatches: context.epochs * context.batchesPerEpoch,
  });
}

/** A tuned run trains at its grid point's rate (and a peak-rate schedule peaks there); others at --lr. */
function rateOfTask(setup: TrainingSetup, task: RunTask): { readonly learningRate: number; readonly spec: ResolvedSchedulerSpec } {
  const learningRate = task.gridPoint?.lr ?? setup.lr;
  return { learningRate, spec: task.gridPoint ? atBaseRate(task.spec, learningRate) : task.spec };
}

/**
 * What identifies a run in the results file and how it was set up: every
 * field of its `RunResult` but the history and the summary. The same for a
 * finished run and for one interrupted while training (`UnfinishedRun`).
 */
export function runIdentity(setup: TrainingSetup, context: ScheduleContext, task: RunTask): Omit<RunResult, 'history' | 'summary'> {
  return {
    label: task.spec.label,
    scheduler: task.spec.name,
    spec: task.spec.spec,
    params: rateOfTask(setup, task).spec.params,
    optimizer: runOptimizer(setup, task.spec, context),
    repeat: task.repeat,
    seed: task.seed,
    ...(task.phase ? { phase: task.phase } : {}),
    ...(task.gridPoint ? { gridPoint: task.gridPoint } : {}),
  };
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

  /** The optimizer of a run and every hyperparameter it trains with: the spec's `optimizer=`, else the comparison's. */
  optimizerOf(task: RunTask): OptimizerSettings {
    return runOptimizer(this.setup, task.spec, this.context);
  }

  /** What every run of a repeat with one optimizer shares, whichever way it is trained: all of a job but its schedule(s). */
  private repeatJob(seed: number, optimizer: OptimizerSettings, learningRate: number): Omit<TrainingJob, 'scheduler' | 'onEpochEnd' | 'step'> {
    return {
      shape: this.shape,
      initialWeights: this.weightsFor(seed),
      train: this.data.train,
      validation: this.validation,
      test: this.test,
      epochs: this.setup.epochs,
      batchSize: this.setup.batchSize,
      optimizer: optimizer.name,
      optimizerSettings: optimizer,
      baseLearningRate: learningRate,
      seed,
      callbacks: this.callbacks,
    };
  }

  private scheduleOf(task: RunTask) {
    const { learningRate, spec } = rateOfTask(this.setup, task);
    return createScheduler(spec, { ...this.context, baseLr: learningRate });
  }

  async run(task: RunTask, onEpochEnd?: (record: EpochRecord) => void): Promise<RunResult> {
    const outcome = await runTrainingJob({
      ...this.repeatJob(task.seed, this.optimizerOf(task), rateOfTask(this.setup, task).learningRate),
      scheduler: await this.scheduleOf(task),
      onEpochEnd,
    });
    return this.resultOf(task, outcome);
  }

  /**
   * Trains a unit of work (engine.ts): with the cohort engine, tasks of one
   * repeat together (see cohort-job.ts), even a single one, so that every run
   * of a comparison goes through the same arithmetic; otherwise one after
   * another as `run`. `onFinished` is called for each as soon as it is done.
   */
  async runCohort(
    cohortTasks: readonly RunTask[],
    onEpochEnd: (task: RunTask, record: EpochRecord) => void,
    onFinished: (task: RunTask, result: RunResult) => void,
  ): Promise<void> {
    let tasks = cohortTasks;
    if (chooseEngine(this.setup.engine, tf.getBackend() as BackendName, this.setup.optimizer) === 'per-run') {
      for (const task of tasks) onFinished(task, await this.run(task, (record) => onEpochEnd(task, record)));
      return;
    }
    // A spec's optimizer= that differs from --optimizer (the cohort's) trains run by run: the cohort
    // step has one optimizer for all its members.
    const own = tasks.filter((task) => this.optimizerOf(task).name !== this.setup.optimizer);
    for (const task of own) onFinished(task, await this.run(task, (record) => onEpochEnd(task, record)));
    tasks = tasks.filter((task) => !own.includes(task));
    if (tasks.length === 0) return;
    const seed = tasks[0].seed;
    if (tasks.some((task) => task.seed !== seed)) throw new Error('a cohort holds runs of one repeat only (one seed)');
    const members = [];
    for (const task of tasks) {
      members.push({
        scheduler: await this.scheduleOf(task),
        onEpochEnd: (record: EpochRecord) => onEpochEnd(task, record),
        onFinished: (outcome: JobOutcome) => onFinished(task, this.resultOf(task, outcome)),
      });
    }
    // Each member's schedule carries its own rate; the job's base rate only seeds a tfjs optimizer, which the cohort has none of.
    await runCohortJob({ ...this.repeatJob(seed, this.optimizerOf(tasks[0]), rateOfTask(this.setup, tasks[0]).learningRate), members });
  }

  private resultOf(task: RunTask, outcome: JobOutcome): RunResult {
    return {
      ...runIdentity(this.setup, this.context, task),
      history: outcome.history,
      summary: summarize(outcome.history, outcome, this.setup.targetAcc),
    };
  }

  dispose(): void {
    this.validation.dispose();
    this.test.dispose();
  }
}
