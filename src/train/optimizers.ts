import * as tf from '@tensorflow/tfjs';
import { readsCachedRate } from '../callbacks/optimizer-rate.js';

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
