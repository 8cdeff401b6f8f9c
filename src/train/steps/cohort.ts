import * as tf from '@tensorflow/tfjs';
import type { MlpShape, MlpWeights } from '../../model/mlp.js';
import { makeRowBatch, type DeviceDataset } from '../../data/batches.js';
import type { Dataset } from '../../data/mnist.js';
import { CohortHead, evaluateHead, runWeights } from './cohort-head.js';
import type { BatchLoss } from './train-step.js';

/**
 * An optimizer other than plain SGD for the cohort (cohort-optimizer.ts): it
 * makes the heads (which update the small layers on the host), updates the
 * stacked first layer from its raw gradient, and keeps its per-run state in
 * step when runs leave.
 */
export interface CohortUpdate {
  createHead(shape: MlpShape, weights: MlpWeights): CohortHead;
  /** `gradient`: the mean loss's gradient of kernel1T, same layout. Called inside tf.tidy. */
  updateFirstLayer(kernel1T: tf.Variable, gradient: tf.Tensor): void;
  remove(positions: readonly number[]): void;
  dispose(): void;
}

/**
 * Plain-SGD training of k runs at once that share their data: the same
 * initial weights and the same batch order, only the learning rates differ
 * (the schedulers of one repeat). The k first-layer weight matrices are
 * stacked into one (k * hidden) x inputs matrix on the backend, so a step
 * costs one forward product and one weight-gradient product however many
 * runs train, and those products are k times wider:
 *
 *   P^T = [W1_1 ... W1_k]^T . x^T          (k*hidden x batch)
 *   [W1_1 ... W1_k]^T += [g1_1 ... g1_k]^T . x   (each g1_i already scaled by -lr_i)
 *
 * Each run's block of P^T is contiguous (hidden x batch), so the small rest
 * of each run (hidden bias and relu, the 128 x 10 output layer, the loss and
 * their backward pass) runs on the host per run (`CohortHead`, the same
 * arithmetic as the per-run `HostHead`), with that run's own rate folded into
 * its output gradient, and writes its block of the stacked gradient.
 *
 * Why the first layer is stored transposed (one row block per run): on wasm,
 * XNNPACK repacks the right-hand operand of every product (about 6 ns per
 * number) and the kernel patch turns a transposed operand into an explicit
 * copy; with W1^T as the left operand of both products, the operands that
 * get repacked are the batch (784 x 32, twice) instead of the k*100k weights.
 * On tfjs-node and cpu the layout costs nothing either way.
 *
 * Column j of a matrix product depends only on column j of its right-hand
 * operand (and row i only on row i of the left one), so one run's numbers
 * never enter another's: a run whose weights blow up to Inf/NaN leaves the
 * others untouched. Its rows are still dropped (`remove`) so a cohort whose
 * runs diverge gets cheaper.
 */
export class CohortStep {
  /** (runs * hidden) x inputs: run m's W1^T in rows m*hidden .. (m+1)*hidden. */
  private kernel1T: tf.Variable;
  private readonly heads: CohortHead[];

  constructor(
    readonly shape: MlpShape,
    weights: MlpWeights,
    runs: number,
    /** Another optimizer than plain SGD; its heads are stepped with gradient scale 1 (raw gradients). */
    private readonly optimizer?: CohortUpdate,
  ) {
    const { inputs, hidden } = shape;
    const block = new Float32Array(hidden * inputs);
    for (let i = 0; i < inputs; i++) for (let j = 0; j < hidden; j++) block[j * inputs + i] = weights.kernel1[i * hidden + j];
    const stacked = new Float32Array(runs * hidden * inputs);
    for (let m = 0; m < runs; m++) stacked.set(block, m * block.length);
    const initial = tf.tensor2d(stacked, [runs * hidden, inputs]);
    this.kernel1T = tf.variable(initial, true);
    initial.dispose();
    this.heads = Array.from({ length: runs }, () => optimizer?.createHead(shape, weights) ?? new CohortHead(shape, weights));
  }

  /** How many runs the cohort trains now. */
  get size(): number {
    return this.heads.length;
  }

  /**
   * One SGD step of every run on the batch `images` (batch x inputs, rows).
   * `gradientScales[m]` is -lr of run m (rounded to float32 as tfjs'
   * optimizer keeps it). Returns each run's loss sum and accuracy count, with
   * the weights before the update. Call inside tf.tidy.
   */
  step(images: tf.Tensor2D, labels: ArrayLike<number>, gradientScales: ArrayLike<number>): BatchLoss[] {
    const rows = labels.length;
    const { hidden } = this.shape;
    const blockSize = hidden * rows;
    const productT = tf.matMul(this.kernel1T, images, false, true).dataSync() as Float32Array;
    // A fresh array: the cpu backend keeps the array a tensor is made from.
    const gradientT = new Float32Array(this.heads.length * blockSize);
    const losses: BatchLoss[] = [];
    for (let m = 0; m < this.heads.length; m++) {
      const offset = m * blockSize;
      losses.push(this.heads[m].step(productT.subarray(offset, offset + blockSize), labels, gradientScales[m], gradientT, offset));
    }
    const update = tf.matMul(tf.tensor2d(gradientT, [this.heads.length * hidden, rows]), images);
    if (this.optimizer) this.optimizer.updateFirstLayer(this.kernel1T, update);
    else this.kernel1T.assign(tf.add(this.kernel1T, update));
    return losses;
  }

  /**
   * One step of every run on the rows `order[start..end)` of `data` (the
   * batch is built here, in the layout this step wants). See `step`.
   */
  trainOn(data: Dataset, order: Uint32Array, start: number, end: number, gradientScales: ArrayLike<number>): BatchLoss[] {
    let losses: BatchLoss[] = [];
    tf.tidy(() => {
      const { images, labels } = makeRowBatch(data, order, start, end);
      losses = this.step(images, labels, gradientScales);
    });
    return losses;
  }

  /**
   * Loss and accuracy of every run on a dataset: one stacked product on the
   * backend, each run's small rest on the host (float32 values, sums in
   * double precision, as `hostCrossEntropy`).
   */
  evaluate(data: DeviceDataset): { loss: number; accuracy: number }[] {
    const count = data.count;
    const product = tf.tidy(() => tf.matMul(this.kernel1T, data.images, false, true));
    const productT = product.dataSync() as Float32Array;
    product.dispose();
    return this.heads.map((head, m) => evaluateHead(head, productT, m * this.shape.hidden * count, count, data.classes, count));
  }

  /** Host copies of every run's current parameters (one read of the stacked matrix). */
  read(): MlpWeights[] {
    return runWeights(this.kernel1T.dataSync() as Float32Array, this.heads, this.shape);
  }

  /** Drops the runs at the given positions (positions of the others shift down). */
  remove(positions: readonly number[]): void {
    if (positions.length === 0) return;
    const dropped = new Set(positions);
    const hidden = this.shape.hidden;
    const keep: number[] = [];
    for (let m = 0; m < this.heads.length; m++) if (!dropped.has(m)) for (let j = 0; j < hidden; j++) keep.push(m * hidden + j);
    const kept = tf.tidy(() => tf.gather(this.kernel1T, tf.tensor1d(keep, 'int32'), 0));
    this.kernel1T.dispose();
    this.kernel1T = tf.variable(kept, true);
    kept.dispose();
    for (const position of [...dropped].sort((a, b) => b - a)) this.heads.splice(position, 1);
    this.optimizer?.remove(positions);
  }

  dispose(): void {
    this.kernel1T.dispose();
    this.optimizer?.dispose();
  }
}
