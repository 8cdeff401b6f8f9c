import type { DeviceDataset } from '../../data/batches.js';
import type { Dataset } from '../../data/mnist.js';
import type { MlpShape, MlpWeights } from '../../model/mlp.js';
import { CohortHead, evaluateHead, runWeights } from './cohort-head.js';
import type { BatchLoss } from './train-step.js';
import { CohortKernels } from './wasm/kernels.js';

/** Samples per strip of an evaluation set: 784 x 64 floats (200 kB) stay in a core's L2 cache. */
const EVALUATION_STRIP = 64;

/** Rounds up to a multiple of 8: the forward kernel's column tile. */
function padded(count: number): number {
  return Math.ceil(count / 8) * 8;
}

/**
 * The cohort step (cohort.ts, `CohortStep`) on the wasm backend, with the
 * first layer in lr-compare's own WebAssembly SIMD kernels
 * (wasm/kernels.ts) instead of tfjs ops: the same layout (run m's W1^T in
 * rows m*hidden .. (m+1)*hidden of one stacked matrix), the same host heads
 * (`CohortHead`), and the same arithmetic in the same order, so the same
 * numbers bit for bit (test/train/cohort-wasm.test.ts).
 *
 * Per step: the batch is written into the kernels' memory twice (as rows for
 * the weight gradient, as columns for the forward product), the forward
 * product P^T = W1s^T . x^T is read by the heads in place, the heads write
 * their scaled hidden gradients in place, and the update W1s^T += G^T . x adds
 * each gradient tile into the weights as it is computed. No tensor is made,
 * no operand is transposed or repacked, and the 4-byte-per-weight gradient
 * matrix is never written out.
 *
 * Memory (in floats): [stacked W1^T | evaluation set as columns | scratch].
 */
export class WasmCohortStep {
  private readonly kernels = new CohortKernels();
  private readonly heads: CohortHead[];
  private readonly weightFloats: number;
  private evaluationSource: DeviceDataset | undefined;
  private evaluationColumns = 0;

  constructor(
    readonly shape: MlpShape,
    weights: MlpWeights,
    runs: number,
  ) {
    const { inputs, hidden } = shape;
    if (!WasmCohortStep.fits(shape)) throw new Error(`the wasm cohort kernels need hidden units a multiple of 4 and inputs a multiple of 8, got ${hidden} and ${inputs}`);
    this.weightFloats = runs * hidden * inputs;
    this.kernels.reserve(this.weightFloats);
    const stacked = this.kernels.floats(0, this.weightFloats);
    for (let i = 0; i < inputs; i++) for (let j = 0; j < hidden; j++) stacked[j * inputs + i] = weights.kernel1[i * hidden + j];
    const block = hidden * inputs;
    for (let m = 1; m < runs; m++) stacked.copyWithin(m * block, 0, block);
    this.heads = Array.from({ length: runs }, () => new CohortHead(shape, weights));
  }

  /** Whether the kernels' tiles fit the network (MNIST's 784 inputs and 128 hidden units do) and this engine has WebAssembly SIMD. */
  static fits(shape: MlpShape): boolean {
    return shape.hidden % 4 === 0 && shape.inputs % 8 === 0 && CohortKernels.available();
  }

  get size(): number {
    return this.heads.length;
  }

  /** Where the scratch space starts: after the weights (their initial size: they only shrink) and the evaluation set. */
  private get scratch(): number {
    return this.weightFloats + this.shape.inputs * this.evaluationColumns;
  }

