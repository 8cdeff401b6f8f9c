import type { MlpShape, MlpWeights } from '../../model/mlp.js';
import { gemm } from '../../linalg/gemm.js';
import { hostCrossEntropy } from '../../model/network.js';
import type { BatchLoss } from './train-step.js';
import { CohortKernels } from './wasm/kernels.js';

/**
 * One cohort run's small part on the host: hidden bias and relu, the output
 * layer, softmax cross-entropy and their backward pass. The same arithmetic
 * as `HostHead` (model/network.ts), in the same order, so the numbers are the
 * same bit for bit, but arranged for the cohort's layout, in which everything
 * arrives and leaves transposed (hidden x batch):
 *
 * - logits^T = W2^T . h^T, the hidden gradient^T = W2 . g^T: no transposes of
 *   the 32 x 128 activations (HostHead makes two per step);
 * - the masked hidden gradient is written straight into the run's block of
 *   the cohort's stacked gradient;
 * - every work array is allocated once (HostHead allocates six per step).
 *
 * `gemm` sums in double precision and rounds once, so a product computed as
 * A . B or as (B^T . A^T)^T gives the same float32 result.
 *
 * The three small products run in WebAssembly SIMD (`HeadProducts`,
 * wasm/kernels.ts' gemm64) when the batch is a multiple of 4: float64 sums
 * in the same order as `gemm`, so the same bits, two lanes at a time. On
 * every backend: it is host arithmetic.
 */
export class CohortHead {
  readonly bias1: Float32Array;
  /** hidden x classes, row-major (as MlpWeights.kernel2). */
  readonly kernel2: Float32Array;
  readonly bias2: Float32Array;
  private readonly kernel2T: Float32Array;
  protected readonly kernel2Gradient: Float32Array;
  protected readonly bias1Gradient: Float64Array;
  protected readonly bias2Gradient: Float64Array;
  private readonly exponentials: Float64Array;
  private rows = -1;
  private hiddenT = new Float32Array(0);
  private logitsT = new Float32Array(0);
  private gradient = new Float32Array(0);
  private gradientT = new Float32Array(0);
  private readonly products: HeadProducts | undefined;

  constructor(
    readonly shape: MlpShape,
    weights: MlpWeights,
  ) {
    this.bias1 = weights.bias1.slice();
    this.kernel2 = weights.kernel2.slice();
    this.bias2 = weights.bias2.slice();
    const { hidden, classes } = shape;
    this.kernel2T = new Float32Array(hidden * classes);
    this.kernel2Gradient = new Float32Array(hidden * classes);
    this.bias1Gradient = new Float64Array(hidden);
    this.bias2Gradient = new Float64Array(classes);
    this.exponentials = new Float64Array(classes);
    this.products = HeadProducts.create(shape);
  }

  private resize(rows: number): void {
    if (rows === this.rows) return;
    const { hidden, classes } = this.shape;
    this.hiddenT = new Float32Array(hidden * rows);
    this.logitsT = new Float32Array(classes * rows);
    this.gradient = new Float32Array(rows * classes);
    this.gradientT = new Float32Array(classes * rows);
    this.rows = rows;
  }

