import * as tf from '@tensorflow/tfjs';
import type { MlpShape, MlpWeights } from '../../model/mlp.js';
import type { OptimizerSettings } from '../optimizers.js';
import { CohortHead } from './cohort-head.js';
import type { CohortUpdate } from './cohort.js';
import { DEVICE, HOST, stackedRule, type AnyStackedRule, type CohortOptimizerName, type HostValue, type RunHyperparameters } from './optimizer-rules.js';

/**
 * A cohort run's head with an optimizer of its own: the small layers'
 * optimizer state (per parameter: kernel2, bias1, bias2) lives here on the
 * host beside the weights, and this step's coefficients are the run's own.
 */
class OptimizerHead extends CohortHead {
  readonly hyperparameters: RunHyperparameters<string>;
  /** This step's coefficients (`CohortOptimizer.schedule` sets them before each step; the first layer's update reads them too). */
  coefficients: Readonly<Record<string, number>> | undefined;
  private readonly slots: { kernel2: HostValue[]; bias1: HostValue[]; bias2: HostValue[] };

  constructor(
    shape: MlpShape,
    weights: MlpWeights,
    private readonly rule: AnyStackedRule,
  ) {
    super(shape, weights);
    this.hyperparameters = rule.createRun();
    const zeros = (length: number) => Array.from({ length: rule.slots }, () => new Float32Array(length));
    this.slots = { kernel2: zeros(shape.hidden * shape.classes), bias1: zeros(shape.hidden), bias2: zeros(shape.classes) };
  }

  protected override update(): void {
    const coefficients = this.coefficients;
    if (!coefficients) throw new Error('a cohort head with an optimizer was stepped without its coefficients');
    // The gradients as float32 tensors would hold them: bias sums were kept in double precision.
    this.updateParameter(this.kernel2, this.kernel2Gradient, 'kernel2', coefficients);
    this.updateParameter(this.bias1, Float32Array.from(this.bias1Gradient), 'bias1', coefficients);
    this.updateParameter(this.bias2, Float32Array.from(this.bias2Gradient), 'bias2', coefficients);
  }

  private updateParameter(value: Float32Array, gradient: Float32Array, name: 'kernel2' | 'bias1' | 'bias2', coefficients: Readonly<Record<string, number>>): void {
    const result = this.rule.update(HOST, value, gradient, this.slots[name], coefficients);
    value.set(result.value as Float32Array);
    this.slots[name] = result.slots;
  }
}

/**
 * Momentum SGD, Adam, RMSProp or AdamW for a cohort (`CohortStep`'s
 * `CohortUpdate`), with the per-run path's arithmetic (optimizer-rules.ts):
 *
 *  - the first layer's state is stacked like its weights: one variable per
 *    state slot, (runs * hidden) x inputs, run m's in rows m*hidden ..
 *    (m+1)*hidden; each step updates it with one set of tensor operations for
 *    all runs, the per-run coefficients (rate, momentum, bias corrections) as
 *    a (runs * hidden) x 1 column, or as one scalar when every run has the
 *    same (constants such as beta2, or equal rates), which is the same
 *    arithmetic and a cheaper broadcast;
 *  - the output layer's and the biases' state is per run on the host, in
 *    that run's head, updated with the same rule on host arrays.
 *
 * A run's rows of a product never mix with another run's, nor do its rows of
 * these elementwise updates: a run that diverges leaves the others as they
 * were, and its rows are dropped with it (`remove`).
 */
export class CohortOptimizer implements CohortUpdate {
  private readonly rule: AnyStackedRule;
  private readonly heads: OptimizerHead[] = [];
  /** The first layer's state slots, stacked; created with the first step (zeros, as tfjs creates them). */
  private slots: tf.Variable[] | undefined;

  constructor(
    readonly optimizer: CohortOptimizerName,
    settings: OptimizerSettings,
    private readonly hidden: number,
  ) {
    this.rule = stackedRule(optimizer, settings);
  }

  createHead(shape: MlpShape, weights: MlpWeights): CohortHead {
    const head = new OptimizerHead(shape, weights, this.rule);
    this.heads.push(head);
    return head;
  }

  /**
   * Gives run `position` (its place in the cohort now) this step's rate and
   * scheduled momentum, as the per-run step gives them to its optimizer.
   * Returns the gradient scale its head is to be stepped with: 1 (raw gradients).
   */
  schedule(position: number, rate: number, momentum: number | undefined): number {
    const head = this.heads[position];
    head.coefficients = head.hyperparameters.next(rate, momentum);
    return 1;
  }

  updateFirstLayer(kernel1T: tf.Variable, gradient: tf.Tensor): void {
    const slots = (this.slots ??= Array.from({ length: this.rule.slots }, () => tf.tidy(() => tf.zerosLike(kernel1T).variable(false))));
    const coefficients: Record<string, tf.Tensor> = {};
    for (const key of this.rule.keys) coefficients[key] = this.column(key);
    const result = this.rule.update(DEVICE, kernel1T, gradient, slots, coefficients);
    result.slots.forEach((slot, index) => slots[index].assign(slot));
    kernel1T.assign(result.value);
  }

  /** Coefficient `key` of every run: one scalar if they are all equal, else a column with each run's value on its rows. */
  private column(key: string): tf.Tensor {
    const values = this.heads.map((head) => {
      const value = head.coefficients?.[key];
      if (value === undefined) throw new Error(`cohort run has no coefficient '${key}' for this step`);
      return value;
    });
    if (values.every((value) => Object.is(value, values[0]))) return tf.scalar(values[0]);
    const column = new Float32Array(values.length * this.hidden);
    values.forEach((value, m) => column.fill(value, m * this.hidden, (m + 1) * this.hidden));
    return tf.tensor2d(column, [column.length, 1]);
  }

  remove(positions: readonly number[]): void {
    if (positions.length === 0) return;
    const dropped = new Set(positions);
    if (this.slots) {
      const keep: number[] = [];
      for (let m = 0; m < this.heads.length; m++) if (!dropped.has(m)) for (let j = 0; j < this.hidden; j++) keep.push(m * this.hidden + j);
      this.slots = this.slots.map((slot) => {
        const kept = tf.tidy(() => tf.gather(slot, tf.tensor1d(keep, 'int32'), 0));
        slot.dispose();
        const variable = kept.variable(false);
        kept.dispose();
        return variable;
      });
    }
    for (const position of [...dropped].sort((a, b) => b - a)) this.heads.splice(position, 1);
  }

  dispose(): void {
    for (const slot of this.slots ?? []) slot.dispose();
    this.slots = undefined;
  }
}
