import * as tf from '@tensorflow/tfjs';

export const OPTIMIZER_CHOICES = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZER_CHOICES)[number];

/** Momentum's coefficient: the customary 0.9 (Keras and PyTorch leave it to the user). */
export const MOMENTUM = 0.9;

export function createOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, MOMENTUM);
    case 'adam':
      return tf.train.adam(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
  }
}

/**
 * SGD and Momentum (a subclass of SGD). `instanceof` cannot tell: tfjs'
 * Optimizer overrides Symbol.hasInstance to accept any optimizer.
 */
function readsCachedRate(optimizer: tf.Optimizer): optimizer is tf.SGDOptimizer {
  return typeof (optimizer as Partial<tf.SGDOptimizer>).setLearningRate === 'function';
}

/**
 * Sets the rate the optimizer will really use. tfjs optimizers differ here:
 * SGD and Momentum multiply by a cached scalar tensor `c = -learningRate` that
 * only `setLearningRate` refreshes (assigning `learningRate` alone changes
 * nothing), while Adam and RMSProp read the `learningRate` field at each step.
 */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  if (readsCachedRate(optimizer)) {
    optimizer.setLearningRate(learningRate);
  } else {
    (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
  }
}

/** The rate the optimizer's next step will apply, read from where each optimizer reads it. */
export function effectiveLearningRate(optimizer: tf.Optimizer): number {
  if (readsCachedRate(optimizer)) {
    const negated = (optimizer as unknown as { c: tf.Scalar }).c;
    return -negated.dataSync()[0];
  }
  return (optimizer as unknown as { learningRate: number }).learningRate;
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