  /**
   * Forward, loss, backward and SGD update for one batch. `productT` is this
   * run's x . W1 transposed (hidden x batch, no bias yet); the masked hidden
   * gradient, already scaled by `gradientScale` (-lr), goes to `out` at
   * `outOffset` (hidden x batch), for the first layer's update.
   */
  step(productT: Float32Array, labels: ArrayLike<number>, gradientScale: number, out: Float32Array, outOffset: number): BatchLoss {
    const rows = labels.length;
    this.resize(rows);
    const { hidden: units, classes } = this.shape;
    const { bias1, kernel2, bias2, kernel2T, hiddenT, gradient, gradientT, exponentials } = this;
    // h^T = relu(P^T + b1), rounded to float32 before relu, NaN kept, as tfjs and HostHead.
    const simd = rows % 4 === 0 ? this.products?.layout(rows) : undefined;
    for (let j = 0, i = 0; j < units; j++) {
      const bias = bias1[j];
      for (let r = 0; r < rows; r++, i++) {
        // The sum of two float32 numbers is exact in double, so it is below 0 exactly when its float32 rounding is.
        const value = productT[i] + bias;
        hiddenT[i] = value < 0 ? 0 : value;
      }
    }
    let logitsT: Float32Array = this.logitsT;
    if (simd) {
      simd.hiddenT.set(hiddenT);
      for (let j = 0, i = 0; j < units; j++) for (let c = 0; c < classes; c++, i++) simd.kernel2[i] = simd.kernel2T[c * units + j] = kernel2[i];
      logitsT = simd.logitsT(classes);
    } else {
      for (let j = 0; j < units; j++) for (let c = 0; c < classes; c++) kernel2T[c * units + j] = kernel2[j * classes + c];
      gemm(kernel2T, hiddenT, logitsT, classes, units, rows);
    }
    for (let c = 0, i = 0; c < classes; c++) for (let r = 0; r < rows; r++, i++) logitsT[i] += bias2[c];

    // Softmax cross-entropy per sample (a column of logits^T), as hostCrossEntropy.
    const bias2Gradient = this.bias2Gradient.fill(0);
    let lossSum = 0;
    let correct = 0;
    for (let r = 0; r < rows; r++) {
      const label = labels[r];
      let largest = logitsT[r];
      let argMax = 0;
      for (let c = 1; c < classes; c++) {
        const value = logitsT[c * rows + r];
        if (value > largest) {
          largest = value;
          argMax = c;
        }
      }
      if (argMax === label) correct++;
      let total = 0;
      for (let c = 0; c < classes; c++) {
        exponentials[c] = Math.exp(logitsT[c * rows + r] - largest);
        total += exponentials[c];
      }
      lossSum += largest + Math.log(total) - logitsT[label * rows + r];
      for (let c = 0; c < classes; c++) {
        const probability = exponentials[c] / total;
        const value = (c === label ? probability - 1 : probability) / rows;
        // Rounded to float32 and then scaled in float32, as HostHead does.
        const scaled = Math.fround(Math.fround(value) * gradientScale);
        gradient[r * classes + c] = scaled;
        gradientT[c * rows + r] = scaled;
        if (simd) simd.gradientT[c * rows + r] = scaled;
        bias2Gradient[c] += value;
      }
    }

    const kernel2Gradient = this.kernel2Gradient;
    if (simd) {
      // As (g^T . h)^T: the same sums (each over the samples in order), with a row length SIMD can take.
      const hidden = simd.hidden;
      for (let j = 0, i = 0; j < units; j++) for (let r = 0; r < rows; r++, i++) hidden[r * units + j] = hiddenT[i];
      const kernel2GradientT = simd.kernel2GradientT(classes, units);
      for (let j = 0, i = 0; j < units; j++) for (let c = 0; c < classes; c++, i++) kernel2Gradient[i] = kernel2GradientT[c * units + j];
    } else {
      gemm(hiddenT, gradient, kernel2Gradient, units, rows, classes);
    }
    // The hidden gradient^T = W2 . g^T, with the weights before this step's update.
    const hiddenGradientT = simd ? simd.hiddenGradientT(units, classes) : out.subarray(outOffset, outOffset + units * rows);
    if (!simd) gemm(kernel2, gradientT, hiddenGradientT, units, classes, rows);
    for (let j = 0, i = 0; j < units; j++) {
      // Each unit's bias gradient sums its samples in order, as HostHead's (which walks samples outermost).
      let bias1Gradient = 0;
      for (let r = 0; r < rows; r++, i++) {
        // relu's derivative: 1 where the pre-activation was positive, i.e. where h > 0.
        const value = hiddenT[i] > 0 ? hiddenGradientT[i] : 0;
        out[outOffset + i] = value;
        bias1Gradient += value;
      }
      this.bias1Gradient[j] = bias1Gradient;
    }
    this.update(gradientScale);
    return { lossSum, correct };
  }

  /**
   * Applies the gradients `step` left in kernel2Gradient, bias1Gradient and
   * bias2Gradient: plain SGD, the first two already scaled by -lr. A head
   * with another optimizer (cohort-optimizer.ts) overrides this and is
   * stepped with gradientScale 1, so that they are the raw gradients.
   */
  protected update(gradientScale: number): void {
    const { bias1, kernel2, bias2, kernel2Gradient, bias1Gradient, bias2Gradient } = this;
    for (let j = 0; j < bias1.length; j++) bias1[j] += Math.fround(bias1Gradient[j]);
    for (let i = 0; i < kernel2.length; i++) kernel2[i] += kernel2Gradient[i];
    for (let c = 0; c < bias2.length; c++) bias2[c] += Math.fround(Math.fround(bias2Gradient[c]) * gradientScale);
  }
}

/**
 * The head's three SIMD products in their own WebAssembly memory: float64
 * copies of h^T, h, W2^T, W2 and g^T (float32 values, so exact), and the
 * float32 results. Undefined where WebAssembly SIMD is missing (the head
 * then uses `gemm`).
 */
class HeadProducts {
  private readonly kernels = new CohortKernels();
  private rows = -1;
  private views: HeadProductViews | undefined;

  private constructor(private readonly shape: MlpShape) {}

  static create(shape: MlpShape): HeadProducts | undefined {
    return CohortKernels.available() ? new HeadProducts(shape) : undefined;
  }

