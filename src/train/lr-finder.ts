import * as tf from '@tensorflow/tfjs';
import { oneHot } from '../data/batches.js';
import { loadMnist, NUM_CLASSES, type Dataset } from '../data/mnist.js';
import { UsageError } from '../errors.js';
import { ARTICLE_MLP, initialWeights, type MlpShape } from '../model/mlp.js';
import { selectBackend, type BackendChoice, type BackendSelection } from './backend/select.js';
import { AUTO_RULES, type LrFinderPoint, type SuggestionRule } from './lr-suggestions.js';
import { createOptimizer, disposeOptimizer, type OptimizerName } from './optimizers.js';
import {
  findLearningRate,
  LR_FINDER_DEFAULTS,
  validateLrFinderRange,
  type LrFinderConfiguration,
  type LrFinderMode,
  type LrFinderResult,
  type RangeTestOptions,
} from './range-test.js';

/**
 * The range test as find-lr and run --lr auto run it: lr-compare's MLP, data
 * and seed handed to the library's `findLearningRate` (./range-test.ts).
 */

export * from './range-test.js';

/**
 * The article's network as a tfjs-layers model with lr-compare's initial
 * weights for `seed` (those of run's first repeat). It outputs logits: the
 * loss is softmax cross-entropy from logits, unbounded as run's training and
 * PyTorch's compute it (Keras' categoricalCrossentropy clips probabilities at
 * 1e-7, capping the loss at 16.1, so a blow-up would never be non-finite).
 */
export function articleMlpModel(shape: MlpShape, seed: number): tf.Sequential {
  const weights = initialWeights(shape, seed);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: shape.hidden, activation: 'relu', inputShape: [shape.inputs] }),
      tf.layers.dense({ units: shape.classes }),
    ],
  });
  tf.tidy(() =>
    model.setWeights([
      tf.tensor2d(weights.kernel1, [shape.inputs, shape.hidden]),
      tf.tensor1d(weights.bias1),
      tf.tensor2d(weights.kernel2, [shape.hidden, shape.classes]),
      tf.tensor1d(weights.bias2),
    ]),
  );
  return model;
}

export interface MlpRangeTestOptions extends Omit<RangeTestOptions, 'shuffle'> {
  readonly optimizer: OptimizerName;
  /** Defaults to the article's 784-128-10 network with the data's input size. */
  readonly shape?: MlpShape;
}

export interface MlpRangeTestConfiguration extends LrFinderConfiguration {
  readonly optimizer: OptimizerName;
  readonly model: MlpShape;
}

/**
 * The range test `find-lr` and `run --lr auto` run: the article's MLP from
 * run's initial weights for the seed, in run's batch order for the seed,
 * through `findLearningRate` like any user's model.
 */
export async function rangeTestMlp(train: Dataset, options: MlpRangeTestOptions): Promise<LrFinderResult<MlpRangeTestConfiguration>> {
  const seed = options.seed ?? LR_FINDER_DEFAULTS.seed;
  const shape = options.shape ?? { ...ARTICLE_MLP, inputs: train.features, classes: NUM_CLASSES };
  const model = articleMlpModel(shape, seed);
  const optimizer = createOptimizer(options.optimizer, options.start ?? LR_FINDER_DEFAULTS.start);
  model.compile({ optimizer, loss: (labels: tf.Tensor, logits: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, logits) });
  const xs = tf.tensor2d(train.images, [train.count, train.features]);
  const ys = tf.tensor2d(oneHot(train.labels), [train.count, NUM_CLASSES]);
  try {
    const result = await findLearningRate(model, { xs, ys }, { ...options, seed, shuffle: true });
    return { ...result, configuration: { ...result.configuration, optimizer: options.optimizer, model: shape } };
  } finally {
    xs.dispose();
    ys.dispose();
    model.dispose();
    disposeOptimizer(optimizer);
  }
}

export interface MnistRangeTestRequest {
  /** The data options of `run`: the test trains on the split `run` trains on (the held-out part is not used). */
  readonly samples: number;
  readonly valSplit: number;
  readonly dataDir?: string;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  readonly seed: number;
  readonly backend: BackendChoice;
  readonly start?: number;
  readonly end?: number;
  readonly steps?: number;
  readonly mode?: LrFinderMode;
  readonly onBackend?: (selection: BackendSelection) => void;
  readonly onStep?: (point: LrFinderPoint, steps: number) => void;
}

export interface MnistRangeTest {
  readonly finder: LrFinderResult<MlpRangeTestConfiguration>;
  readonly backend: BackendSelection;
  /** Where the IDX files were read from. */
  readonly dataSource: string;
}

/** Loads run's training split, selects the backend and runs `rangeTestMlp`: find-lr, run --lr auto and the evaluation all come here. */
export async function mnistRangeTest(request: MnistRangeTestRequest): Promise<MnistRangeTest> {
  const start = request.start ?? LR_FINDER_DEFAULTS.start;
  const end = request.end ?? LR_FINDER_DEFAULTS.end;
  const steps = request.steps ?? LR_FINDER_DEFAULTS.steps;
  validateLrFinderRange(start, end, steps);
  // The test reads no test images; loadMnist needs at least one.
  const data = loadMnist({ dataDir: request.dataDir, samples: request.samples, valSplit: request.valSplit, testSamples: 1 });
  const backend = await selectBackend(request.backend, { patchKernels: true });
  request.onBackend?.(backend);
  const finder = await rangeTestMlp(data.train, {
    start,
    end,
    steps,
    mode: request.mode ?? LR_FINDER_DEFAULTS.mode,
    optimizer: request.optimizer,
    batchSize: request.batchSize,
    seed: request.seed,
    onStep: request.onStep,
  });
  return { finder, backend, dataSource: data.source };
}

export interface AutoLearningRateRequest extends MnistRangeTestRequest {
  /** Default: AUTO_RULES[optimizer]. */
  readonly rule?: SuggestionRule;
}

export interface AutoLearningRate {
  readonly learningRate: number;
  readonly rule: SuggestionRule;
  readonly finder: LrFinderResult<MlpRangeTestConfiguration>;
  readonly backend: BackendSelection;
}

/**
 * For `run --lr auto`: the range test with fastai's defaults on run's data and
 * seed, and the suggestion of `rule` (default AUTO_RULES[optimizer]). Throws
 * UsageError when the curve is too short to suggest anything.
 */
export async function suggestBaseLearningRate(request: AutoLearningRateRequest): Promise<AutoLearningRate> {
  const { finder, backend } = await mnistRangeTest(request);
  const rule = request.rule ?? AUTO_RULES[request.optimizer];
  const suggestion = finder.suggestions[rule];
  if (suggestion.lr === null) throw new UsageError(`--lr auto found no learning rate: ${suggestion.description}`);
  return { learningRate: suggestion.lr, rule, finder, backend };
}
