/**
 * optax's schedules (optax.schedules), as absolute rates: `peak_value` defaults
 * to --lr, every other rate is given. optax evaluates them in float32 (jax's
 * default); lr-compare in float64 (the goldens allow 1e-5 relative). The warmup
 * schedules are optax's own `join_schedules` of two parts, so they use join.ts.
 */
import { ScheduleSpecError } from '../errors.js';
import type { SchedulerDefinition } from './definition.js';
import { joinClosedForm } from './join.js';
import type { ParamDefinition, ParamRecord } from './params.js';
import { booleanParam, numberParam, optionalNumberParam } from './params.js';

const INIT_VALUE: ParamDefinition = {
  key: 'init_value',
  type: 'number',
  range: { min: 0 },
  required: true,
  description: 'Absolute rate at step 0, where the warmup starts (optax requires it).',
};
const PEAK_VALUE: ParamDefinition = {
  key: 'peak_value',
  type: 'number',
  range: { min: 0, minExclusive: true },
  defaultText: '--lr',
  description: 'Absolute rate at the end of the warmup.',
};
const WARMUP_STEPS: ParamDefinition = {
  key: 'warmup_steps',
  type: 'integer',
  range: { min: 0 },
  required: true,
  description: 'Steps of the linear warmup (optax requires it; 0 for none).',
};

function peakValue(params: ParamRecord, baseLr: number): number {
  return optionalNumberParam(params, 'peak_value') ?? baseLr;
}

/** optax.polynomial_schedule(power=1) = linear_schedule; a non-positive transition is the constant init_value. */
function linearSchedule(initValue: number, endValue: number, transitionSteps: number): (count: number) => number {
  if (transitionSteps <= 0) return () => initValue;
  return (count) => {
    const clipped = Math.min(Math.max(count, 0), transitionSteps);
    return (initValue - endValue) * (1 - clipped / transitionSteps) + endValue;
  };
}

export const warmupCosineDecayScheduler: SchedulerDefinition = {
  name: 'warmup_cosine_decay',
  origin: 'optax',
  summary: 'Linear warmup from init_value to peak_value, then a cosine to end_value at step decay_steps (warmup included), then flat.',
  pytorch: 'optax.warmup_cosine_decay_schedule',
  differs:
    'Hugging Face cosine_with_warmup warms up from 0 and counts num_training_steps the same way but ends at 0 and climbs back afterwards; here the warmup starts at init_value, the cosine ends at end_value and stays there, and exponent reshapes it.',
  params: [
    INIT_VALUE,
    PEAK_VALUE,
    WARMUP_STEPS,
    { key: 'decay_steps', type: 'integer', range: { min: 1 }, defaultText: 'schedule length', description: 'Total steps of warmup plus cosine.' },
    { key: 'end_value', type: 'number', range: { min: 0 }, default: 0, description: 'Absolute rate at the end of the cosine.' },
    { key: 'exponent', type: 'number', range: { min: 0, minExclusive: true }, default: 1, description: 'The cosine factor is raised to this power.' },
  ],
  build({ params, baseLr, scheduleSteps, where }) {
    const initValue = numberParam(params, 'init_value');
    const peak = peakValue(params, baseLr);
    const warmupSteps = numberParam(params, 'warmup_steps');
    const decaySteps = optionalNumberParam(params, 'decay_steps') ?? scheduleSteps;
    const endValue = numberParam(params, 'end_value');
    const exponent = numberParam(params, 'exponent');
    const cosineSteps = decaySteps - warmupSteps;
    // cosine_decay_schedule raises ValueError for decay_steps - warmup_steps <= 0.
    if (!(cosineSteps > 0)) throw new ScheduleSpecError(`${where}: decay_steps=${decaySteps} must exceed warmup_steps=${warmupSteps} (optax counts the warmup in decay_steps)`, { code: 'invalid-value', parameter: 'decay_steps' });
    const alpha = peak === 0 ? 0 : endValue / peak;
    const cosine = (count: number) => {
      const clipped = Math.min(count, cosineSteps);
      const cosineDecay = 0.5 * (1 + Math.cos((Math.PI * clipped) / cosineSteps));
      return peak * ((1 - alpha) * cosineDecay ** exponent + alpha);
    };
    return { kind: 'closed-form', warmupTarget: baseLr, lrAt: joinClosedForm([linearSchedule(initValue, peak, warmupSteps), cosine], [warmupSteps]) };
  },
};

