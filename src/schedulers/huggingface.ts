/**
 * Hugging Face transformers' schedules (transformers.optimization), each the
 * LambdaLR factor of the base rate (--lr) that transformers computes, in float64.
 * Every warmup here starts at factor 0: the first step trains at rate 0.
 */
import { ScheduleSpecError } from '../errors.js';
import type { SchedulerDefinition } from './definition.js';
import type { ParamDefinition, ParamRecord } from './params.js';
import { numberParam, optionalNumberParam, stringParam } from './params.js';

const WARMUP_STEPS: ParamDefinition = {
  key: 'num_warmup_steps',
  type: 'integer',
  range: { min: 0 },
  required: true,
  description: 'Steps of linear warmup from 0 (transformers requires it; 0 for none).',
};
const TRAINING_STEPS: ParamDefinition = {
  key: 'num_training_steps',
  type: 'integer',
  range: { min: 1 },
  defaultText: 'schedule length',
  description: 'Total steps, warmup included.',
};

/** Every transformers warmup: current_step / max(1, num_warmup_steps). */
function warmupFactor(step: number, warmupSteps: number): number {
  return step / Math.max(1, warmupSteps);
}

function trainingSteps(params: ParamRecord, scheduleSteps: number): number {
  return optionalNumberParam(params, 'num_training_steps') ?? scheduleSteps;
}

/** A LambdaLR: base rate x factor(step). */
function lambdaSchedule(baseLr: number, factor: (step: number) => number) {
  return { kind: 'closed-form' as const, warmupTarget: baseLr, lrAt: (step: number) => baseLr * factor(step) };
}

export const constantWithWarmupScheduler: SchedulerDefinition = {
  name: 'constant_with_warmup',
  origin: 'huggingface',
  summary: 'Linear warmup from 0 over num_warmup_steps, then the base rate.',
  pytorch: 'transformers.get_constant_schedule_with_warmup',
  differs: 'lr-compare\'s warmup=N on `none` (PyTorch LinearLR) starts at warmup_start x lr (1/3) and never quite reaches lr during warmup; transformers starts at exactly 0.',
  params: [WARMUP_STEPS],
  build: ({ params, baseLr }) => {
    const warmup = numberParam(params, 'num_warmup_steps');
    return lambdaSchedule(baseLr, (step) => (step < warmup ? step / Math.max(1.0, warmup) : 1.0));
  },
};

export const linearWithWarmupScheduler: SchedulerDefinition = {
  name: 'linear_with_warmup',
  origin: 'huggingface',
  summary: 'Linear warmup from 0, then linear decay to 0 at num_training_steps.',
  pytorch: 'transformers.get_linear_schedule_with_warmup',
  differs: 'PyTorch LinearLR moves between two non-zero factors over total_iters; this one reaches exactly 0 at num_training_steps and stays there.',
  params: [WARMUP_STEPS, TRAINING_STEPS],
  build: ({ params, baseLr, scheduleSteps }) => {
    const warmup = numberParam(params, 'num_warmup_steps');
    const total = trainingSteps(params, scheduleSteps);
    return lambdaSchedule(baseLr, (step) =>
      step < warmup ? warmupFactor(step, warmup) : Math.max(0.0, (total - step) / Math.max(1, total - warmup)),
    );
  },
};

/** progress after warmup, as every transformers cosine computes it. */
function progressAfter(step: number, warmup: number, total: number): number {
  return (step - warmup) / Math.max(1, total - warmup);
}

