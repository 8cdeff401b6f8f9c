import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/mnist.js';
import type { MlpVariables } from '../../model/network.js';
import type { OptimizerName, OptimizerSettings } from '../optimizers.js';

/**
 * How the engine trains one batch. One implementation per file in this
 * folder; `chooseStep` (choose.ts) picks one for a backend and optimizer, and
 * is the only code here that knows backend names.
 *
 *  - reference.ts: the plain backward pass with tfjs ops and a tfjs optimizer.
 *    It is the oracle: every other step is tested against it
 *    (test/train/steps.test.ts), and it against tf.variableGrads.
 *  - rows.ts: images as rows, loss and output gradient on the host, tfjs optimizer.
 *  - columns.ts: images as columns (transposed), for wasm, tfjs optimizer.
 *  - host-sgd.ts: plain SGD with the small output layer on the host.
 *  - optimizer-step.ts: what the three steps with a tfjs optimizer share.
 *
 * The life of a step, as the job drives it:
 *
 *     const step = plan.create({ variables, optimizer, baseLearningRate });
 *     for each batch:  tf.tidy(() => step.step(step.makeBatch(data, order, start, end), rate))
 *     before evaluating or reading the variables:  step.sync()
 *     at the end:  step.dispose()   (frees the step's own state; the variables stay the caller's)
 *
 * The learning rate is given to every call explicitly; a step that uses a
 * tfjs optimizer sets it there (optimizers.ts' setLearningRate) when it
 * changes, a step with its own update uses it directly.
 */
export interface TrainStep {
  /** Which implementation this is (for messages and tests), e.g. 'columns' or 'host-sgd/rows'. */
  readonly name: string;
  /** Copies the rows `order[start..end)` of `data` into a batch in this step's layout. Call inside tf.tidy. */
  makeBatch(data: Dataset, order: Uint32Array, start: number, end: number): StepBatch;
  /**
   * Trains one batch at `learningRate`: updates the weights and returns the
   * batch's loss and accuracy count computed with the weights before the
   * update. `momentum`, when given, is the momentum coefficient a schedule
   * cycles (momentum SGD's momentum, Adam's beta1); steps whose optimizer has
   * none ignore it. Call inside tf.tidy.
   */
  step(batch: StepBatch, learningRate: number, momentum?: number): BatchLoss;
  /**
   * Makes the tfjs variables hold the weights to evaluate and read (a step may
   * keep some on the host; a schedule-free optimizer swaps in its averaged
   * weights x, and the next `step` swaps its y back).
   */
  sync(): void;
  /** Frees what the step owns (its optimizer's state); not the variables. */
  dispose(): void;
}

/** A batch as a step wants it: the images on the device in the step's layout, the labels on the host. */
export interface StepBatch {
  /** size x features for row steps, features x size for column steps (see `layout`). */
  readonly images: tf.Tensor2D;
  readonly layout: BatchLayout;
  /** Class indices, one per image. */
  readonly labels: Uint8Array;
  readonly size: number;
}

export type BatchLayout = 'rows' | 'columns';

/** A batch's loss, with the weights before its update. */
export interface BatchLoss {
  /** Categorical cross-entropy summed over the batch's rows (non-finite when training has diverged). */
  readonly lossSum: number;
  /** How many rows' largest logit is at the label. */
  readonly correct: number;
}

/** What a step is created with. */
export interface StepContext {
  /** The weights being trained; they belong to the caller, which reads and disposes them. */
  readonly variables: MlpVariables;
  readonly optimizer: OptimizerName;
  /** The rate a tfjs optimizer is created with (each step call then gives the current rate). */
  readonly baseLearningRate: number;
  /** The optimizer's hyperparameters (optimizers.ts' optimizerSettings); default: the optimizer's defaults. */
  readonly settings?: OptimizerSettings;
}

/** A chosen step, not yet created: `chooseStep`'s answer. */
export interface StepPlan {
  readonly name: string;
  create(context: StepContext): TrainStep;
}
