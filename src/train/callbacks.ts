import * as tf from '@tensorflow/tfjs';
import type { Scheduler } from '../schedulers/types.js';
import { setLearningRate } from './optimizers.js';


/**
 * The one adapter between schedulers and tfjs (the idea of Keras'
 * LearningRateScheduler): it turns any scheduler into a tfjs callback that
 * sets the optimizer's learning rate when an epoch or a batch begins, and
 * feeds the validation loss to metric-driven schedulers when an epoch ends.
 *
 * It works both under `model.fit` (the optimizer is then the model's) and in
 * lr-compare's own training loop, which passes a function that receives each
 * new rate (the engine hands it to its training step explicitly).
 */
export class SchedulerCallback extends tf.Callback {
  private epoch = 0;
  private lastRate = Number.NaN;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly batchesPerEpoch: number,
    private readonly target?: tf.Optimizer | ((learningRate: number) => void),
  ) {
    super();
  }

  /** The learning rate most recently given to the optimizer. */
  get learningRate(): number {
    return this.lastRate;
  }

  private get optimizer(): tf.Optimizer {
    const optimizer = typeof this.target === 'function' ? undefined : (this.target ?? this.model?.optimizer);
    if (!optimizer) throw new Error('SchedulerCallback has no optimizer: pass one or use it with model.fit');
    return optimizer;
  }

  private apply(rate: number): void {
    if (rate !== this.lastRate) {
      if (typeof this.target === 'function') this.target(rate);
      else setLearningRate(this.optimizer, rate);
    }
    this.lastRate = rate;
  }

  override async onEpochBegin(epoch: number): Promise<void> {
    this.epoch = epoch;
    const scheduler = this.scheduler;
    if (scheduler.kind === 'metric-driven') this.apply(scheduler.currentLr());
    else if (scheduler.unit === 'epoch') this.apply(scheduler.lrAt(epoch));
  }

  override async onBatchBegin(batch: number): Promise<void> {
    const scheduler = this.scheduler;
    if (scheduler.kind === 'closed-form' && scheduler.unit === 'batch') {
      this.apply(scheduler.lrAt(this.epoch * this.batchesPerEpoch + batch));
    }
  }

  override async onEpochEnd(_epoch: number, logs?: tf.Logs): Promise<void> {
    const scheduler = this.scheduler;
    if (scheduler.kind !== 'metric-driven') return;
    const metric = logs?.[scheduler.monitor];
    if (typeof metric !== 'number') {
      throw new Error(`a metric-driven scheduler needs '${scheduler.monitor}' in the epoch logs; train with validation data`);
    }
    scheduler.observe(metric);
  }
}
