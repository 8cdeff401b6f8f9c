/**
 * Schedule-Free SGD and AdamW (Defazio et al. 2024, "The Road Less
 * Scheduled", arXiv 2405.15682) as tfjs optimizers, operation for operation as
 * the `schedulefree` package's SGDScheduleFree and AdamWScheduleFree (1.4.x).
 *
 * Three sequences: z (plain SGD/Adam steps), x (the weighted average of z: the
 * weights to evaluate) and y = (1 - beta) z + beta x (where gradients are
 * taken). The variables hold y while training and x while evaluating:
 * `useEvaluationWeights()` is the package's `optimizer.eval()`,
 * `useTrainingWeights()` its `optimizer.train()`; like the package, a step in
 * evaluation mode is refused. Only z (and AdamW's second moment) is stored.
 * Warmup is the package's own (`warmup_steps`, the rate ramps (k+1)/warmup);
 * the rate each step brings (the run's schedule) is the package's group lr.
 * Checked against the package (scripts/golden/generate_optimizers.py).
 */
import * as tf from '@tensorflow/tfjs';

export interface ScheduleFreeSettings {
  /** SGD's momentum / AdamW's beta1: the interpolation between z and x. */
  readonly beta: number;
  /** AdamW only. */
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
  readonly warmupSteps: number;
  /** The package's r and weight_lr_power: step k's weight in the average is (k+1)^r x lr_max^power. */
  readonly r: number;
  readonly weightLrPower: number;
}

/** The package's defaults (warmup aside: 0 there, set per run here). */
export const SCHEDULE_FREE_DEFAULTS: ScheduleFreeSettings = { beta: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0, warmupSteps: 0, r: 0, weightLrPower: 2 };

interface State {
  readonly z: tf.Variable;
  /** AdamW's exp_avg_sq. */
  readonly secondMoment?: tf.Variable;
}

export class ScheduleFreeOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'ScheduleFree';
  }

  private readonly state = new Map<string, State>();
  private k = 0;
  private lrMax = -1;
  private weightSum = 0;
  /** The package starts in evaluation mode (train_mode=False) and needs train() before a step. */
  private training = false;

  constructor(
    public learningRate: number,
    readonly variant: 'sgd' | 'adamw',
    private readonly settings: ScheduleFreeSettings = SCHEDULE_FREE_DEFAULTS,
  ) {
    super();
  }

  override getClassName(): string {
    return this.variant === 'sgd' ? 'ScheduleFreeSGD' : 'ScheduleFreeAdamW';
  }

  /** The package's optimizer.train(): the variables go from x to y. */
  useTrainingWeights(): void {
    if (this.training) return;
    this.lerpTowardZ(1 - this.settings.beta);
    this.training = true;
  }

  /** The package's optimizer.eval(): the variables go from y to x, the weights to evaluate. */
  useEvaluationWeights(): void {
    if (!this.training) return;
    this.lerpTowardZ(1 - 1 / this.settings.beta);
    this.training = false;
  }

  get inTrainingMode(): boolean {
    return this.training;
  }

  private lerpTowardZ(weight: number): void {
    tf.tidy(() => {
      for (const [name, { z }] of this.state) {
        const value = tf.engine().registeredVariables[name]!;
        value.assign(lerp(value, z, weight));
      }
    });
  }

  applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    if (!this.training) throw new Error('a schedule-free optimizer must be in training mode (useTrainingWeights) before a step');
    const entries: [string, tf.Tensor][] = Array.isArray(variableGradients)
      ? variableGradients.map((item) => [item.name, item.tensor])
      : Object.entries(variableGradients);
    const { beta, beta2, epsilon, weightDecay, warmupSteps, r, weightLrPower } = this.settings;
    const k = this.k;
    // The package's step, in Python floats (here float64), then tensors in float32.
    const schedule = k < warmupSteps ? (k + 1) / warmupSteps : 1.0;
    const lr = this.learningRate * schedule;
    this.lrMax = Math.max(lr, this.lrMax);
    const weight = (k + 1) ** r * this.lrMax ** weightLrPower;
    this.weightSum += weight;
    const ckp1 = this.weightSum === 0 ? 0 : weight / this.weightSum;
    const biasCorrection2 = 1 - beta2 ** (k + 1);
    tf.tidy(() => {
      for (const [name, gradient] of entries) {
        const y = tf.engine().registeredVariables[name]!;
        const state = this.stateOf(name, y);
        let direction: tf.Tensor = gradient;
        if (this.variant === 'adamw') {
          const second = tf.add(tf.mul(state.secondMoment!, beta2), tf.mul(tf.square(gradient), 1 - beta2));
          state.secondMoment!.assign(second);
          direction = tf.div(gradient, tf.add(tf.sqrt(tf.div(second, biasCorrection2)), epsilon));
        }
        // SGD: decay added to the gradient; AdamW: to the normalised gradient (both "at y").
        if (weightDecay !== 0) direction = tf.add(direction, tf.mul(y, weightDecay));
        const interpolated = lerp(y, state.z, ckp1);
        y.assign(tf.add(interpolated, tf.mul(direction, lr * (beta * (1 - ckp1) - 1))));
        state.z.assign(tf.sub(state.z, tf.mul(direction, lr)));
      }
    });
    this.k = k + 1;
    this.incrementIterations();
  }

  private stateOf(name: string, value: tf.Variable): State {
    let state = this.state.get(name);
    if (!state) {
      state = tf.tidy(() => ({
        z: value.clone().variable(false),
        ...(this.variant === 'adamw' ? { secondMoment: tf.zerosLike(value).variable(false) } : {}),
      }));
      this.state.set(name, state);
    }
    return state;
  }

  override dispose(): void {
    for (const { z, secondMoment } of this.state.values()) {
      z.dispose();
      secondMoment?.dispose();
    }
    this.state.clear();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, variant: this.variant, ...this.settings };
  }

  /** A fresh copy from getConfig (the range test trains one), in training mode like createOptimizer's. */
  static override fromConfig<T extends tf.serialization.Serializable>(_cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    const { learningRate, variant, ...settings } = config as unknown as ScheduleFreeSettings & { learningRate: number; variant: 'sgd' | 'adamw' };
    const copy = new ScheduleFreeOptimizer(learningRate, variant, settings);
    copy.useTrainingWeights();
    return copy as unknown as T;
  }
}

/** torch.lerp: start + weight (end - start), computed from the nearer end as PyTorch does for weight >= 0.5. */
function lerp(start: tf.Tensor, end: tf.Tensor, weight: number): tf.Tensor {
  return Math.abs(weight) < 0.5 ? tf.add(start, tf.mul(tf.sub(end, start), weight)) : tf.sub(end, tf.mul(tf.sub(end, start), 1 - weight));
}
