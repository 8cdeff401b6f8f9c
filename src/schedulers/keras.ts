/**
 * Keras 3's `keras.optimizers.schedules`, formula for formula. Keras evaluates
 * them in float32; lr-compare in float64 (the goldens allow 1e-5 relative).
 * `initial_learning_rate` is the run's --lr.
 */
import { ScheduleSpecError } from '../errors.js';
import type { SchedulerDefinition } from './definition.js';
import type { ParamDefinition, ParamRecord } from './params.js';
import { booleanParam, numberParam, optionalListParam, optionalNumberParam } from './params.js';

const DECAY_STEPS_REQUIRED: ParamDefinition = {
  key: 'decay_steps',
  type: 'number',
  range: { min: 0, minExclusive: true },
  required: true,
  description: 'Steps per decay period p = step / decay_steps (Keras requires it).',
};
const DECAY_RATE_REQUIRED: ParamDefinition = {
  key: 'decay_rate',
  type: 'number',
  range: { min: 0 },
  required: true,
  description: 'The decay rate (Keras requires it).',
};
const STAIRCASE: ParamDefinition = { key: 'staircase', type: 'boolean', default: false, description: 'Floor p: decay in discrete steps.' };

/** p = step / decay_steps, floored with staircase=true: the exponent of ExponentialDecay, the divisor term of InverseTimeDecay. */
function decayPeriodsOf(params: ParamRecord): { decayRate: number; periods: (step: number) => number } {
  const decaySteps = numberParam(params, 'decay_steps');
  const staircase = booleanParam(params, 'staircase');
  return {
    decayRate: numberParam(params, 'decay_rate'),
    periods: (step) => (staircase ? Math.floor(step / decaySteps) : step / decaySteps),
  };
}

export const exponentialDecayScheduler: SchedulerDefinition = {
  name: 'exponential_decay',
  origin: 'keras',
  summary: 'lr x decay_rate^(step / decay_steps), floored with staircase=true.',
  pytorch: 'keras.optimizers.schedules.ExponentialDecay',
  differs: 'PyTorch ExponentialLR multiplies by gamma every step; Keras spreads decay_rate over decay_steps steps (gamma = decay_rate^(1/decay_steps)), and staircase=true is StepLR(step_size=decay_steps, gamma=decay_rate).',
  params: [DECAY_STEPS_REQUIRED, DECAY_RATE_REQUIRED, STAIRCASE],
  build({ params, baseLr }) {
    const { decayRate, periods } = decayPeriodsOf(params);
    return { kind: 'closed-form', warmupTarget: baseLr, lrAt: (step) => baseLr * decayRate ** periods(step) };
  },
};

export const inverseTimeDecayScheduler: SchedulerDefinition = {
  name: 'inverse_time_decay',
  origin: 'keras',
  summary: 'lr / (1 + decay_rate x step / decay_steps), floored with staircase=true.',
  pytorch: 'keras.optimizers.schedules.InverseTimeDecay',
  differs: 'PyTorch has no inverse-time class (LambdaLR(lambda t: 1 / (1 + decay_rate * t / decay_steps)) is it); Hugging Face inverse_sqrt decays with the square root instead.',
  params: [DECAY_STEPS_REQUIRED, DECAY_RATE_REQUIRED, STAIRCASE],
  build({ params, baseLr }) {
    const { decayRate, periods } = decayPeriodsOf(params);
    return { kind: 'closed-form', warmupTarget: baseLr, lrAt: (step) => baseLr / (1 + decayRate * periods(step)) };
  },
};

