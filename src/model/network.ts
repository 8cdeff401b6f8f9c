import * as tf from '@tensorflow/tfjs';
import { gemm } from '../train/backend/kernels.js';
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

export interface CrossEntropy {
  readonly logProbabilities: tf.Tensor2D;
  /** Categorical cross-entropy summed over the rows (divide by the row count for Keras' mean). */
  readonly lossSum: tf.Scalar;
  /** How many rows' argmax matches the label. */
  readonly correct: tf.Scalar;
}

/** The loss on the device, with tfjs ops (the reference `lossAndGradients` uses it). */
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

export interface StepGradients {
  readonly lossSum: tf.Scalar;
  readonly correct: tf.Scalar;
  readonly gradients: tf.NamedTensorMap;
}

/**
 * Mean cross-entropy loss and its gradients, all on the device, from row-major
 * images and one-hot labels, with the dense layers' backward pass written out:
 * softmax + cross-entropy has the gradient (p - y) / B, and each dense layer's
 * gradients are two matrix products. Checked against tf.variableGrads in the
 * tests. Call inside tf.tidy. The training loop uses `transposedStep` or
 * `rowStep`, which compute the same numbers with fewer kernels.
 */
export function lossAndGradients(variables: MlpVariables, images: tf.Tensor2D, oneHotLabels: tf.Tensor2D): StepGradients {
  const batchSize = images.shape[0];
  const { hidden, logits } = forward(variables, images);
  const { logProbabilities, lossSum, correct } = crossEntropy(logits, oneHotLabels);

  const logitsGradient = tf.div(tf.sub(tf.exp(logProbabilities), oneHotLabels), batchSize) as tf.Tensor2D;
  const kernel2Gradient = tf.matMul(hidden, logitsGradient, true, false);
  const bias2Gradient = tf.sum(logitsGradient, 0);
  const hiddenGradient = tf.matMul(logitsGradient, variables.kernel2, false, true);
  // relu(z) > 0 exactly where z > 0, so the hidden output gives relu's derivative.
  const preActivationGradient = tf.mul(hiddenGradient, tf.step(hidden)) as tf.Tensor2D;
  const kernel1Gradient = tf.matMul(images, preActivationGradient, true, false);
  const bias1Gradient = tf.sum(preActivationGradient, 0);

  return {
    lossSum,
    correct,
    gradients: variables.gradientMap(kernel1Gradient, bias1Gradient, kernel2Gradient, bias2Gradient),
  };
}

export interface TrainingStep {
  /** Host loss and accuracy count of the batch, with the weights before the update. */
  readonly loss: HostCrossEntropy;
  readonly gradients: tf.NamedTensorMap;
}

/**
 * Which step suits a backend. On wasm the cost that layout decides is
 * XNNPACK's repacking of each product's right-hand operand, which the
 * transposed step keeps small. Elsewhere layout costs nothing (tfjs-node's
 * TensorFlow takes transposes for free; the cpu backend's loops are indifferent
 * to them) and what counts is the number of kernel calls, each of which costs
 * tfjs-node tens of microseconds: the row step has fewer (the hidden layer is
 * one fused product + bias + relu).
 */
export function stepLayoutFor(backend: string): 'columns' | 'rows' {
  return backend === 'wasm' ? 'columns' : 'rows';
}

function scaleLogitsGradient(loss: HostCrossEntropyGradient, gradientScale: number): void {
  if (gradientScale === 1) return;
  // Every gradient of the step is linear in the output gradient: scaling these few numbers scales them all.
  for (const part of [loss.gradient, loss.gradientT, loss.biasGradient]) for (let i = 0; i < part.length; i++) part[i] *= gradientScale;
}

/**
 * Whether a fused dense product (product + bias + activation) costs one kernel
 * call. Not on tfjs-node: tfjs-core wraps a fused product in three reshapes,
 * which tfjs-node runs as TensorFlow ops, and its fused kernel is itself a
 * product, an addition and a relu, so six calls against three unfused. On the
 * cpu backend the fused kernel is one call, and the unfused bias addition
 * takes tfjs' slow broadcasting loop.
 */
function fusedDenseIsOneCall(backend: string): boolean {
  return backend !== 'tensorflow';
}

