import type * as tf from '@tensorflow/tfjs';
import { createOptimizer, disposeOptimizer, setLearningRate, type OptimizerName } from '../optimizers.js';

/**
 * The update of the steps that leave it to a tfjs optimizer (momentum, Adam,
 * RMSProp, and SGD where the host step is not used): the rate each call
 * brings is set on the optimizer when it changes, then the optimizer applies
 * the gradients.
 */
export class OptimizerUpdate {
  private readonly optimizer: tf.Optimizer;
  private rate = Number.NaN;

  constructor(name: OptimizerName, baseLearningRate: number) {
    this.optimizer = createOptimizer(name, baseLearningRate);
  }

  apply(gradients: tf.NamedTensorMap, learningRate: number): void {
    if (learningRate !== this.rate) {
      setLearningRate(this.optimizer, learningRate);
      this.rate = learningRate;
    }
    this.optimizer.applyGradients(gradients);
  }

  dispose(): void {
    disposeOptimizer(this.optimizer);
  }
}
