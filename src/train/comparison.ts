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
}

export interface ComparisonHooks {
  /** Called once the backend is chosen, before data reach the device. */
  readonly onBackend?: (selection: BackendSelection) => void;
  /** Called after every finished run with the results so far (`complete` false until the last). */
  readonly onRunFinished?: (results: ResultsFile) => void;
  readonly progress?: ProgressReporter;
}

/** The seed of repeat k: shared by every scheduler of that repeat, so runs pair up. */
export function repeatSeed(seed: number, repeat: number): number {
  return seed + repeat;
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

  const selection = await selectBackend(request.backend);
  hooks.onBackend?.(selection);

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
  };
  const environment = environmentOf(selection);
  const createdAt = new Date().toISOString();
  const runs: RunResult[] = [];
  const runCount = request.specs.length * request.repeats;
  const resultsOf = (complete: boolean): ResultsFile => ({
    version: RESULTS_VERSION,
    createdAt,
    complete,
    configuration,
    environment,
    runs: [...runs],
    statistics: compareSchedulers(runs, data.validation.count),
  });

  const validation = new DeviceDataset(data.validation);
  const test = new DeviceDataset(data.test);
  try {
    for (let repeat = 0; repeat < request.repeats; repeat++) {
      const seed = repeatSeed(request.seed, repeat);
      const weights = initialWeights(shape, seed);
      for (const spec of request.specs) {
        const runIndex = runs.length;
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
          seed,
          scheduler: await createScheduler(spec, context),
          onEpochEnd: (record) => hooks.progress?.epoch(runIndex, runCount, spec.label, request.epochs, record),
        });
        hooks.progress?.skipEpochs(request.epochs - outcome.history.length);
        hooks.progress?.runFinished();
        runs.push({
          label: spec.label,
          scheduler: spec.name,
          spec: spec.spec,
          params: spec.params,
          repeat,
          seed,
          history: outcome.history,
          summary: summarize(outcome.history, outcome, request.targetAcc),
        });
        hooks.onRunFinished?.(resultsOf(runs.length === runCount));
      }
    }
  } finally {
    validation.dispose();
    test.dispose();
  }
  return resultsOf(true);
}