export const cosineWithWarmupScheduler: SchedulerDefinition = {
  name: 'cosine_with_warmup',
  origin: 'huggingface',
  summary: 'Linear warmup from 0, then num_cycles cosine waves (default half a wave: down to 0 at num_training_steps).',
  pytorch: 'transformers.get_cosine_schedule_with_warmup',
  differs: 'optax warmup_cosine_decay counts its decay_steps including the warmup, warms up from init_value (not 0) and takes absolute rates; PyTorch CosineAnnealingLR has no warmup. Past num_training_steps this cosine climbs back up (num_cycles=0.5 continues the wave).',
  params: [
    WARMUP_STEPS,
    TRAINING_STEPS,
    { key: 'num_cycles', type: 'number', range: { min: 0, minExclusive: true }, default: 0.5, description: 'Cosine waves after warmup (0.5 = from the peak down to 0).' },
  ],
  build: ({ params, baseLr, scheduleSteps }) => {
    const warmup = numberParam(params, 'num_warmup_steps');
    const total = trainingSteps(params, scheduleSteps);
    const cycles = numberParam(params, 'num_cycles');
    return lambdaSchedule(baseLr, (step) =>
      step < warmup
        ? warmupFactor(step, warmup)
        : Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * cycles * 2.0 * progressAfter(step, warmup, total)))),
    );
  },
};

export const cosineWithHardRestartsScheduler: SchedulerDefinition = {
  name: 'cosine_with_hard_restarts',
  origin: 'huggingface',
  summary: 'Linear warmup from 0, then num_cycles cosine decays to 0, each restarting at the base rate; 0 from num_training_steps on.',
  pytorch: 'transformers.get_cosine_with_hard_restarts_schedule_with_warmup',
  differs: 'PyTorch CosineAnnealingWarmRestarts sets the cycle length (T_0, T_mult) and runs for ever; here num_cycles equal cycles fill num_training_steps and the rate is 0 after it.',
  params: [
    WARMUP_STEPS,
    TRAINING_STEPS,
    { key: 'num_cycles', type: 'integer', range: { min: 1 }, default: 1, description: 'Hard restarts: cycles after warmup.' },
  ],
  build: ({ params, baseLr, scheduleSteps }) => {
    const warmup = numberParam(params, 'num_warmup_steps');
    const total = trainingSteps(params, scheduleSteps);
    const cycles = numberParam(params, 'num_cycles');
    return lambdaSchedule(baseLr, (step) => {
      if (step < warmup) return warmupFactor(step, warmup);
      const progress = progressAfter(step, warmup, total);
      if (progress >= 1.0) return 0.0;
      return Math.max(0.0, 0.5 * (1.0 + Math.cos(Math.PI * ((cycles * progress) % 1.0))));
    });
  },
};

export const polynomialWithWarmupScheduler: SchedulerDefinition = {
  name: 'polynomial_with_warmup',
  origin: 'huggingface',
  summary: 'Linear warmup from 0, then polynomial decay to the absolute rate lr_end at num_training_steps.',
  pytorch: 'transformers.get_polynomial_decay_schedule_with_warmup',
  differs: 'Keras polynomial_decay ends at end_learning_rate=1e-4 and has no warmup; PyTorch PolynomialLR ends at 0. Here lr_end (default 1e-7) must be below --lr, as transformers requires.',
  params: [
    WARMUP_STEPS,
    TRAINING_STEPS,
    { key: 'lr_end', type: 'number', range: { min: 0 }, default: 1e-7, description: 'Absolute rate reached at num_training_steps.' },
    { key: 'power', type: 'number', range: { min: 0, minExclusive: true }, default: 1, description: 'Power of the decay.' },
  ],
  build: ({ params, baseLr, scheduleSteps, where }) => {
    const warmup = numberParam(params, 'num_warmup_steps');
    const total = trainingSteps(params, scheduleSteps);
    const lrEnd = numberParam(params, 'lr_end');
    const power = numberParam(params, 'power');
    if (!(baseLr > lrEnd)) throw new ScheduleSpecError(`${where}: lr_end=${lrEnd} must be smaller than the base rate ${baseLr}`, { code: 'invalid-value', parameter: 'lr_end' });
    if (total <= warmup) throw new ScheduleSpecError(`${where}: num_training_steps=${total} must exceed num_warmup_steps=${warmup}`, { code: 'invalid-value', parameter: 'num_training_steps' });
    return lambdaSchedule(baseLr, (step) => {
      if (step < warmup) return warmupFactor(step, warmup);
      if (step > total) return lrEnd / baseLr;
      const pctRemaining = 1 - (step - warmup) / (total - warmup);
      return ((baseLr - lrEnd) * pctRemaining ** power + lrEnd) / baseLr;
    });
  },
};

