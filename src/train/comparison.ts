import * as tf from '@tensorflow/tfjs';
import { availableParallelism } from 'node:os';
import { RESULTS_VERSION, type ResultsFile, type RunConfiguration, type RunResult, type UnfinishedRun } from '../results/results.js';
import { tuningRecord, type TuningConfiguration } from '../results/tuning.js';
import { compareSchedulers } from '../results/statistics.js';
import { createScheduler } from '../schedulers/index.js';
import { runEnvironment } from './backend/environment.js';
import { selectBackend, type BackendChoice, type BackendSelection } from './backend/select.js';
import type { EpochRecord } from '../results/results.js';
import { chooseEngine, defaultJobs, workUnits } from './engine.js';
import { runInWorkers } from './parallel.js';
import { planRuns, runKey, shardOf, type RunTask, type Shard } from './plan.js';
import { loadSetupData, runIdentity, TaskRunner, type TrainingSetup } from './task-runner.js';

export interface ComparisonRequest extends TrainingSetup {
  readonly seed: number;
  readonly repeats: number;
  readonly backend: BackendChoice;
  /** With --lr auto: how `lr` was chosen, recorded in the configuration. */
  readonly lrAuto?: RunConfiguration['lrAuto'];
  /**
   * Worker processes that train runs in parallel (1: in this process);
   * 'auto': the number of cores, or one more when that balances the cohorts
   * better (engine.ts' `defaultJobs`).
   */
  readonly jobs?: number | 'auto';
  /** Run only this slice of the plan. */
  readonly shard?: Shard;
  /** Runs already done (--resume): kept as they are and not run again. */
  readonly finishedRuns?: readonly RunResult[];
  /** Tuned comparisons (tuning.ts): the grid and protocol, recorded in the configuration. */
  readonly tuning?: TuningConfiguration;
  /** Tuned comparisons: the runs to train (already sliced to the shard) instead of planRuns' plan. */
  readonly plan?: readonly RunTask[];
}

/** What a comparison reports as it goes (report/progress.ts' ProgressReporter is one); the engine draws nothing itself. */
export interface ComparisonProgress {
  start(runCount: number, alreadyFinished: number): void;
  runStarted(task: RunTask): void;
  epoch(task: RunTask, record: EpochRecord): void;
  runFinished(task: RunTask, result: RunResult): void;
}

export interface ComparisonHooks {
  /** Called with the run's configuration before the backend is chosen (a resumed run checks it here). */
  readonly onConfiguration?: (configuration: RunConfiguration) => void;
  /** Called once the backend is chosen, before data reach the device. */
  readonly onBackend?: (selection: BackendSelection) => void;
  /** Called before the first run and after every finished run with the results so far (`complete` false until the last). */
  readonly onResults?: (results: ResultsFile) => void;
  /**
   * Called once before training with a function that builds the results of
   * this moment: the finished runs and, in `unfinishedRuns`, the epochs that
   * the runs still training have finished. An interrupt handler calls it when
   * a signal arrives: nothing is written per epoch.
   */
  readonly onSnapshot?: (current: () => ResultsFile) => void;
  /** Extra tfjs callbacks for every job (e.g. one that lets signals through). */
  readonly callbacks?: readonly tf.Callback[];
  readonly progress?: ComparisonProgress;
}

/**
 * Runs every scheduler of every repeat under identical conditions: the same
 * data, initial weights and batch order within a repeat; only the learning
 * rate differs.
 */