  /** One SGD step of every run on the rows `order[start..end)` of `data`; as `CohortStep.trainOn`. */
  trainOn(data: Dataset, order: Uint32Array, start: number, end: number, gradientScales: ArrayLike<number>): BatchLoss[] {
    const { inputs, hidden } = this.shape;
    const rows = end - start;
    const columns = padded(rows);
    const stackedRows = this.heads.length * hidden;
    const rowsAt = this.scratch;
    const columnsAt = rowsAt + rows * inputs;
    const productAt = columnsAt + columns * inputs;
    const gradientAt = productAt + stackedRows * columns;
    this.kernels.reserve(gradientAt + stackedRows * rows);
    const images = this.kernels.floats(rowsAt, rows * inputs);
    const imagesT = this.kernels.floats(columnsAt, columns * inputs);
    const labels = new Uint8Array(rows);
    const pixels = data.images;
    for (let r = 0; r < rows; r++) {
      const sample = order[start + r];
      labels[r] = data.labels[sample];
      images.set(pixels.subarray(sample * inputs, (sample + 1) * inputs), r * inputs);
    }
    if (columns !== rows) imagesT.fill(0);
    for (let r = 0; r < rows; r++) for (let i = 0, from = r * inputs, to = r; i < inputs; i++, to += columns) imagesT[to] = images[from + i];
    this.kernels.forward(0, columnsAt, productAt, stackedRows, inputs, columns);
    let productT = this.kernels.floats(productAt, stackedRows * columns);
    if (columns !== rows) {
      // The heads want each run's block as hidden x rows: drop the padding columns.
      const compact = new Float32Array(stackedRows * rows);
      for (let j = 0; j < stackedRows; j++) compact.set(productT.subarray(j * columns, j * columns + rows), j * rows);
      productT = compact;
    }
    const gradientT = this.kernels.floats(gradientAt, stackedRows * rows);
    const blockSize = hidden * rows;
    const losses: BatchLoss[] = [];
    for (let m = 0; m < this.heads.length; m++) {
      const offset = m * blockSize;
      losses.push(this.heads[m].step(productT.subarray(offset, offset + blockSize), labels, gradientScales[m], gradientT, offset));
    }
    this.kernels.update(0, gradientAt, rowsAt, stackedRows, rows, inputs);
    return losses;
  }

  /**
   * Loss and accuracy of every run on a dataset; as `CohortStep.evaluate`.
   * The set's images are kept as columns in strips of EVALUATION_STRIP
   * samples (inputs x strip each, contiguous), and each run's product is
   * computed strip by strip: a strip and one run's weights stay in the
   * cache, where the whole set (6 MB for 2,000 samples) would be streamed
   * from memory once per four hidden units.
   */
  evaluate(data: DeviceDataset): { loss: number; accuracy: number }[] {
    const { inputs, hidden } = this.shape;
    const count = data.count;
    const columns = padded(count);
    if (this.evaluationSource !== data) {
      // Once per dataset.
      const rows = data.images.dataSync() as Float32Array;
      this.evaluationSource = data;
      this.evaluationColumns = columns;
      this.kernels.reserve(this.scratch);
      const strips = this.kernels.floats(this.weightFloats, inputs * columns).fill(0);
      for (let n = 0; n < count; n++) {
        const strip = Math.floor(n / EVALUATION_STRIP) * EVALUATION_STRIP;
        const width = Math.min(EVALUATION_STRIP, columns - strip);
        for (let i = 0, from = n * inputs, to = strip * inputs + (n - strip); i < inputs; i++, to += width) strips[to] = rows[from + i];
      }
    }
    const productAt = this.scratch;
    this.kernels.reserve(productAt + hidden * columns);
    return this.heads.map((head, m) => {
      // One run at a time: a hidden x samples product, however many runs.
      for (let strip = 0; strip < columns; strip += EVALUATION_STRIP) {
        const width = Math.min(EVALUATION_STRIP, columns - strip);
        this.kernels.forward(m * hidden * inputs, this.weightFloats + strip * inputs, productAt + strip, hidden, inputs, width, columns);
      }
      return evaluateHead(head, this.kernels.floats(productAt, hidden * columns), 0, columns, data.classes, count);
    });
  }

  /** Host copies of every run's current parameters. */
  read(): MlpWeights[] {
    const { inputs, hidden } = this.shape;
    return runWeights(this.kernels.floats(0, this.heads.length * hidden * inputs), this.heads, this.shape);
  }

  /** Drops the runs at the given positions (positions of the others shift down). */
  remove(positions: readonly number[]): void {
    if (positions.length === 0) return;
    const dropped = new Set(positions);
    const block = this.shape.hidden * this.shape.inputs;
    const stacked = this.kernels.floats(0, this.heads.length * block);
    let kept = 0;
    for (let m = 0; m < this.heads.length; m++) {
      if (dropped.has(m)) continue;
      if (kept !== m) stacked.copyWithin(kept * block, m * block, (m + 1) * block);
      kept++;
    }
    for (const position of [...dropped].sort((a, b) => b - a)) this.heads.splice(position, 1);
  }

  dispose(): void {}
}
