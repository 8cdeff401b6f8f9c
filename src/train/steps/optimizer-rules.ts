/**
 * One file (over 300 lines) because the four rules, the two arithmetics they
 * run on and the per-run scalar state are read side by side against tfjs'
 * optimizer sources; split, a rule would sit apart from the conventions
 * (float32 rounding of every coefficient) it depends on.
 *
 * The update rules of momentum SGD, Adam, RMSProp and AdamW written once,
 * over an abstract float32 arithmetic, so that the cohort applies the very
 * same formula to its stacked first layer on the backend (tensors, one row
 * block per run, per-run coefficients as a column) and to each run's small
 * output layer and biases on the host (Float32Arrays): `DEVICE` and `HOST`.
 *
 * Each rule is the per-run path's optimizer, operation for operation and in
 * the same order, so that with the same gradient every element comes out
 * bit for bit the same (test/train/optimizer-rules.test.ts checks that
 * against the optimizers themselves):
 *  - momentum: tfjs-core 4.22 MomentumOptimizer (no Nesterov), rate and
 *    momentum as cached float32 scalars `c = -lr` and `m`;
 *  - adam: tfjs AdamOptimizer, bias correction through the float32 running
 *    products accBeta1/accBeta2 (reset to beta1^(step) when a schedule sets
 *    beta1, as callbacks/optimizer-momentum.ts does);
 *  - rmsprop: tfjs RMSPropOptimizer, epsilon inside the square root, the
 *    rate inside the momentum buffer, the centered variant's epsilon added to
 *    the squared mean gradient;
 *  - adamw: lr-compare's AdamWOptimizer (optimizers/adamw.ts), its host
 *    scalars in double precision.
 * The hyperparameters come from the optimizer the per-run path would create
 * (`createOptimizer(...).getConfig()`), so the two cannot drift apart.
 *
 * `RunHyperparameters` stands in for one run's optimizer object: the scalar
 * state tfjs keeps beside the tensors (iterations, accBeta, the last rate and
 * momentum set), advanced once per step, giving that step's coefficients.
 */
import * as tf from '@tensorflow/tfjs';
import { createOptimizer, disposeOptimizer, type OptimizerName, type OptimizerSettings } from '../optimizers.js';

/** Elementwise float32 arithmetic with broadcasting of coefficients: tensors, or host arrays and numbers. */
export interface Float32Algebra<T> {
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  sqrt(a: T): T;
  square(a: T): T;
}

export const DEVICE: Float32Algebra<tf.Tensor> = {
  add: (a, b) => tf.add(a, b),
  sub: (a, b) => tf.sub(a, b),
  mul: (a, b) => tf.mul(a, b),
  div: (a, b) => tf.div(a, b),
  sqrt: (a) => tf.sqrt(a),
  square: (a) => tf.square(a),
};

/** A host value: an array of float32 elements, or a float32 coefficient (already rounded, as a tfjs scalar holds it). */
export type HostValue = Float32Array | number;

const enum Op {
  Add,
  Sub,
  Mul,
  Div,
}

function apply(op: Op, x: number, y: number): number {
  switch (op) {
    case Op.Add:
      return x + y;
    case Op.Sub:
      return x - y;
    case Op.Mul:
      return x * y;
    case Op.Div:
      return x / y;
  }
}

/**
 * One float32 operation on host values. Each operation is computed in double
 * precision and rounded once to float32 (by the Float32Array store or
 * Math.fround): for +, -, *, / and sqrt that is the correctly rounded float32
 * result, what a float32 backend computes.
 */
function binary(op: Op, a: HostValue, b: HostValue): HostValue {
  if (typeof a === 'number' && typeof b === 'number') return Math.fround(apply(op, a, b));
  const length = typeof a === 'number' ? (b as Float32Array).length : a.length;
  const out = new Float32Array(length);
  if (typeof a === 'number') {
    const ys = b as Float32Array;
    for (let i = 0; i < length; i++) out[i] = apply(op, a, ys[i]);
  } else if (typeof b === 'number') {
    for (let i = 0; i < length; i++) out[i] = apply(op, a[i], b);
  } else {
    for (let i = 0; i < length; i++) out[i] = apply(op, a[i], b[i]);
  }
  return out;
}

