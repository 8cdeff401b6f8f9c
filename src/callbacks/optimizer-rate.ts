/**
 * Reading and setting the learning rate a tfjs optimizer really applies,
 * without recreating it (a new optimizer would drop Adam's moments, momentum's
 * velocity, Adagrad's accumulators). Checked against tfjs-core 4.22's sources:
 *
 * - SGD and Momentum (a subclass of SGD) multiply by a cached scalar tensor
 *   `c = -learningRate` that only `setLearningRate` refreshes; assigning the
 *   `learningRate` field alone changes nothing.
 * - Adam, Adamax, RMSProp, Adagrad and Adadelta read the `learningRate` field
 *   in every `applyGradients` (e.g. Adagrad: `mul(..., -this.learningRate)`,
 *   Adadelta: `mul(updates, -this.learningRate)`), so assigning it is enough.
 *
 * test/library/fit.test.ts checks each of the six through the weights' updates.
 */
import type * as tf from '@tensorflow/tfjs';

/**
 * SGD and Momentum. `instanceof` cannot tell: tfjs' Optimizer overrides
 * Symbol.hasInstance to accept any optimizer.
 */
export function readsCachedRate(optimizer: tf.Optimizer): optimizer is tf.SGDOptimizer {
  return typeof (optimizer as Partial<tf.SGDOptimizer>).setLearningRate === 'function';
}

function rateField(optimizer: tf.Optimizer): { learningRate: number } {
  const holder = optimizer as unknown as { learningRate?: unknown };
  if (typeof holder.learningRate !== 'number') {
    throw new TypeError(
      `cannot set the learning rate of optimizer '${optimizer.getClassName()}': it has no numeric learningRate field ` +
        '(supported: sgd, momentum, adam, adamax, rmsprop, adagrad, adadelta)',
    );
  }
  return holder as { learningRate: number };
}

/** Sets the rate the optimizer's next step will apply. */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  if (readsCachedRate(optimizer)) optimizer.setLearningRate(learningRate);
  else rateField(optimizer).learningRate = learningRate;
}

/**
 * The optimizer's learning rate as its user gave it (the `learningRate` field,
 * which `setLearningRate` keeps in step with SGD's cached scalar). The base
 * rate of a schedule when the user does not give one.
 */
export function configuredLearningRate(optimizer: tf.Optimizer): number {
  return rateField(optimizer).learningRate;
}

/** The rate the optimizer's next step will apply, read from where each optimizer reads it (float32 for SGD's scalar). */
export function effectiveLearningRate(optimizer: tf.Optimizer): number {
  if (readsCachedRate(optimizer)) {
    const negated = (optimizer as unknown as { c: tf.Scalar }).c;
    return -negated.dataSync()[0]!;
  }
  return rateField(optimizer).learningRate;
}