export const warmupExponentialDecayScheduler: SchedulerDefinition = {
  name: 'warmup_exponential_decay',
  origin: 'optax',
  summary: 'Linear warmup from init_value to peak_value, then peak x decay_rate^((step - transition_begin) / transition_steps), clipped at end_value.',
  pytorch: 'optax.warmup_exponential_decay_schedule',
  differs:
    'Keras exponential_decay has no warmup, no delay (transition_begin) and no floor (end_value); PyTorch ExponentialLR decays by gamma every step. The decay counts from the end of the warmup.',
  params: [
    INIT_VALUE,
    PEAK_VALUE,
    WARMUP_STEPS,
    { key: 'transition_steps', type: 'integer', range: { min: 1 }, required: true, description: 'Steps per factor of decay_rate (optax requires it).' },
    { key: 'decay_rate', type: 'number', range: { min: 0, minExclusive: true }, required: true, description: 'Factor per transition_steps (optax requires it).' },
    { key: 'transition_begin', type: 'integer', range: { min: 0 }, default: 0, description: 'Steps after the warmup before the decay starts.' },
    { key: 'staircase', type: 'boolean', default: false, description: 'Decay in whole transitions only.' },
    { key: 'end_value', type: 'number', range: { min: 0 }, defaultText: 'none', description: 'Floor (or ceiling when decay_rate > 1) of the rate.' },
  ],
  build({ params, baseLr }) {
    const initValue = numberParam(params, 'init_value');
    const peak = peakValue(params, baseLr);
    const warmupSteps = numberParam(params, 'warmup_steps');
    const transitionSteps = numberParam(params, 'transition_steps');
    const decayRate = numberParam(params, 'decay_rate');
    const transitionBegin = numberParam(params, 'transition_begin');
    const staircase = booleanParam(params, 'staircase');
    const endValue = optionalNumberParam(params, 'end_value');
    const decay = (count: number) => {
      const decreased = count - transitionBegin;
      let p = decreased / transitionSteps;
      if (staircase) p = Math.floor(p);
      const value = decreased <= 0 ? peak : peak * decayRate ** p;
      if (endValue === undefined) return value;
      return decayRate < 1 ? Math.max(value, endValue) : Math.min(value, endValue);
    };
    return { kind: 'closed-form', warmupTarget: baseLr, lrAt: joinClosedForm([linearSchedule(initValue, peak, warmupSteps), decay], [warmupSteps]) };
  },
};

export const linearOnecycleScheduler: SchedulerDefinition = {
  name: 'linear_onecycle',
  origin: 'optax',
  summary: 'Linear 1cycle: peak/div_factor up to peak_value by pct_start, back down by pct_final, then to peak/div_factor/final_div_factor.',
  pytorch: 'optax.linear_onecycle_schedule',
  differs:
    "PyTorch onecycle (anneal_strategy=linear) has two phases ending at the minimum on the last step; optax has three, with the descent to the initial rate ending at pct_final (default 0.85) and the phase boundaries rounded down to whole steps (int(pct x transition_steps)).",
  params: [
    { key: 'transition_steps', type: 'integer', range: { min: 1 }, defaultText: 'schedule length', description: 'Steps of the whole cycle.' },
    PEAK_VALUE,
    { key: 'pct_start', type: 'number', range: { min: 0, max: 1 }, default: 0.3, description: 'Fraction of the cycle spent rising.' },
    { key: 'pct_final', type: 'number', range: { min: 0, max: 1 }, default: 0.85, description: 'Fraction of the cycle at which the rate is back at the initial rate.' },
    { key: 'div_factor', type: 'number', range: { min: 0, minExclusive: true }, default: 25, description: 'Initial rate = peak_value / div_factor.' },
    { key: 'final_div_factor', type: 'number', range: { min: 0, minExclusive: true }, default: 1e4, description: 'Final rate = initial rate / final_div_factor.' },
  ],
  build({ params, baseLr, scheduleSteps }) {
    const transitionSteps = optionalNumberParam(params, 'transition_steps') ?? scheduleSteps;
    const peak = peakValue(params, baseLr);
    const divFactor = numberParam(params, 'div_factor');
    // piecewise_interpolate_schedule('linear', peak / div_factor, {int(pct_start T): div, int(pct_final T): 1/div, T: 1/final}):
    // a Python dict, so a later equal key replaces an earlier one's scale.
    const scales = new Map<number, number>();
    scales.set(Math.trunc(numberParam(params, 'pct_start') * transitionSteps), divFactor);
    scales.set(Math.trunc(numberParam(params, 'pct_final') * transitionSteps), 1.0 / divFactor);
    scales.set(transitionSteps, 1.0 / numberParam(params, 'final_div_factor'));
    const sorted = [...scales.entries()].sort((a, b) => a[0] - b[0]);
    const bounds = [0, ...sorted.map(([boundary]) => boundary)];
    const values = [peak / divFactor];
    for (const [, scale] of sorted) values.push(values[values.length - 1]! * scale);
    return {
      kind: 'closed-form',
      warmupTarget: baseLr,
      lrAt(count) {
        if (count >= bounds[bounds.length - 1]!) return values[values.length - 1]!;
        let sum = 0;
        for (let i = 0; i + 1 < bounds.length; i++) {
          if (bounds[i]! <= count && count < bounds[i + 1]!) {
            const pct = (count - bounds[i]!) / Math.max(bounds[i + 1]! - bounds[i]!, 1);
            sum += (values[i + 1]! - values[i]!) * pct + values[i]!;
          }
        }
        return sum;
      },
    };
  },
};