function unfusedForward(variables: MlpVariables, images: tf.Tensor2D): ForwardResult {
  const hidden = tf.relu(tf.add(tf.matMul(images, variables.kernel1), variables.bias1)) as tf.Tensor2D;
  const logits = tf.add(tf.matMul(hidden, variables.kernel2), variables.bias2) as tf.Tensor2D;
  return { hidden, logits };
}

/**
 * The step in the natural layout (images as rows, see `makeRowBatch`): the
 * mathematics of `lossAndGradients` with the loss and output gradient on the
 * host and the fewest kernel calls (see `fusedDenseIsOneCall`). relu's derivative is taken as sign(h):
 * h = relu(z) >= 0, so sign(h) is 1 exactly where z > 0, and tfjs-node runs
 * sign as one TensorFlow op where it builds step from four.
 * `gradientScale` multiplies every gradient (see `transposedStep`).
 * Call inside tf.tidy.
 */
export function rowStep(variables: MlpVariables, images: tf.Tensor2D, labels: ArrayLike<number>, gradientScale = 1): TrainingStep {
  const batchSize = images.shape[0];
  const { hidden, logits } = fusedDenseIsOneCall(tf.getBackend()) ? forward(variables, images) : unfusedForward(variables, images);
  const loss = hostCrossEntropy(logits.dataSync(), labels, variables.shape.classes, true);
  scaleLogitsGradient(loss, gradientScale);

  const logitsGradient = tf.tensor2d(loss.gradient, [batchSize, variables.shape.classes]);
  const kernel2Gradient = tf.matMul(hidden, logitsGradient, true, false);
  const hiddenGradient = tf.matMul(logitsGradient, variables.kernel2, false, true);
  const preActivationGradient = tf.mul(hiddenGradient, tf.sign(hidden)) as tf.Tensor2D;
  const kernel1Gradient = tf.matMul(images, preActivationGradient, true, false);
  const bias1Gradient = tf.sum(preActivationGradient, 0);

  return {
    loss: { lossSum: loss.lossSum, correct: loss.correct },
    gradients: variables.gradientMap(kernel1Gradient, bias1Gradient, kernel2Gradient, tf.tensor1d(loss.biasGradient)),
  };
}

/**
 * lr-compare's training step: the gradients of the mean cross-entropy for one
 * batch whose images come transposed (features x batch, see
 * `makeTransposedBatch`) and whose labels are host class indices. The same
 * mathematics as `lossAndGradients`, arranged for speed:
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
 * `gradientScale` multiplies every gradient; it is applied to the host output
 * gradient, which all the others are linear in (plain SGD passes -lr).
 * Call inside tf.tidy.
 */
export function transposedStep(variables: MlpVariables, imagesT: tf.Tensor2D, labels: ArrayLike<number>, gradientScale = 1): TrainingStep {
  const batchSize = imagesT.shape[1];
  const { hidden: hiddenUnits, classes } = variables.shape;
  const preActivationT = tf.add(tf.matMul(variables.kernel1, imagesT, true, false), tf.reshape(variables.bias1, [hiddenUnits, 1]));
  const hiddenT = tf.relu(preActivationT) as tf.Tensor2D;
  const logits = tf.fused.matMul({ a: hiddenT, b: variables.kernel2, transposeA: true, bias: variables.bias2 });
  const loss = hostCrossEntropy(logits.dataSync(), labels, classes, true);
  scaleLogitsGradient(loss, gradientScale);

  const logitsGradient = tf.tensor2d(loss.gradient, [batchSize, classes]);
  const logitsGradientT = tf.tensor2d(loss.gradientT, [classes, batchSize]);
  const kernel2Gradient = tf.matMul(hiddenT, logitsGradient);
  const hiddenGradientT = tf.matMul(variables.kernel2, logitsGradientT);
  const preActivationGradientT = tf.mul(hiddenGradientT, tf.step(hiddenT)) as tf.Tensor2D;
  const kernel1Gradient = tf.matMul(imagesT, preActivationGradientT, false, true);
  const bias1Gradient = tf.sum(preActivationGradientT, 1);

  return {
    loss: { lossSum: loss.lossSum, correct: loss.correct },
    gradients: variables.gradientMap(kernel1Gradient, bias1Gradient, kernel2Gradient, tf.tensor1d(loss.biasGradient)),
  };
}