export const piecewiseConstantDecayScheduler: SchedulerDefinition = {
  name: 'piecewise_constant_decay',
  origin: 'keras',
  summary: 'Absolute rates: values[0] while step <= boundaries[0], values[i] while boundaries[i-1] < step <= boundaries[i]; ignores --lr.',
  pytorch: 'keras.optimizers.schedules.PiecewiseConstantDecay',
  differs: 'PyTorch MultiStepLR changes the rate AT a milestone (step >= m); Keras keeps the old value at the boundary itself (step <= b) and changes one step later, and takes absolute values instead of a factor gamma.',
  params: [
    { key: 'boundaries', type: 'integer-list', range: { min: 0 }, required: true, description: 'Increasing steps, e.g. 100|200 (Keras requires them).' },
    { key: 'values', type: 'number-list', range: { min: 0 }, required: true, description: 'One more rate than boundaries, e.g. 0.1|0.01|0.001 (Keras requires them).' },
  ],
  checkParams(params, where) {
    const boundaries = optionalListParam(params, 'boundaries') ?? [];
    const values = optionalListParam(params, 'values') ?? [];
    if (values.length !== boundaries.length + 1) {
      throw new ScheduleSpecError(`${where}: values needs one more entry than boundaries (${boundaries.length} boundaries, ${values.length} values)`, { code: 'invalid-value', parameter: 'values' });
    }
  },
  build({ params }) {
    const boundaries = optionalListParam(params, 'boundaries') ?? [];
    const values = optionalListParam(params, 'values') ?? [];
    return {
      kind: 'closed-form',
      warmupTarget: values[0]!,
      lrAt(step) {
        let index = 0;
        while (index < boundaries.length && step > boundaries[index]!) index++;
        return values[index]!;
      },
    };
  },
};

export const polynomialDecayScheduler: SchedulerDefinition = {
  name: 'polynomial_decay',
  origin: 'keras',
  summary: 'From lr to end_learning_rate along (1 - step/decay_steps)^power; cycle=true stretches the period instead of stopping.',
  pytorch: 'keras.optimizers.schedules.PolynomialDecay',
  differs: 'PyTorch PolynomialLR decays to 0 over total_iters; Keras decays to end_learning_rate (default 1e-4, not 0), and with cycle=true the next period is decay_steps x ceil(step / decay_steps) long, so a "restart" resumes part-way, not at lr.',
  params: [
    { key: 'decay_steps', type: 'number', range: { min: 0, minExclusive: true }, defaultText: 'schedule length', description: 'Steps to reach end_learning_rate (Keras requires it).' },
    { key: 'end_learning_rate', type: 'number', range: { min: 0 }, default: 0.0001, description: 'Absolute rate at the end of the decay.' },
    { key: 'power', type: 'number', range: { min: 0, minExclusive: true }, default: 1, description: 'Power of the polynomial.' },
    { key: 'cycle', type: 'boolean', default: false, description: 'Past decay_steps, decay again over the next multiple of decay_steps.' },
  ],
  build({ params, baseLr, scheduleSteps }) {
    const decaySteps = optionalNumberParam(params, 'decay_steps') ?? scheduleSteps;
    const endLr = numberParam(params, 'end_learning_rate');
    const power = numberParam(params, 'power');
    const cycle = booleanParam(params, 'cycle');
    return {
      kind: 'closed-form',
      warmupTarget: baseLr,
      lrAt(step) {
        let stepRecomp = step;
        let span = decaySteps;
        if (cycle) span = decaySteps * (step === 0 ? 1 : Math.ceil(step / decaySteps));
        else stepRecomp = Math.min(step, decaySteps);
        return (baseLr - endLr) * (1 - stepRecomp / span) ** power + endLr;
      },
    };
  },
};

