/** Reduce on plateau: ReduceLROnPlateau, the one schedule with state. */
import type { SchedulerDefinition } from './definition.js';
import { UNIT_PARAM } from './definition.js';
import { numberParam, stringParam } from './params.js';
import { ScheduleSpecError } from '../errors.js';
import type { MetricDrivenScheduler, MonitoredMetric } from './types.js';

export interface PlateauOptions {
  readonly monitor: MonitoredMetric;
  readonly mode: 'min' | 'max';
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: 'rel' | 'abs';
  readonly cooldown: number;
  readonly minLr: number;
  readonly eps: number;
}

/**
 * ReduceLROnPlateau.step, line for line. Warmup is not its business:
 * createScheduler joins a LinearLR ramp in front of it (join.ts).
 */
export class PlateauScheduler implements MetricDrivenScheduler {
  readonly kind = 'metric-driven';
  readonly unit = 'epoch';
  readonly monitor: MonitoredMetric;
  private lr: number;
  private best: number;
  private badEpochs = 0;
  private cooldownLeft = 0;

  constructor(
    baseLr: number,
    private readonly options: PlateauOptions,
  ) {
    this.lr = baseLr;
    this.monitor = options.monitor;
    this.best = options.mode === 'min' ? Infinity : -Infinity;
  }

  currentLr(): number {
    return this.lr;
  }

  observe(metric: number): void {
    const { patience, cooldown } = this.options;
    // Like PyTorch, a NaN metric is simply not an improvement.
    if (this.isBetter(metric)) {
      this.best = metric;
      this.badEpochs = 0;
    } else {
      this.badEpochs++;
    }
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.badEpochs = 0; // bad epochs during cooldown do not count
    }
    if (this.badEpochs > patience) {
      this.reduce();
      this.cooldownLeft = cooldown;
      this.badEpochs = 0;
    }
  }

  private isBetter(metric: number): boolean {
    const { mode, threshold, thresholdMode } = this.options;
    if (mode === 'min') return thresholdMode === 'rel' ? metric < this.best * (1.0 - threshold) : metric < this.best - threshold;
    return thresholdMode === 'rel' ? metric > this.best * (threshold + 1.0) : metric > this.best + threshold;
  }

  private reduce(): void {
    const newLr = Math.max(this.lr * this.options.factor, this.options.minLr);
    // Reductions smaller than eps are skipped.
    if (this.lr - newLr > this.options.eps) this.lr = newLr;
  }
}

export const plateauScheduler: SchedulerDefinition = {
  name: 'plateau',
  summary: 'Multiplies the rate by factor when the validation loss stops improving for patience epochs.',
  pytorch: 'torch.optim.lr_scheduler.ReduceLROnPlateau',
  differs: 'Keras keras_plateau reduces when bad epochs REACH patience (one epoch earlier), uses an absolute min_delta and defaults factor=0.1, patience=10.',
  notes: [
    'Watches the validation loss (or, with mode=max, the validation accuracy), observed at the end of each epoch: a reduction changes the rate from the next epoch on.',
    'Steps per epoch only (unit=epoch).',
    'Warmup (PyTorch\'s SequentialLR refuses ReduceLROnPlateau, so lr-compare defines it): the first `warmup` epochs ramp linearly from warmup_start x --lr to --lr as LinearLR does, the metrics of those epochs are ignored, and the plateau logic then starts fresh at --lr.',
    'Defaults are PyTorch\'s except factor=0.5 and patience=5 (the source article\'s).',
  ],
  params: [
    {
      ...UNIT_PARAM,
      choices: ['epoch'],
      description: 'Always epoch: the monitored metric is measured once per epoch.',
    },
    { key: 'mode', type: 'choice', choices: ['min', 'max'], default: 'min', description: 'min: the metric should fall (a loss); max: it should rise (an accuracy).' },
    {
      key: 'monitor',
      type: 'choice',
      choices: ['auto', 'val_loss', 'val_acc'],
      default: 'auto',
      description: 'The metric watched in run (as Keras names it): auto is val_loss for mode=min and val_acc for mode=max.',
    },
    { key: 'factor', type: 'number', range: { min: 0, minExclusive: true, max: 1, maxExclusive: true }, default: 0.5, description: 'new rate = rate x factor.' },
    { key: 'patience', type: 'integer', range: { min: 0 }, default: 5, description: 'Epochs without improvement tolerated before reducing.' },
    { key: 'threshold', type: 'number', range: { min: 0 }, default: 1e-4, description: 'How much better than the best a value must be to count as an improvement.' },
    { key: 'threshold_mode', type: 'choice', choices: ['rel', 'abs'], default: 'rel', description: 'rel: best x (1 -/+ threshold); abs: best -/+ threshold.' },
    { key: 'cooldown', type: 'integer', range: { min: 0 }, default: 0, description: 'Epochs after a reduction during which bad epochs are not counted.' },
    { key: 'min_lr', type: 'number', range: { min: 0 }, default: 0, description: 'The rate never goes below this.' },
    { key: 'eps', type: 'number', range: { min: 0 }, default: 1e-8, description: 'Reductions smaller than eps are skipped.' },
  ],
  build({ params, baseLr }) {
    const mode = stringParam(params, 'mode') === 'max' ? 'max' : 'min';
    const monitorParam = stringParam(params, 'monitor');
    const monitor: MonitoredMetric = monitorParam === 'auto' ? (mode === 'min' ? 'val_loss' : 'val_acc') : monitorParam === 'val_acc' ? 'val_acc' : 'val_loss';
    if ((monitor === 'val_loss') !== (mode === 'min')) {
      throw new ScheduleSpecError(
        `plateau: monitor=${monitor} with mode=${mode} would cut the rate while the ${monitor === 'val_loss' ? 'loss falls' : 'accuracy rises'}; ` +
          'use mode=min with val_loss, mode=max with val_acc',
        { code: 'invalid-value', parameter: 'monitor' },
      );
    }
    const options: PlateauOptions = {
      monitor,
      mode,
      factor: numberParam(params, 'factor'),
      patience: numberParam(params, 'patience'),
      threshold: numberParam(params, 'threshold'),
      thresholdMode: stringParam(params, 'threshold_mode') === 'abs' ? 'abs' : 'rel',
      cooldown: numberParam(params, 'cooldown'),
      minLr: numberParam(params, 'min_lr'),
      eps: numberParam(params, 'eps'),
    };
    return { kind: 'metric-driven', scheduler: new PlateauScheduler(baseLr, options) };
  },
};