export interface HostHeadStep {
  /** Loss and accuracy count of the batch, with the weights before the update. */
  readonly loss: HostCrossEntropy;
  /** d(loss)/d(x . W1), batch x hidden, row-major: what the first layer's weight gradient needs. */
  readonly preActivationGradient: Float32Array;
  readonly bias1Gradient: Float32Array;
  readonly kernel2Gradient: Float32Array;
  readonly bias2Gradient: Float32Array;
}

/**
 * The network's small part on the host: the hidden bias and relu, the output
 * layer (128 x 10), the softmax cross-entropy and their backward pass, for
 * lr-compare's plain-SGD step (`hostHeadStep`).
 *
 * Why: per batch this is about 120k multiply-adds, which JavaScript does in a
 * little over 100 microseconds, while as tfjs ops it is a dozen kernel calls
 * (bias, relu, output product and bias, two gradient products, relu's
 * derivative, a sum, uploads, three optimizer updates), each with the engine's
 * bookkeeping and, on wasm, an XNNPACK operator built for a few hundred
 * numbers; tfjs-node spends tens of microseconds on any op. The first layer's
 * two products (99% of the arithmetic) stay on the backend.
 *
 * The parameters it owns (bias1, kernel2, bias2) live here during training;
 * `writeTo` copies them into the tfjs variables (each epoch, before
 * evaluation). Sums are accumulated in double precision and stored as float32.
 */
export class HostHead {
  readonly bias1: Float32Array;
  /** hidden x classes, row-major. */
  readonly kernel2: Float32Array;
  readonly bias2: Float32Array;

  constructor(
    readonly shape: MlpShape,
    weights: MlpWeights,
  ) {
    this.bias1 = weights.bias1.slice();
    this.kernel2 = weights.kernel2.slice();
    this.bias2 = weights.bias2.slice();
  }

  /**
   * Forward and backward for one batch from the first layer's products
   * x . W1 (bias not yet added), given as batch x hidden (`rows`) or
   * hidden x batch (`columns`). Every gradient is multiplied by
   * `gradientScale` (plain SGD passes -lr, so `apply` only adds).
   * The three small products use the register-blocked `gemm` (a plain dot
   * product loop is 3x slower: its one accumulator is a dependency chain).
   */
  step(product: ArrayLike<number>, layout: 'rows' | 'columns', labels: ArrayLike<number>, gradientScale: number): HostHeadStep {
    const rows = labels.length;
    const { hidden: units, classes } = this.shape;
    const { bias1, kernel2, bias2 } = this;
    const { hidden, hiddenT, logits, kernel2T } = this.scratch(rows);
    // h = relu(x . W1 + b1), batch x hidden, and its transpose for the kernel gradient.
    // relu(z + b1) with NaN kept, as tfjs keeps it; float32 sums, as tfjs' addition.
    if (layout === 'rows') {
      for (let r = 0, i = 0; r < rows; r++) {
        for (let j = 0; j < units; j++, i++) {
          hidden[i] = product[i] + bias1[j];
          if (hidden[i] < 0) hidden[i] = 0;
        }
      }
      for (let r = 0, i = 0; r < rows; r++) for (let j = 0; j < units; j++, i++) hiddenT[j * rows + r] = hidden[i];
    } else {
      for (let j = 0, i = 0; j < units; j++) {
        const bias = bias1[j];
        for (let r = 0; r < rows; r++, i++) {
          hiddenT[i] = product[i] + bias;
          if (hiddenT[i] < 0) hiddenT[i] = 0;
        }
      }
      for (let j = 0, i = 0; j < units; j++) for (let r = 0; r < rows; r++, i++) hidden[r * units + j] = hiddenT[i];
    }
    gemm(hidden, kernel2, logits, rows, units, classes);
    for (let r = 0; r < rows; r++) for (let c = 0; c < classes; c++) logits[r * classes + c] += bias2[c];
    const loss = hostCrossEntropy(logits, labels, classes, true);
    const g = loss.gradient;
    if (gradientScale !== 1) for (let i = 0; i < g.length; i++) g[i] *= gradientScale;
    if (gradientScale !== 1) for (let i = 0; i < loss.biasGradient.length; i++) loss.biasGradient[i] *= gradientScale;

    const kernel2Gradient = new Float32Array(units * classes);
    gemm(hiddenT, g, kernel2Gradient, units, rows, classes);
    const hiddenGradient = new Float32Array(rows * units);
    for (let j = 0; j < units; j++) for (let c = 0; c < classes; c++) kernel2T[c * units + j] = kernel2[j * classes + c];
    gemm(g, kernel2T, hiddenGradient, rows, classes, units);
    const bias1Gradient = new Float64Array(units);
    for (let r = 0, hr = 0; r < rows; r++, hr += units) {
      for (let j = 0; j < units; j++) {
        // relu's derivative: 1 where the pre-activation was positive, i.e. where h > 0.
        const value = hidden[hr + j] > 0 ? hiddenGradient[hr + j] : 0;
        hiddenGradient[hr + j] = value;
        bias1Gradient[j] += value;
      }
    }
    return {
      loss: { lossSum: loss.lossSum, correct: loss.correct },
      preActivationGradient: hiddenGradient,
      bias1Gradient: Float32Array.from(bias1Gradient),
      kernel2Gradient,
      bias2Gradient: loss.biasGradient,
    };
  }

