import type * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../../data/mnist.js';
import type { MlpVariables } from '../../model/network.js';
import { setLearningRate } from '../../callbacks/optimizer-rate.js';
import { setMomentum } from '../../callbacks/optimizer-momentum.js';
import { createOptimizer, disposeOptimizer, useEvaluationWeights, useTrainingWeights } from '../optimizers.js';
import type { BatchLoss, StepBatch, StepContext, TrainStep } from './train-step.js';

/** A batch's loss (weights before the update) and the gradients of the mean loss, keyed by variable name. */
export interface LossAndGradients {
  readonly loss: BatchLoss;
  readonly gradients: tf.NamedTensorMap;
}

/**
 * What the steps that leave the update to a tfjs optimizer share (momentum,
 * Adam, RMSProp, and SGD where the host step is not used): a subclass says how
 * a batch is laid out and how its gradients are computed; the rate each call
 * brings is set on the optimizer when it changes, then the optimizer applies
 * the gradients. The optimizer is the step's own and is freed with it.
 */
export abstract class OptimizerStep implements TrainStep {
  abstract readonly name: string;
  protected readonly variables: MlpVariables;
  private readonly optimizer: tf.Optimizer;
  private rate = Number.NaN;
  private momentum = Number.NaN;

  constructor(context: StepContext) {
    this.variables = context.variables;
    this.optimizer = createOptimizer(context.optimizer, context.baseLearningRate, context.settings);
  }

  abstract makeBatch(data: Dataset, order: Uint32Array, start: number, end: number): StepBatch;

  /** The batch's loss and gradients, with the current weights. Called inside tf.tidy. */
  protected abstract gradientsOf(batch: StepBatch): LossAndGradients;

  step(batch: StepBatch, learningRate: number, momentum?: number): BatchLoss {
    // A schedule-free optimizer takes gradients at y; sync() may have left x (the averaged weights) in the variables.
    useTrainingWeights(this.optimizer);
    const { loss, gradients } = this.gradientsOf(batch);
    if (learningRate !== this.rate) {
      setLearningRate(this.optimizer, learningRate);
      this.rate = learningRate;
    }
    if (momentum !== undefined && momentum !== this.momentum) {
      setMomentum(this.optimizer, momentum);
      this.momentum = momentum;
    }
    this.optimizer.applyGradients(gradients);
    return loss;
  }

  /** The weights to evaluate: schedule-free's averaged x (the package's optimizer.eval()); others hold them already. */
  sync(): void {
    useEvaluationWeights(this.optimizer);
  }

  dispose(): void {
    disposeOptimizer(this.optimizer);
  }
}
