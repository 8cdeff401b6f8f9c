/**
 * The contract between schedulers and everything else. Schedulers know nothing
 * about tfjs; the training loop knows nothing about specific schedulers.
 */

import type { OptimizerName } from './optimizer-names.js';

/** When a schedule advances: once per epoch, or once per mini-batch. */
export type StepUnit = 'epoch' | 'batch';

/** What a schedule may depend on besides its own parameters. */
export interface ScheduleContext {
  /** The run's base learning rate (`--lr`). */
  readonly baseLr: number;
  /** Number of epochs of the run. */
  readonly epochs: number;
  /** Mini-batches per epoch (ceil(trainSamples / batchSize)). */
  readonly batchesPerEpoch: number;
}

/**
 * A schedule in closed form: the learning rate used during step `step`
 * (0-based, in `unit`s) is a pure function of the step, with no hidden state.
 */
export interface ClosedFormScheduler {
  readonly kind: 'closed-form';
  readonly unit: StepUnit;
  lrAt(step: number): number;
  /**
   * The momentum coefficient during step `step` (momentum SGD's momentum,
   * Adam's beta1), for schedules that cycle it as PyTorch's CyclicLR and
   * OneCycleLR do (`cycle_momentum`); absent when the schedule leaves
   * momentum to the optimizer. The engine applies it only to optimizers that
   * have a momentum (optimizer-names.ts' MOMENTUM_CYCLING_OPTIMIZERS).
   */
  momentumAt?(step: number): number;
}

/**
 * A schedule driven by a monitored metric (ReduceLROnPlateau). It keeps state,
 * and only `observe` changes it: call it once at the end of each epoch with the
 * monitored value; `currentLr()` is the rate to use for the next epoch.
 */
export interface MetricDrivenScheduler {
  readonly kind: 'metric-driven';
  readonly unit: 'epoch';
  /** The epoch log it watches, as tfjs names them: validation loss or validation accuracy. */
  readonly monitor: MonitoredMetric;
  currentLr(): number;
  observe(metric: number): void;
}

export type MonitoredMetric = 'val_loss' | 'val_acc';

export type Scheduler = ClosedFormScheduler | MetricDrivenScheduler;

/** A parameter value after parsing and validation. */
export type ParamValue = number | string | boolean | number[];

/** A scheduler spec resolved against the registry: ready to build. */
export interface ResolvedSchedulerSpec {
  /** Name shown in tables and results; `label=` overrides the default (the spec text). */
  readonly label: string;
  /** Registry name, e.g. `step`. */
  readonly name: string;
  /** Every parameter of the scheduler, defaults filled in, validated. */
  readonly params: Readonly<Record<string, ParamValue>>;
  /** The spec as the user wrote it (or the bare name). */
  readonly spec: string;
  /** `optimizer=`: this run's optimizer, overriding the comparison's --optimizer; absent when not given. */
  readonly optimizer?: OptimizerName;
  /** A variant of a parameter sweep (grid.ts): the swept parameters' values. */
  readonly grid?: Readonly<Record<string, ParamValue>>;
}
