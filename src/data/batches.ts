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

/** A dataset held on the device for evaluation, built once per process and shared by all jobs. */
export class DeviceDataset {
  readonly images: tf.Tensor2D;
  readonly labels: tf.Tensor2D;
  readonly count: number;

  constructor(dataset: Dataset) {
    this.count = dataset.count;
    this.images = tf.tensor2d(dataset.images, [dataset.count, dataset.features]);
    this.labels = tf.tensor2d(oneHot(dataset.labels), [dataset.count, NUM_CLASSES]);
  }

  dispose(): void {
    this.images.dispose();
    this.labels.dispose();
  }
}