export async function runComparison(request: ComparisonRequest, hooks: ComparisonHooks = {}): Promise<ResultsFile> {
  const loaded = loadSetupData(request);
  const { data, shape, context } = loaded;
  // Build every scheduler once before training, so a bad spec fails in seconds, not after hours.
  for (const spec of request.specs) await createScheduler(spec, context);

  const configuration: RunConfiguration = {
    schedulers: request.specs.map((spec) => spec.spec),
    epochs: request.epochs,
    lr: request.lr,
    batchSize: request.batchSize,
    optimizer: request.optimizer,
    ...(request.weightDecay === undefined ? {} : { weightDecay: request.weightDecay }),
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
    ...(request.tuning ? { tuning: request.tuning } : {}),
  };
  hooks.onConfiguration?.(configuration);

  const selection = await selectBackend(request.backend, { patchKernels: true });
  hooks.onBackend?.(selection);

  const environment = runEnvironment(selection);
  const createdAt = new Date().toISOString();
  const tasks = request.plan ?? shardOf(planRuns(request.specs, request.repeats, request.seed), request.shard);
  const keyOf = (task: RunTask) => runKey({ label: task.spec.label, repeat: task.repeat, phase: task.phase, gridPoint: task.gridPoint });
  const labels = request.specs.map((spec) => spec.label);
  const planIndex = new Map(tasks.map((task) => [keyOf(task), task.index]));
  const finished = new Map((request.finishedRuns ?? []).map((run) => [runKey(run), run]));
  const runs: RunResult[] = tasks.map((task) => finished.get(keyOf(task))).filter((run): run is RunResult => run !== undefined);
  const pending = tasks.filter((task) => !finished.has(keyOf(task)));
  // The epochs of the runs still training, by plan index: what an interrupted file keeps of them
  // (a cohort's runs all train until its last epoch, so without this Ctrl-C would lose every one).
  const training = new Map<number, { readonly task: RunTask; readonly history: EpochRecord[] }>();
  const unfinishedRuns = (): UnfinishedRun[] =>
    [...training.values()]
      .sort((a, b) => a.task.index - b.task.index)
      .map(({ task, history }) => ({ ...runIdentity(request, context, task), history: [...history] }));
  const resultsOf = (): ResultsFile => {
    const unfinished = unfinishedRuns();
    return {
      version: RESULTS_VERSION,
      createdAt,
      complete: runs.length === tasks.length,
      ...(request.shard ? { shard: request.shard } : {}),
      configuration,
      environment,
      runs: [...runs].sort((a, b) => (planIndex.get(runKey(a)) ?? 0) - (planIndex.get(runKey(b)) ?? 0)),
      ...(unfinished.length > 0 ? { unfinishedRuns: unfinished } : {}),
      statistics: compareSchedulers(runs, data.validation.count),
      ...(request.tuning ? { tuning: tuningRecord(configuration, runs, labels) } : {}),
    };
  };
  hooks.onResults?.(resultsOf());
  hooks.onSnapshot?.(resultsOf);
  const progress = hooks.progress;
  progress?.start(tasks.length, runs.length);
  const finish = (task: RunTask, result: RunResult) => {
    training.delete(task.index);
    runs.push(result);
    progress?.runFinished(task, result);
    if (runs.length < tasks.length) hooks.onResults?.(resultsOf());
  };
  const onEpochEnd = (task: RunTask, record: EpochRecord) => {
    const run = training.get(task.index);
    if (run) run.history.push(record);
    else training.set(task.index, { task, history: [record] });
    progress?.epoch(task, record);
  };

  // The runs of a repeat train together as one cohort where the engine allows (engine.ts).
  const engine = chooseEngine(request.engine, selection.name, request.optimizer);
  const requestedJobs = request.jobs === 'auto' ? defaultJobs(pending, engine, availableParallelism()) : Math.max(1, request.jobs ?? 1);
  const units = workUnits(pending, engine, requestedJobs);
  const jobs = Math.min(requestedJobs, units.length);
  if (jobs > 1) {
    await runInWorkers(request, selection.name, units, jobs, { onRunStarted: (task) => progress?.runStarted(task), onEpochEnd, onRunFinished: finish });
  } else if (units.length > 0) {
    const runner = new TaskRunner(request, hooks.callbacks, loaded);
    try {
      for (const unit of units) {
        // A cohort's runs start together.
        for (const task of unit) progress?.runStarted(task);
        await runner.runCohort(unit, onEpochEnd, finish);
      }
    } finally {
      runner.dispose();
    }
  }
  return resultsOf();
}