  /** The work arrays for a batch of `rows` (a multiple of 4). */
  layout(rows: number): HeadProductViews {
    if (rows === this.rows && this.views) return this.views;
    const { hidden, classes } = this.shape;
    const kernels = this.kernels;
    // Positions in float64s; the float32 results after them (float32 position = 2 x float64 position).
    const hiddenAt = 0;
    const kernel2TAt = hiddenAt + hidden * rows;
    const kernel2At = kernel2TAt + classes * hidden;
    const gradientAt = kernel2At + hidden * classes;
    const rowsAt = gradientAt + classes * rows;
    const logitsAt = 2 * (rowsAt + rows * hidden);
    const hiddenGradientAt = logitsAt + classes * rows;
    const kernel2GradientAt = hiddenGradientAt + hidden * rows;
    kernels.reserve(kernel2GradientAt + classes * hidden);
    this.rows = rows;
    this.views = {
      hiddenT: kernels.doubles(hiddenAt, hidden * rows),
      kernel2T: kernels.doubles(kernel2TAt, classes * hidden),
      kernel2: kernels.doubles(kernel2At, hidden * classes),
      gradientT: kernels.doubles(gradientAt, classes * rows),
      hidden: kernels.doubles(rowsAt, rows * hidden),
      kernel2GradientT: (classes: number, units: number) => {
        kernels.gemm64(gradientAt, rowsAt, kernel2GradientAt, classes, rows, units);
        return kernels.floats(kernel2GradientAt, classes * units);
      },
      logitsT: (classes: number) => {
        kernels.gemm64(kernel2TAt, hiddenAt, logitsAt, classes, hidden, rows);
        return kernels.floats(logitsAt, classes * rows);
      },
      hiddenGradientT: (units: number, classes: number) => {
        kernels.gemm64(kernel2At, gradientAt, hiddenGradientAt, units, classes, rows);
        return kernels.floats(hiddenGradientAt, units * rows);
      },
    };
    return this.views;
  }
}

interface HeadProductViews {
  readonly hiddenT: Float64Array;
  readonly kernel2T: Float64Array;
  readonly kernel2: Float64Array;
  readonly gradientT: Float64Array;
  /** h, rows x hidden. */
  readonly hidden: Float64Array;
  /** g^T . h from `gradientT` and `hidden`: classes x hidden. */
  kernel2GradientT(classes: number, units: number): Float32Array;
  /** W2^T . h^T from `kernel2T` and `hiddenT`: classes x rows. */
  logitsT(classes: number): Float32Array;
  /** W2 . g^T from `kernel2` and `gradientT`: hidden x rows. */
  hiddenGradientT(units: number, classes: number): Float32Array;
}

/**
 * Loss and accuracy of one cohort run on a dataset, given its first-layer
 * product x . W1 transposed (hidden x samples, row j at `offset + j * stride`,
 * no bias yet): the hidden bias and relu, the output layer and the loss on
 * the host (float32 values, sums in double precision, as `hostCrossEntropy`).
 */
export function evaluateHead(
  head: CohortHead,
  productT: Float32Array,
  offset: number,
  stride: number,
  labels: Uint8Array,
  count: number,
): { loss: number; accuracy: number } {
  const { hidden, classes } = head.shape;
  const hiddenRows = new Float32Array(count * hidden);
  const logits = new Float32Array(count * classes);
  for (let j = 0; j < hidden; j++) {
    const bias = head.bias1[j];
    for (let n = 0, from = offset + j * stride; n < count; n++, from++) {
      const value = productT[from] + bias;
      // relu as tfjs' keeps NaN.
      hiddenRows[n * hidden + j] = value < 0 ? 0 : value;
    }
  }
  gemm(hiddenRows, head.kernel2, logits, count, hidden, classes);
  for (let n = 0; n < count; n++) for (let c = 0; c < classes; c++) logits[n * classes + c] += head.bias2[c];
  const { lossSum, correct } = hostCrossEntropy(logits, labels, classes);
  return { loss: lossSum / count, accuracy: correct / count };
}

/**
 * Each run's weights from a stacked first layer ((runs * hidden) x inputs,
 * run m's W1^T in rows m*hidden .. (m+1)*hidden) and the runs' heads: what
 * the cohort steps' `read` returns, W1 back in MlpWeights' inputs x hidden order.
 */
export function runWeights(stacked: Float32Array, heads: readonly CohortHead[], shape: MlpShape): MlpWeights[] {
  const { inputs, hidden } = shape;
  return heads.map((head, m) => {
    const kernel1 = new Float32Array(inputs * hidden);
    const offset = m * hidden * inputs;
    for (let j = 0; j < hidden; j++) for (let i = 0; i < inputs; i++) kernel1[i * hidden + j] = stacked[offset + j * inputs + i];
    return { kernel1, bias1: head.bias1.slice(), kernel2: head.kernel2.slice(), bias2: head.bias2.slice() };
  });
}
