import * as tf from '@tensorflow/tfjs';
import type { MlpShape, MlpWeights } from './mlp.js';

let networkCounter = 0;

/** The MLP's parameters as tfjs variables, with names unique in the tfjs engine. */
export class MlpVariables {
  readonly kernel1: tf.Variable;
  readonly bias1: tf.Variable;
  readonly kernel2: tf.Variable;
  readonly bias2: tf.Variable;

  constructor(
    readonly shape: MlpShape,
    weights: MlpWeights,
  ) {
    const prefix = `lr_compare_mlp_${networkCounter++}`;
    this.kernel1 = tf.variable(tf.tensor2d(weights.kernel1, [shape.inputs, shape.hidden]), true, `${prefix}/kernel1`);
    this.bias1 = tf.variable(tf.tensor1d(weights.bias1), true, `${prefix}/bias1`);
    this.kernel2 = tf.variable(tf.tensor2d(weights.kernel2, [shape.hidden, shape.classes]), true, `${prefix}/kernel2`);
    this.bias2 = tf.variable(tf.tensor1d(weights.bias2), true, `${prefix}/bias2`);
  }

  /** A host copy of the current parameters (for best-weights snapshots). */
  read(): MlpWeights {
    return {
      kernel1: this.kernel1.dataSync() as Float32Array,
      bias1: this.bias1.dataSync() as Float32Array,
      kernel2: this.kernel2.dataSync() as Float32Array,
      bias2: this.bias2.dataSync() as Float32Array,
    };
  }

  assign(weights: MlpWeights): void {
    tf.tidy(() => {
      this.kernel1.assign(tf.tensor2d(weights.kernel1, this.kernel1.shape as [number, number]));
      this.bias1.assign(tf.tensor1d(weights.bias1));
      this.kernel2.assign(tf.tensor2d(weights.kernel2, this.kernel2.shape as [number, number]));
      this.bias2.assign(tf.tensor1d(weights.bias2));
    });
  }

  dispose(): void {
    this.kernel1.dispose();
    this.bias1.dispose();
    this.kernel2.dispose();
    this.bias2.dispose();
  }
}

export interface ForwardResult {
  readonly hiddenPreActivation: tf.Tensor2D;
  readonly hidden: tf.Tensor2D;
  readonly logits: tf.Tensor2D;
}

export function forward(variables: MlpVariables, images: tf.Tensor2D): ForwardResult {
  const hiddenPreActivation = tf.add(tf.matMul(images, variables.kernel1), variables.bias1) as tf.Tensor2D;
  const hidden = tf.relu(hiddenPreActivation);
  const logits = tf.add(tf.matMul(hidden, variables.kernel2), variables.bias2) as tf.Tensor2D;
  return { hiddenPreActivation, hidden, logits };
}

export interface CrossEntropy {
  readonly logProbabilities: tf.Tensor2D;
  /** Categorical cross-entropy summed over the rows (divide by the row count for Keras' mean). */
  readonly lossSum: tf.Scalar;
  /** How many rows' argmax matches the label. */
  readonly correct: tf.Scalar;
}

export function crossEntropy(logits: tf.Tensor2D, oneHotLabels: tf.Tensor2D): CrossEntropy {
  const logProbabilities = tf.logSoftmax(logits);
  const lossSum = tf.neg(tf.sum(tf.mul(oneHotLabels, logProbabilities))) as tf.Scalar;
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(oneHotLabels, 1)), 'float32')) as tf.Scalar;
  return { logProbabilities, lossSum, correct };
}

export interface StepGradients {
  readonly lossSum: tf.Scalar;
  readonly correct: tf.Scalar;
  readonly gradients: tf.NamedTensorMap;
}

/**
 * Mean cross-entropy loss and its gradients, with the dense layers' backward
 * pass written out: softmax + cross-entropy has the gradient (p - y) / B, and
 * each dense layer's gradients are two matrix products. Writing it out avoids
 * tfjs' generic autodiff bookkeeping on every step, and is checked against
 * tf.variableGrads in the tests. Call inside tf.tidy.
 */
export function lossAndGradients(variables: MlpVariables, images: tf.Tensor2D, oneHotLabels: tf.Tensor2D): StepGradients {
  const batchSize = images.shape[0];
  const { hiddenPreActivation, hidden, logits } = forward(variables, images);
  const { logProbabilities, lossSum, correct } = crossEntropy(logits, oneHotLabels);

  const logitsGradient = tf.div(tf.sub(tf.exp(logProbabilities), oneHotLabels), batchSize) as tf.Tensor2D;
  const kernel2Gradient = tf.matMul(hidden, logitsGradient, true, false);
  const bias2Gradient = tf.sum(logitsGradient, 0);
  const hiddenGradient = tf.matMul(logitsGradient, variables.kernel2, false, true);
  const preActivationGradient = tf.mul(hiddenGradient, tf.step(hiddenPreActivation)) as tf.Tensor2D;
  const kernel1Gradient = tf.matMul(images, preActivationGradient, true, false);
  const bias1Gradient = tf.sum(preActivationGradient, 0);

  return {
    lossSum,
    correct,
    gradients: {
      [variables.kernel1.name]: kernel1Gradient,
      [variables.bias1.name]: bias1Gradient,
      [variables.kernel2.name]: kernel2Gradient,
      [variables.bias2.name]: bias2Gradient,
    },
  };
}