function unary(a: HostValue, f: (x: number) => number): HostValue {
  if (typeof a === 'number') return Math.fround(f(a));
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = f(a[i]);
  return out;
}

export const HOST: Float32Algebra<HostValue> = {
  add: (a, b) => binary(Op.Add, a, b),
  sub: (a, b) => binary(Op.Sub, a, b),
  mul: (a, b) => binary(Op.Mul, a, b),
  div: (a, b) => binary(Op.Div, a, b),
  sqrt: (a) => unary(a, Math.sqrt),
  square: (a) => unary(a, (x) => x * x),
};

/** The new value of a parameter and of its state slots. */
export interface RuleResult<T> {
  readonly value: T;
  readonly slots: T[];
}

/** One step's coefficients, by name; host: float32-rounded numbers, device: scalars or per-run columns. */
export type Coefficients<K extends string, T> = Readonly<Record<K, T>>;

/** One run's scalar optimizer state: each call is one step, at that step's rate and (cycled) momentum. */
export interface RunHyperparameters<K extends string> {
  /**
   * The coefficients of this step, as the per-run step would set them
   * (OptimizerStep: the rate every step, the momentum when the schedule gives
   * one that differs from the last), then advances to the next step.
   */
  next(rate: number, momentum: number | undefined): Coefficients<K, number>;
}

export interface StackedRule<K extends string> {
  readonly optimizer: CohortOptimizerName;
  /** State tensors per parameter (momentum's velocity, Adam's two moments, ...). */
  readonly slots: number;
  /** The coefficients' names, in a fixed order. */
  readonly keys: readonly K[];
  createRun(): RunHyperparameters<K>;
  /** One step of `value` with `gradient` (the mean loss's). Call inside tf.tidy for tensors. */
  update<T>(ops: Float32Algebra<T>, value: T, gradient: T, slots: readonly T[], c: Coefficients<K, T>): RuleResult<T>;
}

/** The optimizers the cohort trains besides plain SGD. */
export const COHORT_OPTIMIZERS = ['momentum', 'adam', 'rmsprop', 'adamw'] as const;
export type CohortOptimizerName = (typeof COHORT_OPTIMIZERS)[number];

export function isCohortOptimizer(name: OptimizerName): name is CohortOptimizerName {
  return (COHORT_OPTIMIZERS as readonly string[]).includes(name);
}

const f = Math.fround;

/**
 * A run's momentum (or Adam's beta1): the optimizer's own until a schedule gives one, then the
 * schedule's. As OptimizerStep applies it, only a change is set.
 */
class ScheduledMomentum {
  private last = Number.NaN;
  constructor(public value: number) {}
  /** Takes the momentum the schedule gives this step; true when it changed what the optimizer uses. */
  follow(momentum: number | undefined): boolean {
    if (momentum === undefined || momentum === this.last) return false;
    this.last = momentum;
    this.value = momentum;
    return true;
  }
}

type MomentumKey = 'momentum' | 'negativeRate';
function momentumRule(config: { momentum: number; useNesterov?: boolean }): StackedRule<MomentumKey> {
  if (config.useNesterov) throw new Error('the cohort has no Nesterov momentum: the per-run optimizer would not be matched');
  return {
    optimizer: 'momentum',
    slots: 1,
    keys: ['momentum', 'negativeRate'],
    createRun() {
      // tfjs keeps `m` as a float32 scalar; setMomentum (optimizer-momentum.ts) replaces it unless the value is the same.
      const momentum = new ScheduledMomentum(config.momentum);
      return {
        next(rate, scheduled) {
          momentum.follow(scheduled);
          return { momentum: f(momentum.value), negativeRate: f(-rate) };
        },
      };
    },
    update(ops, value, gradient, [accumulation], c) {
      // newAccumulation = m * accumulation + g; value' = c * newAccumulation + value
      const newAccumulation = ops.add(ops.mul(c.momentum, accumulation), gradient);
      return { value: ops.add(ops.mul(c.negativeRate, newAccumulation), value), slots: [newAccumulation] };
    },
  };
}

