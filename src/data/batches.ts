import * as tf from '@tensorflow/tfjs';
import { NUM_CLASSES, type Dataset } from './mnist.js';

/** One-hot rows for class indices, on the host. */
export function oneHot(labels: ArrayLike<number>, classes = NUM_CLASSES): Float32Array {
  const rows = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) rows[i * classes + labels[i]] = 1;
  return rows;
}

export function batchesPerEpoch(samples: number, batchSize: number): number {
  return Math.ceil(samples / batchSize);
}

/**
 * Copies the rows `order[start..end)` of the dataset into fresh tensors.
 * Building each batch from host arrays is several times faster on the wasm
 * backend than slicing one large device tensor per batch. The arrays are fresh
 * each time because the cpu backend keeps a reference to them.
 */
export function makeBatch(dataset: Dataset, order: Uint32Array, start: number, end: number): { images: tf.Tensor2D; labels: tf.Tensor2D } {
  const size = end - start;
  const features = dataset.features;
  const images = new Float32Array(size * features);
  const labels = new Float32Array(size * NUM_CLASSES);
  for (let row = 0; row < size; row++) {
    const sample = order[start + row];
    images.set(dataset.images.subarray(sample * features, (sample + 1) * features), row * features);
    labels[row * NUM_CLASSES + dataset.labels[sample]] = 1;
  }
  return { images: tf.tensor2d(images, [size, features]), labels: tf.tensor2d(labels, [size, NUM_CLASSES]) };
}

/** A training batch as lr-compare's own step wants it: images transposed, labels on the host. */
export interface TransposedBatch {
  /** The batch's images as columns: features x size. */
  readonly imagesT: tf.Tensor2D;
  /** Class indices, one per column of `imagesT`. */
  readonly labels: Uint8Array;
  readonly size: number;
}

/**
 * Copies the rows `order[start..end)` of the dataset into a features x size
 * tensor (one column per sample) and their class indices into a host array.
 *
 * The transposed layout is what the fast step multiplies with (see
 * `columnGradients` in src/train/steps/columns.ts): as the right-hand operand of the forward product it is
 * the smallest matrix XNNPACK has to repack each step, and it is also the
 * left-hand operand of the weight gradient, so the step never needs the
 * untransposed images. The labels stay on the host because the loss and its
 * gradient are computed there.
 */
export function makeTransposedBatch(dataset: Dataset, order: Uint32Array, start: number, end: number): TransposedBatch {
  const size = end - start;
  const features = dataset.features;
  const pixels = dataset.images;
  const imagesT = new Float32Array(features * size);
  const labels = new Uint8Array(size);
  for (let column = 0; column < size; column++) labels[column] = dataset.labels[order[start + column]];
  // Eight samples at a time: eight sequential reads and eight adjacent writes per
  // feature. One sample at a time (a write every `size` floats) takes 1.5x as long.
  let column = 0;
  for (; column + 8 <= size; column += 8) {
    const r0 = order[start + column] * features;
    const r1 = order[start + column + 1] * features;
    const r2 = order[start + column + 2] * features;
    const r3 = order[start + column + 3] * features;
    const r4 = order[start + column + 4] * features;
    const r5 = order[start + column + 5] * features;
    const r6 = order[start + column + 6] * features;
    const r7 = order[start + column + 7] * features;
    for (let feature = 0, to = column; feature < features; feature++, to += size) {
      imagesT[to] = pixels[r0 + feature];
      imagesT[to + 1] = pixels[r1 + feature];
      imagesT[to + 2] = pixels[r2 + feature];
      imagesT[to + 3] = pixels[r3 + feature];
      imagesT[to + 4] = pixels[r4 + feature];
      imagesT[to + 5] = pixels[r5 + feature];
      imagesT[to + 6] = pixels[r6 + feature];
      imagesT[to + 7] = pixels[r7 + feature];
    }
  }
  for (; column < size; column++) {
    const from = order[start + column] * features;
    for (let feature = 0, to = column; feature < features; feature++, to += size) imagesT[to] = pixels[from + feature];
  }
  return { imagesT: tf.tensor2d(imagesT, [features, size]), labels, size };
}

/** A training batch in the natural layout: images as rows, labels on the host. */
export interface RowBatch {
  /** size x features. */
  readonly images: tf.Tensor2D;
  readonly labels: Uint8Array;
  readonly size: number;
}

/** Copies the rows `order[start..end)` into a size x features tensor and their class indices into a host array. */
export function makeRowBatch(dataset: Dataset, order: Uint32Array, start: number, end: number): RowBatch {
  const size = end - start;
  const features = dataset.features;
  const images = new Float32Array(size * features);
  const labels = new Uint8Array(size);
  for (let row = 0; row < size; row++) {
    const sample = order[start + row];
    images.set(dataset.images.subarray(sample * features, (sample + 1) * features), row * features);
    labels[row] = dataset.labels[sample];
  }
  return { images: tf.tensor2d(images, [size, features]), labels, size };
}

/** A dataset held on the device for evaluation, built once per process and shared by all jobs. */
export class DeviceDataset {
  readonly images: tf.Tensor2D;
  /** One-hot rows (for callers that compute the loss with tfjs ops). */
  readonly labels: tf.Tensor2D;
  /** Class indices on the host (evaluation computes the loss there). */
  readonly classes: Uint8Array;
  readonly count: number;

  constructor(dataset: Dataset) {
    this.count = dataset.count;
    this.images = tf.tensor2d(dataset.images, [dataset.count, dataset.features]);
    this.labels = tf.tensor2d(oneHot(dataset.labels), [dataset.count, NUM_CLASSES]);
    this.classes = dataset.labels.slice(0, dataset.count);
  }

  dispose(): void {
    this.images.dispose();
    this.labels.dispose();
  }
}