  private scratchRows = -1;
  private buffers = { hidden: new Float32Array(0), hiddenT: new Float32Array(0), logits: new Float32Array(0), kernel2T: new Float32Array(0) };

  /** Work arrays, kept between steps: allocating four per step costs more than their arithmetic. */
  private scratch(rows: number) {
    if (rows !== this.scratchRows) {
      const { hidden: units, classes } = this.shape;
      this.buffers = {
        hidden: new Float32Array(rows * units),
        hiddenT: new Float32Array(rows * units),
        logits: new Float32Array(rows * classes),
        kernel2T: new Float32Array(units * classes),
      };
      this.scratchRows = rows;
    }
    return this.buffers;
  }

  /** Adds a step's (already scaled) gradients to the parameters, in float32 as tfjs would. */
  apply(step: HostHeadStep): void {
    for (const [values, gradient] of [
      [this.bias1, step.bias1Gradient],
      [this.kernel2, step.kernel2Gradient],
      [this.bias2, step.bias2Gradient],
    ] as const) {
      for (let i = 0; i < values.length; i++) values[i] += gradient[i];
    }
  }

  /** Copies the parameters into the tfjs variables. */
  writeTo(variables: MlpVariables): void {
    tf.tidy(() => {
      variables.bias1.assign(tf.tensor1d(this.bias1));
      variables.kernel2.assign(tf.tensor2d(this.kernel2, [this.shape.hidden, this.shape.classes]));
      variables.bias2.assign(tf.tensor1d(this.bias2));
    });
  }
}

/**
 * lr-compare's plain-SGD step: on the backend only the first layer's two
 * products and the update of its 784 x 128 weights, the rest on the host
 * (`HostHead`). `images` is the batch as `makeTransposedBatch` (columns) or
 * `makeRowBatch` (rows) built it; the layout is the faster one for the
 * backend (`stepLayoutFor`): on wasm the repacked operand stays the small
 * x^T, and the weight gradient needs no transpose at all. The update is
 * W1 += x^T . (-lr g1), with -lr folded into the host gradient.
 * Call inside tf.tidy.
 */
export function hostHeadStep(
  variables: MlpVariables,
  head: HostHead,
  images: tf.Tensor2D,
  layout: 'rows' | 'columns',
  labels: ArrayLike<number>,
  gradientScale: number,
): HostCrossEntropy {
  const batchSize = labels.length;
  const product = layout === 'columns' ? tf.matMul(variables.kernel1, images, true, false) : tf.matMul(images, variables.kernel1);
  const step = head.step(product.dataSync(), layout, labels, gradientScale);
  const preActivationGradient = tf.tensor2d(step.preActivationGradient, [batchSize, variables.shape.hidden]);
  const kernel1Gradient =
    layout === 'columns' ? tf.matMul(images, preActivationGradient) : tf.matMul(images, preActivationGradient, true, false);
  variables.kernel1.assign(tf.add(variables.kernel1, kernel1Gradient));
  head.apply(step);
  return step.loss;
}
