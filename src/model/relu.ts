import * as tf from '@tensorflow/tfjs';

/**
 * relu's derivative, the one rule every backward pass uses: the upstream
 * gradient passes where the unit was active and is zero elsewhere. It is
 * read from the layer's output h = relu(z): h > 0 exactly where z > 0, so the
 * pre-activation need not be kept.
 *
 * On the device the mask is sign(h), which is 1 where h > 0 and 0 where
 * h = 0 (h is never negative). tfjs-node runs sign as one TensorFlow op where
 * it builds tf.step from four; on wasm and cpu both are one kernel. A NaN
 * output comes with a NaN upstream gradient, so the mask's value there never
 * shows.
 */
export function reluBackward<T extends tf.Tensor>(upstream: T, hidden: T): T {
  return tf.mul(upstream, tf.sign(hidden)) as T;
}

/** The same rule for one host value: `upstream` where the output `hidden` is positive, else 0. */
export function reluBackwardAt(upstream: number, hidden: number): number {
  return hidden > 0 ? upstream : 0;
}
