import * as tf from '@tensorflow/tfjs';
import { cpus } from 'node:os';
import { batchesPerEpoch, DeviceDataset } from '../data/batches.js';
import { loadMnist, NUM_CLASSES } from '../data/mnist.js';
import { ARTICLE_MLP, initialWeights, type MlpShape } from '../model/mlp.js';
import type { ProgressReporter } from '../report/progress.js';
import { summarize, type ResultsFile, type RunConfiguration, type RunEnvironment, type RunResult } from '../report/results.js';
import { RESULTS_VERSION } from '../report/results.js';
import { compareSchedulers } from '../report/statistics.js';
import { createScheduler } from '../schedulers/index.js';
import type { ResolvedSchedulerSpec, ScheduleContext } from '../schedulers/types.js';
import { LR_COMPARE_VERSION } from '../version.js';
import { BACKEND_PACKAGES, selectBackend, type BackendChoice, type BackendSelection } from './backend.js';
import { runTrainingJob } from './job.js';
import type { OptimizerName } from './optimizers.js';
import { planRuns, runKey, shardOf, type Shard } from './plan.js';

export interface ComparisonRequest {
  readonly specs: readonly ResolvedSchedulerSpec[];
  readonly epochs: number;
  readonly lr: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  readonly seed: number;
  readonly repeats: number;
  readonly samples: number;
  readonly valSplit: number;
  readonly testSamples: number;
  readonly dataDir?: string;
  readonly targetAcc: number;
  readonly backend: BackendChoice;
  /** With --lr auto: how `lr` was chosen, recorded in the configuration. */
  readonly lrAuto?: RunConfiguration['lrAuto'];
  /** Run only this slice of the plan. */
  readonly shard?: Shard;
  /** Runs already done (--resume): kept as they are and not run again. */
  readonly finishedRuns?: readonly RunResult[];
}

export interface ComparisonHooks {
  /** Called with the run's configuration before the backend is chosen (a resumed run checks it here). */
  readonly onConfiguration?: (configuration: RunConfiguration) => void;
  /** Called once the backend is chosen, before data reach the device. */
  readonly onBackend?: (selection: BackendSelection) => void;
  /** Called before the first run and after every finished run with the results so far (`complete` false until the last). */
  readonly onResults?: (results: ResultsFile) => void;
  /** Extra tfjs callbacks for every job (e.g. one that lets signals through). */
  readonly callbacks?: readonly tf.Callback[];
  readonly progress?: ProgressReporter;
}

function environmentOf(selection: BackendSelection): RunEnvironment {
  return {
    backend: selection.name,
    backendPackage: BACKEND_PACKAGES[selection.name],
    backendVersion: selection.packageVersion,
    backendFallbacks: selection.attempts.filter((attempt) => !attempt.ok).map((attempt) => `${attempt.backend}: ${attempt.detail}`),
    lrCompare: LR_COMPARE_VERSION,
    tfjs: tf.version.tfjs,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
  };
}

/**
 * Runs every scheduler of every repeat under identical conditions: the same
 * data, initial weights and batch order within a repeat; only the learning
 * rate differs.
 */
export async function runComparison(request: ComparisonRequest, hooks: ComparisonHooks = {}): Promise<ResultsFile> {
  const data = loadMnist({
    dataDir: request.dataDir,
    samples: request.samples,
    valSplit: request.valSplit,
    testSamples: request.testSamples,
  });
  const shape: MlpShape = { ...ARTICLE_MLP, inputs: data.train.features, classes: NUM_CLASSES };
  const context: ScheduleContext = {
    baseLr: request.lr,
    epochs: request.epochs,
    batchesPerEpoch: batchesPerEpoch(data.train.count, request.batchSize),
  };
  // Build every scheduler once before training, so a bad spec fails in seconds, not after hours.
  for (const spec of request.specs) await createScheduler(spec, context);

  const configuration: RunConfiguration = {
    schedulers: request.specs.map((spec) => spec.spec),
    epochs: request.epochs,
    lr: request.lr,
    batchSize: request.batchSize,
    optimizer: request.optimizer,
    seed: request.seed,
    repeats: request.repeats,
    samples: request.samples,
    valSplit: request.valSplit,
    testSamples: request.testSamples,
    dataDir: data.source,
    targetAcc: request.targetAcc,
    backendRequested: request.backend,
    model: shape,
    trainSamples: data.train.count,
    validationSamples: data.validation.count,
    ...(request.lrAuto ? { lrAuto: request.lrAuto } : {}),
  };
  hooks.onConfiguration?.(configuration);

  const selection = await selectBackend(request.backend);
  hooks.onBackend?.(selection);

  const environment = environmentOf(selection);
  const createdAt = new Date().toISOString();
  const tasks = shardOf(planRuns(request.specs, request.repeats, request.seed), request.shard);
  const planIndex = new Map(tasks.map((task) => [runKey({ label: task.spec.label, repeat: task.repeat }), task.index]));
  const finished = new Map((request.finishedRuns ?? []).map((run) => [runKey(run), run]));
  const runs: RunResult[] = tasks.map((task) => finished.get(runKey({ label: task.spec.label, repeat: task.repeat }))).filter((run): run is RunResult => run !== undefined);
  const pending = tasks.filter((task) => !finished.has(runKey({ label: task.spec.label, repeat: task.repeat })));
  const resultsOf = (): ResultsFile => ({
    version: RESULTS_VERSION,
    createdAt,
    complete: runs.length === tasks.length,
    ...(request.shard ? { shard: request.shard } : {}),
    configuration,
    environment,
    runs: [...runs].sort((a, b) => (planIndex.get(runKey(a)) ?? 0) - (planIndex.get(runKey(b)) ?? 0)),
    statistics: compareSchedulers(runs, data.validation.count),
  });
  hooks.onResults?.(resultsOf());
  hooks.progress?.skipEpochs(runs.length * request.epochs);

  const validation = new DeviceDataset(data.validation);
  const test = new DeviceDataset(data.test);
  let weightsSeed = Number.NaN;
  let weights = initialWeights(shape, request.seed);
  try {
    for (const [position, task] of pending.entries()) {
      if (task.seed !== weightsSeed) {
        weights = initialWeights(shape, task.seed);
        weightsSeed = task.seed;
      }
      const runNumber = runs.length;
      const outcome = await runTrainingJob({
        shape,
        initialWeights: weights,
        train: data.train,
        validation,
        test,
        epochs: request.epochs,
        batchSize: request.batchSize,
        optimizer: request.optimizer,
        baseLearningRate: request.lr,
        seed: task.seed,
        scheduler: await createScheduler(task.spec, context),
        callbacks: hooks.callbacks,
        onEpochEnd: (record) => hooks.progress?.epoch(runNumber, tasks.length, task.spec.label, request.epochs, record),
      });
      hooks.progress?.skipEpochs(request.epochs - outcome.history.length);
      hooks.progress?.runFinished();
      runs.push({
        label: task.spec.label,
        scheduler: task.spec.name,
        spec: task.spec.spec,
        params: task.spec.params,
        repeat: task.repeat,
        seed: task.seed,
        history: outcome.history,
        summary: summarize(outcome.history, outcome, request.targetAcc),
      });
      if (position < pending.length - 1) hooks.onResults?.(resultsOf());
    }
  } finally {
    validation.dispose();
    test.dispose();
  }
  return resultsOf();
}
