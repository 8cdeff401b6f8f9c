import * as tf from '@tensorflow/tfjs';
import { makeTransposedBatch } from '../../data/batches.js';
import type { Dataset } from '../../data/mnist.js';
import { hostCrossEntropy, type MlpVariables } from '../../model/network.js';
import { reluBackward } from '../../model/relu.js';
import { OptimizerStep, type LossAndGradients } from './optimizer-step.js';
import type { StepBatch } from './train-step.js';

/**
 * The reference's mathematics for a batch whose images come transposed
 * (features x batch, see `makeTransposedBatch`), arranged for the wasm backend:
 *
 * - The hidden layer is computed transposed, h^T = relu(W1^T x^T + b1). On the
 *   wasm backend the operand that XNNPACK repacks at every product is the
 *   right-hand one; here it is x^T (784 x 32) rather than W1 (784 x 128), whose
 *   values change at every step anyway. Repacking costs more per number than
 *   the product's arithmetic, so this takes a quarter of it away. (W1^T itself
 *   is an explicit transpose done by the wasm kernel patch: a plain copy.)
 * - The weight gradient x^T . g1 then uses x^T as it is, and repacks only
 *   g1 (32 x 128).
 * - The softmax, loss, accuracy count and output gradient are computed on the
 *   host from the 32 x 10 logits (see `hostCrossEntropy`).
 *
 * Call inside tf.tidy.
 */
export function columnGradients(variables: MlpVariables, imagesT: tf.Tensor2D, labels: ArrayLike<number>): LossAndGradients {
  const batchSize = imagesT.shape[1];
  const { hidden: hiddenUnits, classes } = variables.shape;
  const preActivationT = tf.add(tf.matMul(variables.kernel1, imagesT, true, false), tf.reshape(variables.bias1, [hiddenUnits, 1]));
  const hiddenT = tf.relu(preActivationT) as tf.Tensor2D;
  const logits = tf.fused.matMul({ a: hiddenT, b: variables.kernel2, transposeA: true, bias: variables.bias2 });
  const loss = hostCrossEntropy(logits.dataSync(), labels, classes, true);

  const logitsGradient = tf.tensor2d(loss.gradient, [batchSize, classes]);
  const logitsGradientT = tf.tensor2d(loss.gradientT, [classes, batchSize]);
  const kernel2Gradient = tf.matMul(hiddenT, logitsGradient);
  const hiddenGradientT = tf.matMul(variables.kernel2, logitsGradientT);
  const preActivationGradientT = reluBackward(hiddenGradientT, hiddenT);
  const kernel1Gradient = tf.matMul(imagesT, preActivationGradientT, false, true);
  const bias1Gradient = tf.sum(preActivationGradientT, 1);

  return {
    loss: { lossSum: loss.lossSum, correct: loss.correct },
    gradients: variables.gradientMap(kernel1Gradient, bias1Gradient, kernel2Gradient, tf.tensor1d(loss.biasGradient)),
  };
}

/** `columnGradients` and a tfjs optimizer: the step for wasm with any optimizer but plain SGD. */
export class ColumnStep extends OptimizerStep {
  readonly name = 'columns';

  makeBatch(data: Dataset, order: Uint32Array, start: number, end: number): StepBatch {
    const { imagesT, labels, size } = makeTransposedBatch(data, order, start, end);
    return { images: imagesT, labels, size, layout: 'columns' };
  }

  protected gradientsOf(batch: StepBatch): LossAndGradients {
    return columnGradients(this.variables, batch.images, batch.labels);
  }
}