export const cosineDecayScheduler: SchedulerDefinition = {
  name: 'cosine_decay',
  origin: 'keras',
  summary: 'Cosine from lr to alpha x lr over decay_steps, then flat; optional linear warmup from lr to warmup_target first.',
  pytorch: 'keras.optimizers.schedules.CosineDecay',
  differs: 'PyTorch CosineAnnealingLR takes an absolute eta_min and climbs back up after T_max; Keras alpha is a fraction of the peak and the rate stays at alpha x peak. With warmup_target, the warmup starts at lr and the cosine starts at warmup_target after warmup_steps.',
  params: [
    { key: 'decay_steps', type: 'number', range: { min: 0, minExclusive: true }, defaultText: 'schedule length - warmup_steps', description: 'Steps of the cosine (Keras requires it).' },
    { key: 'alpha', type: 'number', range: { min: 0, max: 1 }, default: 0, description: 'Floor as a fraction of the peak rate.' },
    { key: 'warmup_target', type: 'number', range: { min: 0, minExclusive: true }, defaultText: 'none (no warmup)', description: 'Absolute rate the warmup reaches; without it there is no warmup.' },
    { key: 'warmup_steps', type: 'integer', range: { min: 0 }, default: 0, description: 'Steps of linear warmup (only with warmup_target).' },
  ],
  build({ params, baseLr, scheduleSteps }) {
    const alpha = numberParam(params, 'alpha');
    const warmupTarget = optionalNumberParam(params, 'warmup_target');
    const warmupSteps = warmupTarget === undefined ? 0 : numberParam(params, 'warmup_steps');
    const decaySteps = optionalNumberParam(params, 'decay_steps') ?? Math.max(1, scheduleSteps - warmupSteps);
    const decay = (step: number, from: number) => from * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * (step / decaySteps))) + alpha);
    return {
      kind: 'closed-form',
      warmupTarget: baseLr,
      lrAt(step) {
        if (warmupTarget === undefined) return decay(Math.min(step, decaySteps), baseLr);
        const clipped = Math.min(step, decaySteps + warmupSteps);
        if (clipped < warmupSteps) return (warmupTarget - baseLr) * (clipped / warmupSteps) + baseLr;
        return decay(clipped - warmupSteps, warmupTarget);
      },
    };
  },
};

export const cosineDecayRestartsScheduler: SchedulerDefinition = {
  name: 'cosine_decay_restarts',
  origin: 'keras',
  summary: 'SGDR: cosine from lr to alpha x lr over first_decay_steps, each period t_mul times longer and m_mul times lower.',
  pytorch: 'keras.optimizers.schedules.CosineDecayRestarts',
  differs: 'PyTorch CosineAnnealingWarmRestarts has an integer T_mult (default 1), no m_mul and an absolute eta_min; Keras defaults t_mul=2.0 (float), scales each restart\'s peak by m_mul and floors at alpha x lr.',
  params: [
    { key: 'first_decay_steps', type: 'number', range: { min: 0, minExclusive: true }, defaultText: 'schedule length / 4', description: 'Steps of the first period (Keras requires it; ours: a quarter of the run, at least 1).' },
    { key: 't_mul', type: 'number', range: { min: 0, minExclusive: true }, default: 2, description: 'Each period is t_mul times longer.' },
    { key: 'm_mul', type: 'number', range: { min: 0 }, default: 1, description: 'Each restart peaks at m_mul times the previous peak.' },
    { key: 'alpha', type: 'number', range: { min: 0, max: 1 }, default: 0, description: 'Floor as a fraction of lr.' },
  ],
  build({ params, baseLr, scheduleSteps }) {
    const firstDecaySteps = optionalNumberParam(params, 'first_decay_steps') ?? Math.max(1, Math.floor(scheduleSteps / 4));
    const tMul = numberParam(params, 't_mul');
    const mMul = numberParam(params, 'm_mul');
    const alpha = numberParam(params, 'alpha');
    return {
      kind: 'closed-form',
      warmupTarget: baseLr,
      lrAt(step) {
        // In float32, op by op as Keras computes it: with t_mul near 1 the restart index comes from
        // log(1 - fraction (1 - t_mul)) / log(t_mul), and float32 rounding there moves late cycles
        // by more than 1e-5; rounding each operation (f) as Keras does reproduces them.
        const f = Math.fround;
        const [t, m, a] = [f(tMul), f(mMul), f(alpha)];
        let fraction = f(f(step) / f(firstDecaySteps));
        let restart: number;
        if (t === 1) {
          restart = Math.floor(fraction);
          fraction = f(fraction - restart);
        } else {
          restart = Math.floor(f(f(Math.log(f(1 - f(fraction * f(1 - t))))) / f(Math.log(t))));
          const done = f(f(1 - f(t ** restart)) / f(1 - t));
          fraction = f(f(fraction - done) / f(t ** restart));
        }
        const cosineDecayed = f(f(0.5 * f(m ** restart)) * f(1 + f(Math.cos(f(f(Math.PI) * fraction)))));
        return f(f(baseLr) * f(f(f(1 - a) * cosineDecayed) + a));
      },
    };
  },
};
