/**
 * The MLP as tfjs sees it: its parameters as variables, its forward pass and
 * its loss (on the device with tfjs ops, and on the host from the logits).
 * The backward passes, one per way of training a batch, are the steps in
 * src/train/steps/.
 */
import * as tf from '@tensorflow/tfjs';
import type { MlpShape, MlpWeights } from './mlp.js';

let networkCounter = 0;

/** A trainable variable holding `values`; the tensor it is made from is freed (tf.variable keeps its own). */
function variableFrom(values: Float32Array, shape: number[], name: string): tf.Variable {
  const initial = tf.tensor(values, shape);
  const variable = tf.variable(initial, true, name);
  initial.dispose();
  return variable;
}

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
    this.kernel1 = variableFrom(weights.kernel1, [shape.inputs, shape.hidden], `${prefix}/kernel1`);
    this.bias1 = variableFrom(weights.bias1, [shape.hidden], `${prefix}/bias1`);
    this.kernel2 = variableFrom(weights.kernel2, [shape.hidden, shape.classes], `${prefix}/kernel2`);
    this.bias2 = variableFrom(weights.bias2, [shape.classes], `${prefix}/bias2`);
  }

  /** Gradients keyed by variable name, as tfjs optimizers' applyGradients wants them. */
  gradientMap(kernel1: tf.Tensor, bias1: tf.Tensor, kernel2: tf.Tensor, bias2: tf.Tensor): tf.NamedTensorMap {
    return { [this.kernel1.name]: kernel1, [this.bias1.name]: bias1, [this.kernel2.name]: kernel2, [this.bias2.name]: bias2 };
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
  /** The hidden layer's output, relu(x . W1 + b1). */
  readonly hidden: tf.Tensor2D;
  readonly logits: tf.Tensor2D;
}

/**
 * The network's forward pass on row-major images (one sample per row). Each
 * dense layer is one fused kernel (product, bias and activation together).
 */
export function forward(variables: MlpVariables, images: tf.Tensor2D): ForwardResult {
  const hidden = tf.fused.matMul({ a: images, b: variables.kernel1, bias: variables.bias1, activation: 'relu' }) as tf.Tensor2D;
  const logits = tf.fused.matMul({ a: hidden, b: variables.kernel2, bias: variables.bias2 }) as tf.Tensor2D;
  return { hidden, logits };
}

/** The same forward pass with separate product, bias and relu kernels (for backends where fusing costs more calls). */
export function unfusedForward(variables: MlpVariables, images: tf.Tensor2D): ForwardResult {
  const hidden = tf.relu(tf.add(tf.matMul(images, variables.kernel1), variables.bias1)) as tf.Tensor2D;
  const logits = tf.add(tf.matMul(hidden, variables.kernel2), variables.bias2) as tf.Tensor2D;
  return { hidden, logits };
}

export interface CrossEntropy {
  readonly logProbabilities: tf.Tensor2D;
  /** Categorical cross-entropy summed over the rows (divide by the row count for Keras' mean). */
  readonly lossSum: tf.Scalar;
  /** How many rows' argmax matches the label. */
  readonly correct: tf.Scalar;
}

/** The loss on the device, with tfjs ops (the reference step uses it). */
export function crossEntropy(logits: tf.Tensor2D, oneHotLabels: tf.Tensor2D): CrossEntropy {
  const logProbabilities = tf.logSoftmax(logits);
  const lossSum = tf.neg(tf.sum(tf.mul(oneHotLabels, logProbabilities))) as tf.Scalar;
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), tf.argMax(oneHotLabels, 1)), 'float32')) as tf.Scalar;
  return { logProbabilities, lossSum, correct };
}

export interface HostCrossEntropy {
  /** Categorical cross-entropy summed over the rows, in double precision. */
  readonly lossSum: number;
  /** How many rows' first largest logit is at the label. */
  readonly correct: number;
}

export interface HostCrossEntropyGradient extends HostCrossEntropy {
  /** d(mean loss)/d(logits) = (softmax - onehot) / rows, rows x classes. */
  readonly gradient: Float32Array;
  /** The same, transposed: classes x rows. */
  readonly gradientT: Float32Array;
  /** Its column sums: the output bias' gradient. */
  readonly biasGradient: Float32Array;
}

/**
 * Softmax cross-entropy of a few logits on the host. For a batch the logits
 * are 32 x 10 numbers: reading them and doing this in JavaScript costs a few
 * microseconds, where the same work as tfjs ops is a dozen kernel calls
 * (log-softmax, one-hot product, sums, two arg-maxes, a comparison, a cast,
 * the softmax gradient), each with the engine's bookkeeping.
 * Non-finite logits give a non-finite loss, which is how divergence shows.
 */
export function hostCrossEntropy(logits: ArrayLike<number>, labels: ArrayLike<number>, classes: number): HostCrossEntropy;
export function hostCrossEntropy(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  withGradient: true,
): HostCrossEntropyGradient;
export function hostCrossEntropy(
  logits: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
  withGradient = false,
): HostCrossEntropy | HostCrossEntropyGradient {
  const rows = labels.length;
  const gradient = withGradient ? new Float32Array(rows * classes) : undefined;
  const gradientT = withGradient ? new Float32Array(rows * classes) : undefined;
  const biasGradient = withGradient ? new Float64Array(classes) : undefined;
  const exponentials = new Float64Array(classes);
  let lossSum = 0;
  let correct = 0;
  for (let row = 0; row < rows; row++) {
    const offset = row * classes;
    const label = labels[row];
    let largest = logits[offset];
    let argMax = 0;
    for (let c = 1; c < classes; c++) {
      if (logits[offset + c] > largest) {
        largest = logits[offset + c];
        argMax = c;
      }
    }
    if (argMax === label) correct++;
    let total = 0;
    for (let c = 0; c < classes; c++) {
      exponentials[c] = Math.exp(logits[offset + c] - largest);
      total += exponentials[c];
    }
    lossSum += largest + Math.log(total) - logits[offset + label];
    if (gradient && gradientT && biasGradient) {
      for (let c = 0; c < classes; c++) {
        const probability = exponentials[c] / total;
        const value = (c === label ? probability - 1 : probability) / rows;
        gradient[offset + c] = value;
        gradientT[c * rows + row] = value;
        biasGradient[c] += value;
      }
    }
  }
  if (!gradient || !gradientT || !biasGradient) return { lossSum, correct };
  return { lossSum, correct, gradient, gradientT, biasGradient: Float32Array.from(biasGradient) };
}
