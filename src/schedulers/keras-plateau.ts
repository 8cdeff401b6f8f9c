/** Keras 3's ReduceLROnPlateau callback (keras.callbacks.ReduceLROnPlateau), line for line. */
import { ScheduleSpecError } from '../errors.js';
import type { SchedulerDefinition } from './definition.js';
import { UNIT_PARAM } from './definition.js';
import { numberParam, stringParam } from './params.js';
import type { MetricDrivenScheduler, MonitoredMetric } from './types.js';

export interface KerasPlateauOptions {
  readonly monitor: MonitoredMetric;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
}

/**
 * ReduceLROnPlateau.on_epoch_end. The optimizer keeps its rate in a float32
 * variable, which Keras reads back before reducing and compares with
 * float32(min_lr); Math.fround reproduces both, so a rate that reached min_lr
 * stops reducing exactly when Keras' does.
 */
export class KerasPlateauScheduler implements MetricDrivenScheduler {
  readonly kind = 'metric-driven';
  readonly unit = 'epoch';
  readonly monitor: MonitoredMetric;
  private lr: number;
  private best: number | undefined;
  private wait = 0;
  private cooldownCounter = 0;

  constructor(
    baseLr: number,
    private readonly options: KerasPlateauOptions,
  ) {
    this.lr = Math.fround(baseLr);
    this.monitor = options.monitor;
  }

  currentLr(): number {
    return this.lr;
  }

  observe(current: number): void {
    const { cooldown, patience, factor, minLr } = this.options;
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.wait = 0;
    }
    if (this.isImprovement(current)) {
      this.best = current;
      this.wait = 0;
    } else if (!(this.cooldownCounter > 0)) {
      this.wait++;
      // Keras reduces when wait reaches patience; PyTorch only when it exceeds it.
      if (this.wait >= patience && this.lr > Math.fround(minLr)) {
        this.lr = Math.fround(Math.max(this.lr * factor, minLr));
        this.cooldownCounter = cooldown;
        this.wait = 0;
      }
    }
  }

  /** MonitorCallback._is_improvement: the first value always improves; min_delta is absolute. */
  private isImprovement(current: number): boolean {
    if (this.best === undefined) return true;
    const { mode, minDelta } = this.options;
    return mode === 'min' ? current + minDelta < this.best : current - minDelta > this.best;
  }
}

export const kerasPlateauScheduler: SchedulerDefinition = {
  name: 'keras_plateau',
  origin: 'keras',
  summary: 'Multiplies the rate by factor once the monitored metric has not improved by min_delta for patience epochs (Keras).',
  pytorch: 'keras.callbacks.ReduceLROnPlateau',
  differs:
    "PyTorch's plateau (ReduceLROnPlateau) reduces when bad epochs EXCEED patience, Keras when they REACH it: one epoch earlier for the same patience. Keras' min_delta is absolute (PyTorch's threshold is relative by default), its defaults are factor=0.1, patience=10, min_delta=1e-4, and the epoch a cooldown ends counts as a bad epoch.",
  notes: [
    'Watches the validation loss (mode=min) or accuracy (mode=max) at the end of each epoch; mode=auto is min for val_loss and max for val_acc, as Keras decides from the metric.',
    'The first observed value is always an improvement (Keras starts with no best value).',
    'Keras stores the rate as float32; a reduction only happens while the rate is above float32(min_lr).',
  ],
  params: [
    { ...UNIT_PARAM, choices: ['epoch'], description: 'Always epoch: the monitored metric is measured once per epoch.' },
    {
      key: 'monitor',
      type: 'choice',
      choices: ['auto', 'val_loss', 'val_acc'],
      default: 'auto',
      description: 'The metric watched: auto is val_loss, or val_acc with mode=max (Keras\' own default is val_loss).',
    },
    { key: 'factor', type: 'number', range: { min: 0, minExclusive: true, max: 1, maxExclusive: true }, default: 0.1, description: 'new rate = rate x factor.' },
    { key: 'patience', type: 'integer', range: { min: 0 }, default: 10, description: 'Reduce once this many epochs in a row brought no improvement.' },
    { key: 'min_delta', type: 'number', range: { min: 0 }, default: 1e-4, description: 'Absolute change that counts as an improvement.' },
    { key: 'cooldown', type: 'integer', range: { min: 0 }, default: 0, description: 'Epochs after a reduction during which bad epochs are not counted.' },
    { key: 'min_lr', type: 'number', range: { min: 0 }, default: 0, description: 'The rate never goes below this.' },
    { key: 'mode', type: 'choice', choices: ['auto', 'min', 'max'], default: 'auto', description: 'min: the metric should fall; max: rise; auto: from the metric\'s name.' },
  ],
  build({ params, baseLr, where }) {
    const modeParam = stringParam(params, 'mode');
    const monitorParam = stringParam(params, 'monitor');
    const monitor: MonitoredMetric = monitorParam === 'val_acc' || (monitorParam === 'auto' && modeParam === 'max') ? 'val_acc' : 'val_loss';
    const mode = modeParam === 'auto' ? (monitor === 'val_acc' ? 'max' : 'min') : modeParam === 'max' ? 'max' : 'min';
    if ((monitor === 'val_loss') !== (mode === 'min')) {
      throw new ScheduleSpecError(`${where}: monitor=${monitor} with mode=${mode} would cut the rate while the model improves; use mode=min (or auto) with val_loss, mode=max with val_acc`, { code: 'invalid-value', parameter: 'monitor' });
    }
    return {
      kind: 'metric-driven',
      scheduler: new KerasPlateauScheduler(baseLr, {
        monitor,
        mode,
        factor: numberParam(params, 'factor'),
        patience: numberParam(params, 'patience'),
        minDelta: numberParam(params, 'min_delta'),
        cooldown: numberParam(params, 'cooldown'),
        minLr: numberParam(params, 'min_lr'),
      }),
    };
  },
};
