import type * as tf from '@tensorflow/tfjs';
import type { DeviceDataset } from '../../data/batches.js';
import { gemm } from '../../linalg/gemm.js';
import type { MlpShape, MlpWeights } from '../../model/mlp.js';
import { hostCrossEntropy } from '../../model/network.js';
import type { CohortStep } from './cohort.js';
import { CohortHead } from './cohort-head.js';
import type { BatchLoss } from './train-step.js';

/** What `runCohortJob` asks of a cohort step: `CohortStep`'s methods. */
export type CohortTrainer = Pick<CohortStep, 'size' | 'step' | 'evaluate' | 'read' | 'remove' | 'dispose'>;

/** `rows x columns` row-major `from`, transposed into `to` (columns x rows). */
function transposeInto(from: ArrayLike<number>, rows: number, columns: number, to: Float32Array): void {
  for (let r = 0; r < rows; r++) for (let c = 0, at = r; c < columns; c++, at += rows) to[at] = from[r * columns + c];
}

/**
 * The cohort step (see `CohortStep`) for the cpu backend with lr-compare's
 * kernels: the same arithmetic, computed run by run on host arrays.
 *
 * Why: on cpu a product is a JavaScript loop with no per-call cost, so the
 * one wide product of the stacked weights saves nothing, and it is worse for
 * the cache: the stacked W1 (k x 400 kB), its update and the updated copy
 * that tfjs allocates each step no longer fit in a core's L2 cache, where one
 * run's block and its update do. Here each run's block (hidden x inputs,
 * W1^T as in `CohortStep`) is a host array: its forward product, its
 * `CohortHead`, its weight-gradient product and its update follow each other
 * while the block is in cache, and the weight-gradient product is added in
 * place (`gemm`'s accumulate: no 400 kB gradient and no updated copy, both
 * of which tfjs allocates per run-step).
 * What the cohort still shares: one batch, one transposed copy of it, one
 * transposed validation set.
 *
 * Same numbers: the products are `gemm`, the very function behind the cpu
 * backend's patched product kernel (train/backend/kernels.ts), on the same
 * operands in the same order, and the update is a float32 addition as the
 * patched Add; so every run's numbers are those of `CohortStep`, and of the
 * per-run host-SGD step, bit for bit (test/train/cohort-host.test.ts). With
 * tfjs' stock cpu kernels (other rounding) `chooseCohortStep` keeps `CohortStep`.
 */
export class HostCohortStep implements CohortTrainer {
  /** Run m's W1^T, hidden x inputs, row-major. */
  private readonly blocks: Float32Array[];
  private readonly heads: CohortHead[];
  private rows = -1;
  private imagesT = new Float32Array(0);
  private productT = new Float32Array(0);
  private gradientT = new Float32Array(0);
  /** The last dataset evaluated and its images transposed (inputs x count): the validation set, every epoch. */
  private evaluated: { readonly data: DeviceDataset; readonly imagesT: Float32Array } | undefined;

  constructor(
    readonly shape: MlpShape,
    weights: MlpWeights,
    runs: number,
  ) {
    const { inputs, hidden } = shape;
    const block = new Float32Array(hidden * inputs);
    transposeInto(weights.kernel1, inputs, hidden, block);
    this.blocks = Array.from({ length: runs }, () => block.slice());
    this.heads = Array.from({ length: runs }, () => new CohortHead(shape, weights));
  }

  get size(): number {
    return this.heads.length;
  }

  private resize(rows: number): void {
    if (rows === this.rows) return;
    const { inputs, hidden } = this.shape;
    this.imagesT = new Float32Array(inputs * rows);
    this.productT = new Float32Array(hidden * rows);
    this.gradientT = new Float32Array(hidden * rows);
    this.rows = rows;
  }

  /** As `CohortStep.step`: one SGD step of every run on `images` (batch x inputs), `gradientScales[m]` = -lr of run m. */
  step(images: tf.Tensor2D, labels: ArrayLike<number>, gradientScales: ArrayLike<number>): BatchLoss[] {
    const rows = labels.length;
    const { inputs, hidden } = this.shape;
    this.resize(rows);
    const { imagesT, productT, gradientT } = this;
    // On cpu the tensor's values are the host array itself: no copy.
    const x = images.dataSync() as Float32Array;
    transposeInto(x, rows, inputs, imagesT);
    const losses: BatchLoss[] = [];
    for (let m = 0; m < this.heads.length; m++) {
      const block = this.blocks[m];
      // P^T = W1^T . x^T (hidden x batch), as CohortStep's stacked product computes this run's rows.
      gemm(block, imagesT, productT, hidden, inputs, rows);
      losses.push(this.heads[m].step(productT, labels, gradientScales[m], gradientT, 0));
      // W1^T += (-lr g1)^T . x in place, rounded to float32 once per product and once per addition, as the patched kernels.
      gemm(gradientT, x, block, hidden, rows, inputs, true);
    }
    return losses;
  }

  /** As `CohortStep.evaluate`: loss and accuracy of every run on a dataset, each run's product on its own. */
  evaluate(data: DeviceDataset): { loss: number; accuracy: number }[] {
    const { inputs, hidden, classes } = this.shape;
    const count = data.count;
    if (this.evaluated?.data !== data) {
      const imagesT = new Float32Array(inputs * count);
      transposeInto(data.images.dataSync(), count, inputs, imagesT);
      this.evaluated = { data, imagesT };
    }
    const productT = new Float32Array(hidden * count);
    const hiddenRows = new Float32Array(count * hidden);
    const logits = new Float32Array(count * classes);
    return this.heads.map((head, m) => {
      gemm(this.blocks[m], this.evaluated!.imagesT, productT, hidden, inputs, count);
      // From here as CohortStep.evaluate, with this run's block at offset 0.
      for (let j = 0; j < hidden; j++) {
        const bias = head.bias1[j];
        for (let n = 0, from = j * count; n < count; n++, from++) {
          const value = productT[from] + bias;
          // relu as tfjs' keeps NaN.
          hiddenRows[n * hidden + j] = value < 0 ? 0 : value;
        }
      }
      gemm(hiddenRows, head.kernel2, logits, count, hidden, classes);
      for (let n = 0; n < count; n++) for (let c = 0; c < classes; c++) logits[n * classes + c] += head.bias2[c];
      const { lossSum, correct } = hostCrossEntropy(logits, data.classes, classes);
      return { loss: lossSum / count, accuracy: correct / count };
    });
  }

  /** Copies of every run's current parameters. */
  read(): MlpWeights[] {
    const { inputs, hidden } = this.shape;
    return this.heads.map((head, m) => {
      const kernel1 = new Float32Array(inputs * hidden);
      transposeInto(this.blocks[m], hidden, inputs, kernel1);
      return { kernel1, bias1: head.bias1.slice(), kernel2: head.kernel2.slice(), bias2: head.bias2.slice() };
    });
  }

  /** Drops the runs at the given positions (positions of the others shift down). */
  remove(positions: readonly number[]): void {
    for (const position of [...new Set(positions)].sort((a, b) => b - a)) {
      this.blocks.splice(position, 1);
      this.heads.splice(position, 1);
    }
  }

  /** Nothing to free: no tensors of its own. */
  dispose(): void {}
}