type AdamKey = 'beta1' | 'oneMinusBeta1' | 'beta2' | 'oneMinusBeta2' | 'oneMinusAccBeta1' | 'oneMinusAccBeta2' | 'epsilon' | 'negativeRate';
function adamRule(config: { beta1: number; beta2: number; epsilon: number }): StackedRule<AdamKey> {
  return {
    optimizer: 'adam',
    slots: 2,
    keys: ['beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'oneMinusAccBeta1', 'oneMinusAccBeta2', 'epsilon', 'negativeRate'],
    createRun() {
      const { beta2, epsilon } = config;
      const scheduledBeta1 = new ScheduledMomentum(config.beta1);
      // tfjs' float32 variables accBeta1 = beta1^t, accBeta2 = beta2^t, multiplied after each step.
      let accBeta1 = f(config.beta1);
      let accBeta2 = f(beta2);
      let iterations = 0;
      return {
        next(rate, scheduled) {
          if (scheduledBeta1.follow(scheduled)) accBeta1 = f(scheduledBeta1.value ** (iterations + 1));
          const beta1 = scheduledBeta1.value;
          const coefficients = {
            beta1: f(beta1),
            oneMinusBeta1: f(1 - beta1),
            beta2: f(beta2),
            oneMinusBeta2: f(1 - beta2),
            oneMinusAccBeta1: f(1 - accBeta1),
            oneMinusAccBeta2: f(1 - accBeta2),
            epsilon: f(epsilon),
            negativeRate: f(-rate),
          };
          accBeta1 = f(accBeta1 * f(beta1));
          accBeta2 = f(accBeta2 * f(beta2));
          iterations++;
          return coefficients;
        },
      };
    },
    update(ops, value, gradient, [first, second], c) {
      const newFirst = ops.add(ops.mul(first, c.beta1), ops.mul(gradient, c.oneMinusBeta1));
      const newSecond = ops.add(ops.mul(second, c.beta2), ops.mul(ops.square(gradient), c.oneMinusBeta2));
      const correctedFirst = ops.div(newFirst, c.oneMinusAccBeta1);
      const correctedSecond = ops.div(newSecond, c.oneMinusAccBeta2);
      const newValue = ops.add(ops.mul(ops.div(correctedFirst, ops.add(ops.sqrt(correctedSecond), c.epsilon)), c.negativeRate), value);
      return { value: newValue, slots: [newFirst, newSecond] };
    },
  };
}

type RmsPropKey = 'decay' | 'oneMinusDecay' | 'momentum' | 'rate' | 'epsilon';
function rmsPropRule(config: { decay: number; momentum: number; epsilon: number; centered: boolean }): StackedRule<RmsPropKey> {
  const { centered } = config;
  return {
    optimizer: 'rmsprop',
    // mean square, moments (and the mean gradient when centered)
    slots: centered ? 3 : 2,
    keys: ['decay', 'oneMinusDecay', 'momentum', 'rate', 'epsilon'],
    createRun() {
      const momentum = new ScheduledMomentum(config.momentum);
      return {
        next(rate, scheduled) {
          momentum.follow(scheduled);
          return { decay: f(config.decay), oneMinusDecay: f(1 - config.decay), momentum: f(momentum.value), rate: f(rate), epsilon: f(config.epsilon) };
        },
      };
    },
    update(ops, value, gradient, slots, c) {
      const [meanSquare, moments] = slots;
      const newMeanSquare = ops.add(ops.mul(meanSquare, c.decay), ops.mul(ops.square(gradient), c.oneMinusDecay));
      if (centered) {
        const newMeanGradient = ops.add(ops.mul(slots[2], c.decay), ops.mul(gradient, c.oneMinusDecay));
        const contribution = ops.div(ops.mul(gradient, c.rate), ops.sqrt(ops.sub(newMeanSquare, ops.add(ops.square(newMeanGradient), c.epsilon))));
        const newMoments = ops.add(ops.mul(moments, c.momentum), contribution);
        return { value: ops.sub(value, newMoments), slots: [newMeanSquare, newMoments, newMeanGradient] };
      }
      const newMoments = ops.add(ops.mul(moments, c.momentum), ops.div(ops.mul(gradient, c.rate), ops.sqrt(ops.add(newMeanSquare, c.epsilon))));
      return { value: ops.sub(value, newMoments), slots: [newMeanSquare, newMoments] };
    },
  };
}

type AdamWKey = 'oneMinusBeta1' | 'beta2' | 'oneMinusBeta2' | 'biasCorrection2Sqrt' | 'epsilon' | 'decayFactor' | 'stepSize';
function adamWRule(config: { beta1: number; beta2: number; epsilon: number; weightDecay: number }): StackedRule<AdamWKey> {
  return {
    optimizer: 'adamw',
    slots: 2,
    keys: ['oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'biasCorrection2Sqrt', 'epsilon', 'decayFactor', 'stepSize'],
    createRun() {
      const { beta2, epsilon, weightDecay } = config;
      const scheduledBeta1 = new ScheduledMomentum(config.beta1);
      let iterations = 0;
      return {
        next(rate, scheduled) {
          scheduledBeta1.follow(scheduled);
          const beta1 = scheduledBeta1.value;
          const step = ++iterations;
          // Host float64 scalars, as AdamWOptimizer computes them, rounded to float32 where they enter a tensor op.
          return {
            oneMinusBeta1: f(1 - beta1),
            beta2: f(beta2),
            oneMinusBeta2: f(1 - beta2),
            biasCorrection2Sqrt: f(Math.sqrt(1 - beta2 ** step)),
            epsilon: f(epsilon),
            decayFactor: f(1 - rate * weightDecay),
            stepSize: f(rate / (1 - beta1 ** step)),
          };
        },
      };
    },
    update(ops, value, gradient, [first, second], c) {
      const newFirst = ops.add(first, ops.mul(ops.sub(gradient, first), c.oneMinusBeta1));
      const newSecond = ops.add(ops.mul(second, c.beta2), ops.mul(ops.square(gradient), c.oneMinusBeta2));
      const denominator = ops.add(ops.div(ops.sqrt(newSecond), c.biasCorrection2Sqrt), c.epsilon);
      const decayed = ops.mul(value, c.decayFactor);
      return { value: ops.sub(decayed, ops.mul(ops.div(newFirst, denominator), c.stepSize)), slots: [newFirst, newSecond] };
    },
  };
}

/** A stacked rule of any of the optimizers (its coefficient names erased). */
export type AnyStackedRule = StackedRule<string>;

/**
 * The rule for `name`, with the hyperparameters of the optimizer the per-run
 * path creates for these settings (read from its getConfig: tfjs' defaults,
 * the backend's epsilon, lr-compare's momentum and AdamW settings).
 */
export function stackedRule(name: CohortOptimizerName, settings: OptimizerSettings): AnyStackedRule {
  const optimizer = createOptimizer(name, 1, settings);
  const config = optimizer.getConfig() as Record<string, unknown>;
  disposeOptimizer(optimizer);
  const number = (key: string): number => {
    const value = config[key];
    if (typeof value !== 'number') throw new Error(`${optimizer.getClassName()}'s config has no number '${key}'`);
    return value;
  };
  switch (name) {
    case 'momentum':
      return momentumRule({ momentum: number('momentum'), useNesterov: config.useNesterov === true });
    case 'adam':
      return adamRule({ beta1: number('beta1'), beta2: number('beta2'), epsilon: number('epsilon') });
    case 'rmsprop':
      return rmsPropRule({ decay: number('decay'), momentum: number('momentum'), epsilon: number('epsilon'), centered: config.centered === true });
    case 'adamw':
      return adamWRule({ beta1: number('beta1'), beta2: number('beta2'), epsilon: number('epsilon'), weightDecay: number('weightDecay') });
  }
}
