import * as tf from '@tensorflow/tfjs';
import { makeRowBatch } from '../../data/batches.js';
import type { Dataset } from '../../data/mnist.js';
import { forward, hostCrossEntropy, unfusedForward, type MlpVariables } from '../../model/network.js';
import { reluBackward } from '../../model/relu.js';
import { OptimizerStep, type LossAndGradients } from './optimizer-step.js';
import type { StepBatch, StepContext } from './train-step.js';

/**
 * The reference's mathematics in the natural layout (images as rows), with
 * the loss and output gradient on the host (`hostCrossEntropy`: a dozen tfjs
 * kernel calls become a few microseconds of JavaScript) and the fewest kernel
 * calls. `fusedForward`: whether a fused dense product (product + bias +
 * activation) is one kernel call on this backend (chooseStep decides).
 * Call inside tf.tidy.
 */
export function rowGradients(variables: MlpVariables, images: tf.Tensor2D, labels: ArrayLike<number>, fusedForward: boolean): LossAndGradients {
  const batchSize = images.shape[0];
  const { hidden, logits } = fusedForward ? forward(variables, images) : unfusedForward(variables, images);
  const loss = hostCrossEntropy(logits.dataSync(), labels, variables.shape.classes, true);

  const logitsGradient = tf.tensor2d(loss.gradient, [batchSize, variables.shape.classes]);
  const kernel2Gradient = tf.matMul(hidden, logitsGradient, true, false);
  const hiddenGradient = tf.matMul(logitsGradient, variables.kernel2, false, true);
  const preActivationGradient = reluBackward(hiddenGradient, hidden);
  const kernel1Gradient = tf.matMul(images, preActivationGradient, true, false);
  const bias1Gradient = tf.sum(preActivationGradient, 0);

  return {
    loss: { lossSum: loss.lossSum, correct: loss.correct },
    gradients: variables.gradientMap(kernel1Gradient, bias1Gradient, kernel2Gradient, tf.tensor1d(loss.biasGradient)),
  };
}

/** `rowGradients` and a tfjs optimizer: the step for tfjs-node and cpu with any optimizer but plain SGD. */
export class RowStep extends OptimizerStep {
  readonly name = 'rows';

  constructor(
    context: StepContext,
    private readonly fusedForward: boolean,
  ) {
    super(context);
  }

  makeBatch(data: Dataset, order: Uint32Array, start: number, end: number): StepBatch {
    return { ...makeRowBatch(data, order, start, end), layout: 'rows' };
  }

  protected gradientsOf(batch: StepBatch): LossAndGradients {
    return rowGradients(this.variables, batch.images, batch.labels, this.fusedForward);
  }
}
