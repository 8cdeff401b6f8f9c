import * as tf from '@tensorflow/tfjs';
import { batchesPerEpoch } from '../data/batches.js';
import type { MlpWeights } from '../model/mlp.js';
import { MlpVariables } from '../model/network.js';
import type { Scheduler } from '../schedulers/types.js';
import { LearningRateScheduler } from '../callbacks/learning-rate-scheduler.js';
import { hasDiverged } from './divergence.js';
import type { EpochRecord, Evaluation } from '../results/results.js';
import { evaluate, type JobOutcome, type TrainingJob } from './job.js';
import { cyclesMomentum, optimizerSettings, type OptimizerName } from './optimizers.js';
import { epochOrder } from '../data/random.js';
import { createCohortStep } from './steps/cohort-choose.js';
import { CohortOptimizer } from './steps/cohort-optimizer.js';
import { isCohortOptimizer } from './steps/optimizer-rules.js';

/**
 * The most runs one cohort trains together. A cohort holds every run's
 * weights (about 0.4 MB each) and, at each evaluation, a runs x hidden x
 * samples product; beyond this many, larger groups are split into several
 * cohorts (`cohortsOf`), which changes nothing in the results' meaning.
 */
export const MAX_COHORT_RUNS = 32;

/** One run of a cohort: its scheduler and where its epochs and its end are reported. */
export interface CohortMember {
  readonly scheduler: Scheduler;
  readonly onEpochEnd?: (record: EpochRecord) => void;
  /** Called as soon as this run is done: when it diverges (it leaves the cohort then) or after the last epoch. */
  readonly onFinished?: (outcome: JobOutcome) => void;
}

/**
 * Runs that share everything but the schedule: one `TrainingJob` each, minus
 * the scheduler, plus the members. `callbacks` are called once per cohort
 * batch and epoch (not once per run); their epoch logs are empty, since each
 * run has its own metrics (reported through `onEpochEnd`).
 */
export interface CohortJob extends Omit<TrainingJob, 'scheduler' | 'onEpochEnd' | 'step'> {
  readonly members: readonly CohortMember[];
}

/** Which optimizers the cohort step trains (plain SGD, and those of steps/optimizer-rules.ts); the others train run by run. */
export function cohortSupports(optimizer: OptimizerName): boolean {
  return optimizer === 'sgd' || isCohortOptimizer(optimizer);
}

/** Splits items into groups of at most MAX_COHORT_RUNS, in order. */
export function cohortsOf<T>(items: readonly T[]): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += MAX_COHORT_RUNS) groups.push(items.slice(i, i + MAX_COHORT_RUNS));
  return groups;
}

interface MemberState {
  readonly index: number;
  readonly member: CohortMember;
  /** Drives the run's scheduler, as in `runTrainingJob`; it reports each new rate to `rate`. */
  readonly scheduler: LearningRateScheduler;
  /** The rate the scheduler set last: every step of this run is given it. */
  rate: number;
  /** Likewise the momentum of a schedule that cycles it, for an optimizer that has one (as `runTrainingJob`). */
  momentum: number | undefined;
  epochMomentum: number | undefined;
  readonly history: EpochRecord[];
  lossTotal: number;
  correctTotal: number;
  learningRate: number;
  bestValidationLoss: number;
  bestWeights: MlpWeights | undefined;
  finalWeights: MlpWeights | undefined;
  divergedAtEpoch: number | null;
  seconds: number;
}

function testOf(job: CohortJob, weights: MlpWeights): Evaluation {
  const variables = new MlpVariables(job.shape, weights);
  try {
    return evaluate(variables, job.test);
  } finally {
    variables.dispose();
  }
}

/**
 * Trains the members of a cohort together (`CohortStep`): each gets the same
 * outcome `runTrainingJob` would give it alone, within float tolerance (the
 * stacked products sum in a different order), with its own scheduler, rate,
 * plateau state, divergence check and best-weights snapshot. A run that
 * diverges stops at that epoch, as alone, and leaves the cohort. Plain SGD,
 * momentum, Adam, RMSProp and AdamW (`cohortSupports`; the optimizer's state
 * per run, steps/cohort-optimizer.ts). A run's `seconds` are its share of the cohort's
 * time (each epoch's time divided by the runs that trained in it).
 */