export const inverseSqrtScheduler: SchedulerDefinition = {
  name: 'inverse_sqrt',
  origin: 'huggingface',
  summary: 'Linear warmup from 0, then lr / sqrt((step + timescale - num_warmup_steps) / timescale).',
  pytorch: 'transformers.get_inverse_sqrt_schedule',
  differs: 'The Transformer paper\'s "Noam" schedule peaks at 1/sqrt(warmup) of d_model^-0.5; this one peaks at exactly --lr and decays as sqrt(timescale / step). Keras inverse_time_decay decays as 1/step instead.',
  params: [
    WARMUP_STEPS,
    { key: 'timescale', type: 'integer', range: { min: 1 }, defaultText: 'num_warmup_steps, or 10000 if that is 0', description: 'After warmup the rate is lr x sqrt(timescale / (step + timescale - num_warmup_steps)).' },
  ],
  build: ({ params, baseLr }) => {
    const warmup = numberParam(params, 'num_warmup_steps');
    const timescale = optionalNumberParam(params, 'timescale') ?? (warmup || 10_000);
    const shift = timescale - warmup;
    return lambdaSchedule(baseLr, (step) => (step < warmup ? warmupFactor(step, warmup) : 1.0 / Math.sqrt((step + shift) / timescale)));
  },
};

export const cosineWithMinLrScheduler: SchedulerDefinition = {
  name: 'cosine_with_min_lr',
  origin: 'huggingface',
  summary: 'Linear warmup from 0, then a cosine from the base rate down to a floor (min_lr_rate x lr, or the absolute min_lr).',
  pytorch: 'transformers.get_cosine_with_min_lr_schedule_with_warmup',
  differs: 'PyTorch CosineAnnealingLR\'s eta_min is the same floor as min_lr, but PyTorch has no warmup; Keras cosine_decay floors at alpha x lr like min_lr_rate.',
  params: [
    WARMUP_STEPS,
    TRAINING_STEPS,
    { key: 'num_cycles', type: 'number', range: { min: 0, minExclusive: true }, default: 0.5, description: 'Cosine waves after warmup (0.5 = down to the floor).' },
    { key: 'min_lr_rate', type: 'number', range: { min: 0, max: 1 }, description: 'The floor as a fraction of --lr (give this or min_lr).' },
    { key: 'min_lr', type: 'number', range: { min: 0 }, description: 'The floor as an absolute rate (give this or min_lr_rate).' },
  ],
  checkParams(params, where) {
    const hasRate = params.min_lr_rate !== undefined;
    const hasLr = params.min_lr !== undefined;
    if (hasRate && hasLr) throw new ScheduleSpecError(`${where}: give min_lr_rate or min_lr, not both`, { code: 'invalid-value', parameter: 'min_lr' });
    if (!hasRate && !hasLr) throw new ScheduleSpecError(`${where} needs min_lr_rate=... (a fraction of --lr) or min_lr=... (an absolute rate)`, { code: 'missing-parameter', parameter: 'min_lr_rate' });
  },
  build: ({ params, baseLr, scheduleSteps }) => {
    const warmup = numberParam(params, 'num_warmup_steps');
    const total = trainingSteps(params, scheduleSteps);
    const cycles = numberParam(params, 'num_cycles');
    const minLrRate = optionalNumberParam(params, 'min_lr_rate') ?? numberParam(params, 'min_lr') / baseLr;
    return lambdaSchedule(baseLr, (step) => {
      if (step < warmup) return warmupFactor(step, warmup);
      const factor = 0.5 * (1.0 + Math.cos(Math.PI * cycles * 2.0 * progressAfter(step, warmup, total)));
      return Math.max(0, factor * (1 - minLrRate) + minLrRate);
    });
  },
};

