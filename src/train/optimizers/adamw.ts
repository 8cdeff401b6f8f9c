/**
 * AdamW (Loshchilov & Hutter 2019) as a tfjs optimizer, step for step as
 * PyTorch's `torch.optim.AdamW` (amsgrad=False, maximize=False): weight decay
 * decoupled from the gradient (the weights shrink by lr x weight_decay before
 * the Adam step), bias corrections computed on the host from the CURRENT
 * beta1 and beta2 (`1 - beta ** step`, as PyTorch does, so that a schedule may
 * cycle beta1), eps added after the square root. tfjs has no AdamW; its Adam
 * also differs in eps (tfjs 1e-7 inside, PyTorch 1e-8).
 * Checked against torch.optim.AdamW (scripts/golden/generate_optimizers.py).
 */
import * as tf from '@tensorflow/tfjs';

export interface AdamWSettings {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
}

/** torch.optim.AdamW's defaults. */
export const ADAMW_DEFAULTS: AdamWSettings = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.01 };

interface Moments {
  readonly first: tf.Variable;
  readonly second: tf.Variable;
}

export class AdamWOptimizer extends tf.Optimizer {
  static get className(): string {
    return 'AdamW';
  }

  /** Read at every step: a schedule may change it (cycle_momentum). */
  beta1: number;
  private readonly moments = new Map<string, Moments>();

  constructor(
    public learningRate: number,
    private readonly settings: AdamWSettings = ADAMW_DEFAULTS,
  ) {
    super();
    this.beta1 = settings.beta1;
  }

  applyGradients(variableGradients: Parameters<tf.Optimizer['applyGradients']>[0]): void {
    const entries: [string, tf.Tensor][] = Array.isArray(variableGradients)
      ? variableGradients.map((item) => [item.name, item.tensor])
      : Object.entries(variableGradients);
    const step = this.iterations + 1;
    const { beta2, epsilon, weightDecay } = this.settings;
    const beta1 = this.beta1;
    const lr = this.learningRate;
    // Host float64 scalars, as PyTorch computes them in Python floats.
    const decayFactor = 1 - lr * weightDecay;
    const stepSize = lr / (1 - beta1 ** step);
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
    tf.tidy(() => {
      for (const [name, gradient] of entries) {
        const value = tf.engine().registeredVariables[name]!;
        const moments = this.momentsOf(name, value);
        // exp_avg.lerp_(grad, 1 - beta1); exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        const first = tf.add(moments.first, tf.mul(tf.sub(gradient, moments.first), 1 - beta1));
        const second = tf.add(tf.mul(moments.second, beta2), tf.mul(tf.square(gradient), 1 - beta2));
        const denominator = tf.add(tf.div(tf.sqrt(second), biasCorrection2Sqrt), epsilon);
        const decayed = tf.mul(value, decayFactor);
        moments.first.assign(first);
        moments.second.assign(second);
        value.assign(tf.sub(decayed, tf.mul(tf.div(first, denominator), stepSize)));
      }
    });
    this.incrementIterations();
  }

  private momentsOf(name: string, value: tf.Variable): Moments {
    let moments = this.moments.get(name);
    if (!moments) {
      moments = tf.tidy(() => ({ first: tf.zerosLike(value).variable(false), second: tf.zerosLike(value).variable(false) }));
      this.moments.set(name, moments);
    }
    return moments;
  }

  override dispose(): void {
    for (const { first, second } of this.moments.values()) {
      first.dispose();
      second.dispose();
    }
    this.moments.clear();
  }

  getConfig(): tf.serialization.ConfigDict {
    return { learningRate: this.learningRate, ...this.settings, beta1: this.beta1 };
  }

  /** A fresh copy from getConfig (the range test trains one); Serializable's default would pass the config as the rate. */
  static override fromConfig<T extends tf.serialization.Serializable>(_cls: tf.serialization.SerializableConstructor<T>, config: tf.serialization.ConfigDict): T {
    const { learningRate, beta1, beta2, epsilon, weightDecay } = config as unknown as AdamWSettings & { learningRate: number };
    return new AdamWOptimizer(learningRate, { beta1, beta2, epsilon, weightDecay }) as unknown as T;
  }
}
