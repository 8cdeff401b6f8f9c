import * as tf from '@tensorflow/tfjs';
import { readsCachedRate } from '../callbacks/optimizer-rate.js';
import { OPTIMIZER_NAMES, type OptimizerName } from '../schedulers/optimizer-names.js';
import { ADAMW_DEFAULTS, AdamWOptimizer } from './optimizers/adamw.js';
import { SCHEDULE_FREE_DEFAULTS, ScheduleFreeOptimizer } from './optimizers/schedule-free.js';

export { cyclesMomentum, type OptimizerName } from '../schedulers/optimizer-names.js';

export const OPTIMIZER_CHOICES = OPTIMIZER_NAMES;

/** Momentum's coefficient: the customary 0.9 (Keras and PyTorch leave it to the user). */
export const MOMENTUM = 0.9;

/** Largest --weight-decay: 1 already halves the weights each step at lr 0.5 (AdamW) or matches the gradient's scale. */
export const MAX_WEIGHT_DECAY = 1;

/** The optimizers --weight-decay applies to. */
export const WEIGHT_DECAY_OPTIMIZERS: readonly OptimizerName[] = ['adamw', 'schedulefree_sgd', 'schedulefree_adamw'];

/** What a run's optimizer is made of besides its rate: recorded in results with the run. */
export interface OptimizerSettings {
  readonly name: OptimizerName;
  /** Momentum SGD's momentum, RMSProp's momentum, Adam/AdamW's beta1, schedule-free's beta (before any schedule cycles it). */
  readonly momentum?: number;
  readonly beta2?: number;
  readonly epsilon?: number;
  /** adamw (decoupled), schedulefree_* (the package's weight_decay). */
  readonly weightDecay?: number;
  /** schedulefree_*: the package's warmup_steps, in batches. */
  readonly warmupSteps?: number;
}

/** How the run's settings are chosen when the user does not set them. */
export interface SettingsRequest {
  /** --weight-decay; undefined: the optimizer's own default (adamw 0.01 as PyTorch, schedule-free 0 as the package). */
  readonly weightDecay?: number;
  /** The run's batches: schedule-free warmup defaults to 5% of them (the package's authors recommend warmup; 0 is its default). */
  readonly totalBatches?: number;
}

/** Share of a run's batches the schedule-free optimizers warm up over by default. */
export const SCHEDULE_FREE_WARMUP_FRACTION = 0.05;

/** Every hyperparameter of `name`, defaults filled in: what the run uses and its results record. */
export function optimizerSettings(name: OptimizerName, request: SettingsRequest = {}): OptimizerSettings {
  switch (name) {
    case 'sgd':
      return { name };
    case 'momentum':
      return { name, momentum: MOMENTUM };
    case 'adam':
      // tfjs' Adam: beta1 0.9, beta2 0.999, epsilon the backend's (1e-7 in float32).
      return { name, momentum: 0.9, beta2: 0.999, epsilon: 1e-7 };
    case 'rmsprop':
      // tfjs' RMSProp: decay 0.9, momentum 0, epsilon the backend's.
      return { name, momentum: 0, epsilon: 1e-7 };
    case 'adamw':
      return { name, momentum: ADAMW_DEFAULTS.beta1, beta2: ADAMW_DEFAULTS.beta2, epsilon: ADAMW_DEFAULTS.epsilon, weightDecay: request.weightDecay ?? ADAMW_DEFAULTS.weightDecay };
    case 'schedulefree_sgd':
    case 'schedulefree_adamw':
      return {
        name,
        momentum: SCHEDULE_FREE_DEFAULTS.beta,
        ...(name === 'schedulefree_adamw' ? { beta2: SCHEDULE_FREE_DEFAULTS.beta2, epsilon: SCHEDULE_FREE_DEFAULTS.epsilon } : {}),
        weightDecay: request.weightDecay ?? SCHEDULE_FREE_DEFAULTS.weightDecay,
        warmupSteps: Math.round(SCHEDULE_FREE_WARMUP_FRACTION * (request.totalBatches ?? 0)),
      };
  }
}

export function createOptimizer(name: OptimizerName, learningRate: number, settings: OptimizerSettings = optimizerSettings(name)): tf.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, settings.momentum ?? MOMENTUM);
    case 'adam':
      return tf.train.adam(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
    case 'adamw':
      return new AdamWOptimizer(learningRate, {
        beta1: settings.momentum ?? ADAMW_DEFAULTS.beta1,
        beta2: settings.beta2 ?? ADAMW_DEFAULTS.beta2,
        epsilon: settings.epsilon ?? ADAMW_DEFAULTS.epsilon,
        weightDecay: settings.weightDecay ?? ADAMW_DEFAULTS.weightDecay,
      });
    case 'schedulefree_sgd':
    case 'schedulefree_adamw': {
      const optimizer = new ScheduleFreeOptimizer(learningRate, name === 'schedulefree_sgd' ? 'sgd' : 'adamw', {
        ...SCHEDULE_FREE_DEFAULTS,
        beta: settings.momentum ?? SCHEDULE_FREE_DEFAULTS.beta,
        weightDecay: settings.weightDecay ?? SCHEDULE_FREE_DEFAULTS.weightDecay,
        warmupSteps: settings.warmupSteps ?? SCHEDULE_FREE_DEFAULTS.warmupSteps,
      });
      // Ready to train, so that model.fit (find-lr, library users) can step it; with no state yet this moves no weight.
      optimizer.useTrainingWeights();
      return optimizer;
    }
  }
}

function scheduleFree(optimizer: tf.Optimizer): ScheduleFreeOptimizer | undefined {
  const name = optimizer.getClassName();
  return name === 'ScheduleFreeSGD' || name === 'ScheduleFreeAdamW' ? (optimizer as ScheduleFreeOptimizer) : undefined;
}

/**
 * Makes the variables hold the weights to evaluate: a schedule-free
 * optimizer's averaged x (the package's optimizer.eval()); others need nothing.
 */
export function useEvaluationWeights(optimizer: tf.Optimizer): void {
  scheduleFree(optimizer)?.useEvaluationWeights();
}

/** Makes the variables hold the weights to take gradients at: schedule-free's y (optimizer.train()). */
export function useTrainingWeights(optimizer: tf.Optimizer): void {
  scheduleFree(optimizer)?.useTrainingWeights();
}

/**
 * Frees an optimizer's tensors. tfjs' MomentumOptimizer.dispose forgets the
 * learning-rate scalar it inherits from SGD, one tensor per run.
 */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  if (readsCachedRate(optimizer)) {
    const rate = (optimizer as unknown as { c?: tf.Scalar }).c;
    if (rate && !rate.isDisposed) rate.dispose();
  }
}