export async function runCohortJob(job: CohortJob): Promise<JobOutcome[]> {
  if (!cohortSupports(job.optimizer)) throw new Error(`the cohort step cannot train ${job.optimizer}`);
  if (job.members.length === 0) return [];
  const batches = batchesPerEpoch(job.train.count, job.batchSize);
  const settings = job.optimizerSettings ?? optimizerSettings(job.optimizer);
  const takesMomentum = cyclesMomentum(job.optimizer);
  const states: MemberState[] = job.members.map((member, index) => {
    const state: MemberState = {
      index,
      member,
      rate: Number.NaN,
      momentum: undefined,
      epochMomentum: undefined,
      scheduler: new LearningRateScheduler(member.scheduler, {
        stepsPerEpoch: batches,
        onRate: (rate, scheduledMomentum) => {
          state.rate = rate;
          state.momentum = takesMomentum ? scheduledMomentum : undefined;
        },
      }),
      history: [],
      lossTotal: 0,
      correctTotal: 0,
      learningRate: Number.NaN,
      bestValidationLoss: Number.POSITIVE_INFINITY,
      bestWeights: undefined,
      finalWeights: undefined,
      divergedAtEpoch: null,
      seconds: 0,
    };
    return state;
  });
  const shared = job.callbacks ?? [];
  const optimizer = isCohortOptimizer(job.optimizer) ? new CohortOptimizer(job.optimizer, settings, job.shape.hidden) : undefined;
  const step = createCohortStep(job.shape, job.initialWeights, states.length, optimizer);
  // The runs still training, in the order of their blocks in the cohort step.
  let active = [...states];
  const scales = new Float32Array(states.length);
  const outcomes = new Map<number, JobOutcome>();
  /** Test metrics of the final and the best weights, as `runTrainingJob` computes them. */
  const finish = (state: MemberState) => {
    const started = performance.now();
    const final = state.finalWeights ?? job.initialWeights;
    const test = testOf(job, final);
    const testAtBestValidationLoss = state.bestWeights ? testOf(job, state.bestWeights) : test;
    const seconds = state.seconds + (performance.now() - started) / 1000;
    const outcome: JobOutcome = { history: state.history, test, testAtBestValidationLoss, divergedAtEpoch: state.divergedAtEpoch, seconds };
    outcomes.set(state.index, outcome);
    state.member.onFinished?.(outcome);
  };
  try {
    for (const state of states) await state.scheduler.onTrainBegin();
    for (const callback of shared) await callback.onTrainBegin();
    for (let epoch = 0; epoch < job.epochs && active.length > 0; epoch++) {
      const epochStarted = performance.now();
      for (const state of active) {
        await state.scheduler.onEpochBegin(epoch);
        state.lossTotal = 0;
        state.correctTotal = 0;
      }
      for (const callback of shared) await callback.onEpochBegin(epoch);
      const order = epochOrder(job.train.count, job.seed, epoch);
      for (let batch = 0; batch < batches; batch++) {
        for (let m = 0; m < active.length; m++) {
          const state = active[m];
          await state.scheduler.onBatchBegin(batch);
          // The rate of the epoch's first batch: batch-wise schedules set it only when that batch begins.
          if (batch === 0) {
            state.learningRate = state.rate;
            state.epochMomentum = takesMomentum ? (state.momentum ?? settings.momentum) : undefined;
          }
          // -lr in float32, as the per-run host-SGD step folds it into the output gradient; another optimizer takes the rate itself.
          scales[m] = optimizer ? optimizer.schedule(m, state.rate, state.momentum) : Math.fround(-state.rate);
        }
        for (const callback of shared) await callback.onBatchBegin(batch);
        const start = batch * job.batchSize;
        const end = Math.min(start + job.batchSize, job.train.count);
        const losses = step.trainOn(job.train, order, start, end, scales);
        for (let m = 0; m < active.length; m++) {
          active[m].lossTotal += losses[m].lossSum;
          active[m].correctTotal += losses[m].correct;
        }
        for (const callback of shared) await callback.onBatchEnd(batch);
      }
      const validation = step.evaluate(job.validation);
      const seconds = (performance.now() - epochStarted) / 1000 / active.length;
      const diverged: number[] = [];
      const improved: number[] = [];
      for (let m = 0; m < active.length; m++) {
        const state = active[m];
        const loss = state.lossTotal / job.train.count;
        const accuracy = state.correctTotal / job.train.count;
        const record: EpochRecord = {
          epoch: epoch + 1,
          learningRate: state.learningRate,
          ...(state.epochMomentum === undefined ? {} : { momentum: state.epochMomentum }),
          loss,
          accuracy,
          validationLoss: validation[m].loss,
          validationAccuracy: validation[m].accuracy,
          seconds,
        };
        state.history.push(record);
        state.seconds += seconds;
        if (hasDiverged(loss, validation[m].loss, job.shape.classes)) {
          state.divergedAtEpoch = epoch + 1;
          diverged.push(m);
          continue;
        }
        if (validation[m].loss < state.bestValidationLoss) {
          state.bestValidationLoss = validation[m].loss;
          improved.push(m);
        }
      }
      if (diverged.length > 0 || improved.length > 0) {
        const weights = step.read();
        for (const m of improved) active[m].bestWeights = weights[m];
        // A diverged run's test metrics are those of its weights when it stopped, as alone.
        for (const m of diverged) active[m].finalWeights = weights[m];
      }
      for (let m = 0; m < active.length; m++) {
        const state = active[m];
        const record = state.history[state.history.length - 1];
        if (state.divergedAtEpoch === null) {
          const logs: tf.Logs = { loss: record.loss, acc: record.accuracy, val_loss: record.validationLoss, val_acc: record.validationAccuracy };
          await state.scheduler.onEpochEnd(epoch, logs);
        }
      }
      // Every run's epoch is reported in one go, after the awaits above (a custom schedule's answer comes
      // from a worker thread): an interrupt then never finds some runs one epoch further than others.
      for (const state of active) state.member.onEpochEnd?.(state.history[state.history.length - 1]);
      for (const callback of shared) await callback.onEpochEnd(epoch, {});
      // A diverged run is done now (as alone it would stop here): report it before the others go on.
      for (const m of diverged) finish(active[m]);
      step.remove(diverged);
      active = active.filter((state) => state.divergedAtEpoch === null);
    }
    for (const state of states) await state.scheduler.onTrainEnd();
    for (const callback of shared) await callback.onTrainEnd();

    const finalWeights = active.length > 0 ? step.read() : [];
    active.forEach((state, m) => {
      state.finalWeights = finalWeights[m];
      finish(state);
    });
    return states.map((state) => outcomes.get(state.index) as JobOutcome);
  } finally {
    step.dispose();
  }
}
