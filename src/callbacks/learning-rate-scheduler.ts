/**
 * The one adapter between schedules and tfjs (Keras' LearningRateScheduler,
 * plus ReduceLROnPlateau): a tfjs callback that sets the optimizer's rate when
 * an epoch or a batch begins and feeds the monitored metric to plateau when an
 * epoch ends. `model.fit` calls it for a user's model; lr-compare's own
 * training loop calls the same hooks with its optimizer passed explicitly.
 */
import * as tf from '@tensorflow/tfjs';
import { schedule, type ScheduleSpec } from '../library/schedule.js';
import type { Scheduler } from '../schedulers/types.js';
import { setMomentum } from './optimizer-momentum.js';
import { configuredLearningRate, setLearningRate } from './optimizer-rate.js';

/** What to schedule: a spec string (`'cosine:t_max=50'`), a spec from `schedules.*`, or a scheduler already built. */
export type ScheduleSource = string | ScheduleSpec | Scheduler;

export interface LearningRateSchedulerOptions {
  /** Base rate of a spec. Default: the optimizer's rate when training begins. */
  readonly lr?: number;
  /** Epochs of the run, for defaults such as t_max. Default: fit's `epochs`. */
  readonly epochs?: number;
  /**
   * Batches per epoch: the step count of `unit=batch` schedules. Default:
   * fit's `steps` (fitDataset's batchesPerEpoch), else ceil(samples / batchSize).
   */
  readonly stepsPerEpoch?: number;
  /** The optimizer to drive when there is no `model.fit` (a training loop of your own). Default: the model's. */
  readonly optimizer?: tf.Optimizer;
  /**
   * Receives each new rate instead of an optimizer: for a loop that passes the
   * rate to its training step explicitly (lr-compare's engine does). `momentum`
   * is the momentum of a schedule that cycles it (cyclic, onecycle), else undefined.
   */
  readonly onRate?: (learningRate: number, momentum?: number) => void;
}

function isScheduler(source: ScheduleSource): source is Scheduler {
  return typeof source === 'object' && 'kind' in source;
}

/** The key under which the callback writes the epoch's rate into the logs, as Keras' callback does. */
export const LEARNING_RATE_LOG_KEY = 'lr';

export class LearningRateScheduler extends tf.Callback {
  private scheduler: Scheduler | undefined;
  private stepsPerEpoch: number | undefined;
  private epoch = 0;
  private lastRate = Number.NaN;
  private lastMomentum: number | undefined = Number.NaN;

  constructor(
    private readonly source: ScheduleSource,
    private readonly options: LearningRateSchedulerOptions = {},
  ) {
    super();
    if (isScheduler(source)) this.scheduler = source;
    this.stepsPerEpoch = options.stepsPerEpoch;
  }

  /** The learning rate most recently given to the optimizer (NaN before the first). */
  get learningRate(): number {
    return this.lastRate;
  }

  private get optimizer(): tf.Optimizer {
    const optimizer = this.options.optimizer ?? this.model?.optimizer;
    if (!optimizer) throw new Error('learningRateScheduler has no optimizer: use it in model.fit after compile, or pass options.optimizer');
    return optimizer;
  }

  /** fit's run length: `steps` when it is given, else the batches that `samples` make. */
  private fitStepsPerEpoch(): number | undefined {
    const { steps, samples, batchSize } = (this.params ?? {}) as { steps?: unknown; samples?: unknown; batchSize?: unknown };
    if (typeof steps === 'number' && steps > 0) return steps;
    if (typeof samples === 'number' && typeof batchSize === 'number' && batchSize > 0) return Math.ceil(samples / batchSize);
    return undefined;
  }

  private apply(rate: number, momentum?: number): void {
    if (rate !== this.lastRate || momentum !== this.lastMomentum) {
      if (this.options.onRate) this.options.onRate(rate, momentum);
      else {
        setLearningRate(this.optimizer, rate);
        // As PyTorch's cycle_momentum; optimizers without a momentum (plain SGD, schedule-free) keep theirs.
        if (momentum !== undefined) setMomentum(this.optimizer, momentum);
      }
    }
    this.lastRate = rate;
    this.lastMomentum = momentum;
  }

  /** Builds a spec for this run (each fit starts it again); a Scheduler given as such keeps its state. */
  override async onTrainBegin(): Promise<void> {
    this.lastRate = Number.NaN;
    this.lastMomentum = Number.NaN;
    this.stepsPerEpoch = this.options.stepsPerEpoch ?? this.fitStepsPerEpoch();
    if (isScheduler(this.source)) return;
    const fitEpochs = (this.params as { epochs?: unknown } | undefined)?.epochs;
    if (this.options.onRate && this.options.lr === undefined) throw new Error('learningRateScheduler with onRate needs options.lr, the base rate');
    this.scheduler = await schedule(this.source, {
      lr: this.options.lr ?? configuredLearningRate(this.optimizer),
      epochs: this.options.epochs ?? (typeof fitEpochs === 'number' ? fitEpochs : undefined),
      stepsPerEpoch: this.stepsPerEpoch,
    });
  }

  private get built(): Scheduler {
    if (!this.scheduler) throw new Error('learningRateScheduler: training began without onTrainBegin');
    return this.scheduler;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
    const scheduler = this.built;
    if (scheduler.kind === 'metric-driven') this.apply(scheduler.currentLr());
    else if (scheduler.unit === 'epoch') this.apply(scheduler.lrAt(epoch), scheduler.momentumAt?.(epoch));
  }

  override async onBatchBegin(batch: number): Promise<void> {
    const scheduler = this.built;
    if (scheduler.kind === 'closed-form' && scheduler.unit === 'batch') {
      if (this.stepsPerEpoch === undefined) {
        throw new Error('a unit=batch schedule needs the batches per epoch: give options.stepsPerEpoch (fit could not tell)');
      }
      const step = this.epoch * this.stepsPerEpoch + batch;
      this.apply(scheduler.lrAt(step), scheduler.momentumAt?.(step));
    }
  }

  override async onEpochEnd(_epoch: number, logs?: tf.Logs): Promise<void> {
    if (logs) logs[LEARNING_RATE_LOG_KEY] = this.lastRate;
    const scheduler = this.built;
    if (scheduler.kind !== 'metric-driven') return;
    // model.fit hands callbacks its logs unresolved: validation metrics are still scalar tensors.
    const metric: unknown = logs?.[scheduler.monitor];
    const value = typeof metric === 'number' ? metric : metric instanceof tf.Tensor ? (await metric.data())[0] : undefined;
    if (typeof value !== 'number') {
      throw new Error(`a metric-driven scheduler needs '${scheduler.monitor}' in the epoch logs; train with validation data`);
    }
    scheduler.observe(value);
  }
}

/**
 * A tfjs callback for `model.fit` that drives the optimizer's learning rate
 * with a schedule, PyTorch-exact:
 *
 *     await model.fit(xs, ys, { epochs: 30, validationData, callbacks: [learningRateScheduler('cosine')] });
 *
 * The base rate is the optimizer's unless `options.lr` is given; run-dependent
 * defaults (t_max, total_steps, milestones) come from fit's epochs and batches.
 * The rate is set on the optimizer in place (its state is kept) and written to
 * the epoch logs as `lr`.
 */
export function learningRateScheduler(source: ScheduleSource, options?: LearningRateSchedulerOptions): LearningRateScheduler {
  return new LearningRateScheduler(source, options);
}
