import * as tf from '@tensorflow/tfjs';
import { makeRowBatch, oneHot } from '../../data/batches.js';
import type { Dataset } from '../../data/mnist.js';
import { crossEntropy, forward, type MlpVariables } from '../../model/network.js';
import { reluBackward } from '../../model/relu.js';
import { OptimizerStep, type LossAndGradients } from './optimizer-step.js';
import type { StepBatch } from './train-step.js';

export interface StepGradients {
  readonly lossSum: tf.Scalar;
  readonly correct: tf.Scalar;
  readonly gradients: tf.NamedTensorMap;
}

/**
 * THE ORACLE. Mean cross-entropy loss and its gradients, all on the device
 * with plain tfjs ops, from row-major images and one-hot labels: softmax +
 * cross-entropy has the gradient (p - y) / B, and each dense layer's
 * gradients are two matrix products. It is checked against tf.variableGrads,
 * and every other step is checked against it (test/train/steps.test.ts).
 * Written for clarity, not speed. Call inside tf.tidy.
 */
export function lossAndGradients(variables: MlpVariables, images: tf.Tensor2D, oneHotLabels: tf.Tensor2D): StepGradients {
  const batchSize = images.shape[0];
  const { hidden, logits } = forward(variables, images);
  const { logProbabilities, lossSum, correct } = crossEntropy(logits, oneHotLabels);

  const logitsGradient = tf.div(tf.sub(tf.exp(logProbabilities), oneHotLabels), batchSize) as tf.Tensor2D;
  const kernel2Gradient = tf.matMul(hidden, logitsGradient, true, false);
  const bias2Gradient = tf.sum(logitsGradient, 0);
  const hiddenGradient = tf.matMul(logitsGradient, variables.kernel2, false, true);
  const preActivationGradient = reluBackward(hiddenGradient, hidden);
  const kernel1Gradient = tf.matMul(images, preActivationGradient, true, false);
  const bias1Gradient = tf.sum(preActivationGradient, 0);

  return {
    lossSum,
    correct,
    gradients: variables.gradientMap(kernel1Gradient, bias1Gradient, kernel2Gradient, bias2Gradient),
  };
}

/** The reference as a TrainStep: `lossAndGradients` and a tfjs optimizer, for any optimizer on any backend. */
export class ReferenceStep extends OptimizerStep {
  readonly name = 'reference';

  makeBatch(data: Dataset, order: Uint32Array, start: number, end: number): StepBatch {
    return { ...makeRowBatch(data, order, start, end), layout: 'rows' };
  }

  protected gradientsOf(batch: StepBatch): LossAndGradients {
    const classes = this.variables.shape.classes;
    const labels = tf.tensor2d(oneHot(batch.labels, classes), [batch.size, classes]);
    const { lossSum, correct, gradients } = lossAndGradients(this.variables, batch.images, labels);
    return { loss: { lossSum: lossSum.dataSync()[0], correct: correct.dataSync()[0] }, gradients };
  }
}