const SHAPES = ['linear', 'cosine', '1-sqrt'];

export const wsdScheduler: SchedulerDefinition = {
  name: 'wsd',
  origin: 'huggingface',
  summary: 'Warmup-stable-decay: warmup to the base rate, hold it, decay to min_lr_ratio x lr, then stay there.',
  pytorch: 'transformers.get_wsd_schedule',
  differs: 'Unlike every other transformers warmup, WSD\'s warmup starts at min_lr_ratio x lr (0 by default) and the rate after the decay is min_lr_ratio x lr, not 0; the decay default is cosine, "1-sqrt" is the MiniCPM / Hägele et al. cooldown.',
  params: [
    WARMUP_STEPS,
    { key: 'num_stable_steps', type: 'integer', range: { min: 0 }, defaultText: 'num_training_steps - num_warmup_steps - num_decay_steps', description: 'Steps at the base rate.' },
    { key: 'num_decay_steps', type: 'integer', range: { min: 0 }, required: true, description: 'Steps of the decay (transformers requires it).' },
    { ...TRAINING_STEPS, description: 'Total steps; only used to derive num_stable_steps.' },
    { key: 'min_lr_ratio', type: 'number', range: { min: 0, max: 1 }, default: 0, description: 'Floor (and warmup start) as a fraction of --lr.' },
    { key: 'warmup_type', type: 'choice', choices: SHAPES, default: 'linear', description: 'Shape of the warmup.' },
    { key: 'decay_type', type: 'choice', choices: SHAPES, default: 'cosine', description: 'Shape of the decay.' },
    { key: 'num_cycles', type: 'number', range: { min: 0, minExclusive: true }, default: 0.5, description: 'Cosine waves of a cosine decay.' },
  ],
  build: ({ params, baseLr, scheduleSteps, where }) => {
    const warmup = numberParam(params, 'num_warmup_steps');
    const decay = numberParam(params, 'num_decay_steps');
    const stable = optionalNumberParam(params, 'num_stable_steps') ?? trainingSteps(params, scheduleSteps) - warmup - decay;
    if (stable < 0) {
      throw new ScheduleSpecError(`${where}: num_warmup_steps + num_decay_steps (${warmup + decay}) exceed num_training_steps; give num_stable_steps or shorten them`, { code: 'invalid-value', parameter: 'num_decay_steps' });
    }
    const minRatio = numberParam(params, 'min_lr_ratio');
    const warmupType = stringParam(params, 'warmup_type');
    const decayType = stringParam(params, 'decay_type');
    const cycles = numberParam(params, 'num_cycles');
    return lambdaSchedule(baseLr, (step) => {
      if (step < warmup) {
        const progress = step / Math.max(1, warmup);
        const factor = warmupType === 'linear' ? progress : warmupType === 'cosine' ? 0.5 * (1.0 - Math.cos(Math.PI * progress)) : 1.0 - Math.sqrt(1.0 - progress);
        return Math.max(0.0, factor * (1.0 - minRatio) + minRatio);
      }
      if (step < warmup + stable) return 1.0;
      if (step < warmup + stable + decay) {
        const progress = (step - warmup - stable) / Math.max(1, decay);
        const factor =
          decayType === 'linear' ? 1.0 - progress : decayType === 'cosine' ? 0.5 * (1.0 + Math.cos(Math.PI * cycles * 2.0 * progress)) : 1.0 - Math.sqrt(progress);
        return Math.max(0.0, factor * (1.0 - minRatio) + minRatio);
      }
      return minRatio;
    });
  },
};
