import * as tf from '@tensorflow/tfjs';
import { makeRowBatch, makeTransposedBatch } from '../../data/batches.js';
import type { Dataset } from '../../data/mnist.js';
import { gemm } from '../../linalg/gemm.js';
import type { MlpShape, MlpWeights } from '../../model/mlp.js';
import { hostCrossEntropy, type MlpVariables } from '../../model/network.js';
import { reluBackwardAt } from '../../model/relu.js';
import type { BatchLayout, BatchLoss, StepBatch, StepContext, TrainStep } from './train-step.js';

export interface HostHeadGradients {
  /** Loss and accuracy count of the batch, with the weights before the update. */
  readonly loss: BatchLoss;
  /** d(loss)/d(x . W1), batch x hidden, row-major: what the first layer's weight gradient needs. */
  readonly preActivationGradient: Float32Array;
  readonly bias1Gradient: Float32Array;
  readonly kernel2Gradient: Float32Array;
  readonly bias2Gradient: Float32Array;
}

/**
 * The network's small part on the host: the hidden bias and relu, the output
 * layer (128 x 10), the softmax cross-entropy and their backward pass, for
 * the host-SGD step (`HostSgdStep`).
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
  step(product: ArrayLike<number>, layout: BatchLayout, labels: ArrayLike<number>, gradientScale: number): HostHeadGradients {
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
    // Every gradient of the step is linear in the output gradient: scaling these few numbers scales them all.
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
        const value = reluBackwardAt(hiddenGradient[hr + j], hidden[hr + j]);
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
  apply(step: HostHeadGradients): void {
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
 * lr-compare's plain-SGD step (the article's setting): on the backend only
 * the first layer's two products and the update of its 784 x 128 weights, the
 * rest on the host (`HostHead`). The batch layout is chosen per backend
 * (chooseStep): with `columns` on wasm the repacked operand stays the small
 * x^T and the weight gradient needs no transpose at all. The update is
 * w <- w + (-lr) g with -lr rounded to float32 (as a tfjs SGD optimizer holds
 * it) and folded into the host output gradient, which every gradient is
 * linear in; so W1 += x^T . (-lr g1). No tfjs optimizer is involved.
 */
export class HostSgdStep implements TrainStep {
  readonly name: string;
  private readonly variables: MlpVariables;
  private readonly head: HostHead;

  constructor(
    context: StepContext,
    private readonly layout: BatchLayout,
  ) {
    if (context.optimizer !== 'sgd') throw new Error(`the host-SGD step trains plain SGD only, not ${context.optimizer}`);
    this.name = `host-sgd/${layout}`;
    this.variables = context.variables;
    this.head = new HostHead(context.variables.shape, context.variables.read());
  }

  makeBatch(data: Dataset, order: Uint32Array, start: number, end: number): StepBatch {
    if (this.layout === 'rows') return { ...makeRowBatch(data, order, start, end), layout: 'rows' };
    const { imagesT, labels, size } = makeTransposedBatch(data, order, start, end);
    return { images: imagesT, labels, size, layout: 'columns' };
  }

  step(batch: StepBatch, learningRate: number): BatchLoss {
    const { variables, head } = this;
    const { images, labels, layout } = batch;
    const product = layout === 'columns' ? tf.matMul(variables.kernel1, images, true, false) : tf.matMul(images, variables.kernel1);
    const gradients = head.step(product.dataSync(), layout, labels, Math.fround(-learningRate));
    const preActivationGradient = tf.tensor2d(gradients.preActivationGradient, [batch.size, variables.shape.hidden]);
    const kernel1Gradient =
      layout === 'columns' ? tf.matMul(images, preActivationGradient) : tf.matMul(images, preActivationGradient, true, false);
    variables.kernel1.assign(tf.add(variables.kernel1, kernel1Gradient));
    head.apply(gradients);
    return gradients.loss;
  }

  sync(): void {
    this.head.writeTo(this.variables);
  }

  dispose(): void {}
}
