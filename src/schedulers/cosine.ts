/** Cosine annealing: CosineAnnealingLR and CosineAnnealingWarmRestarts. */
import type { SchedulerDefinition } from './definition.js';
import { numberParam, optionalNumberParam } from './params.js';

/** The SGDR curve: from `maxLr` at position 0 down to `etaMin` at position `period`. */
function cosineCurve(etaMin: number, maxLr: number, position: number, period: number): number {
  return etaMin + ((maxLr - etaMin) * (1 + Math.cos((Math.PI * position) / period))) / 2;
}

export const cosineScheduler: SchedulerDefinition = {
  name: 'cosine',
  summary: 'Cosine curve from the base rate down to eta_min over t_max steps.',
  pytorch: 'torch.optim.lr_scheduler.CosineAnnealingLR',
  differs: 'Keras cosine_decay floors at alpha x lr and stays there after decay_steps; Hugging Face cosine_with_warmup and optax warmup_cosine_decay add warmup; timm cosine_cycles stays at lr_min after t_initial.',
  notes: [
    'Past t_max the rate climbs back up along the same cosine (period 2 x t_max), as in PyTorch; it does not stay at eta_min.',
  ],
  params: [
    {
      key: 't_max',
      type: 'integer',
      range: { min: 1 },
      defaultText: 'schedule length',
      description: 'Steps from the base rate down to eta_min.',
    },
    {
      key: 'eta_min',
      type: 'number',
      range: { min: 0 },
      default: 0,
      description: 'Lowest rate, reached at step t_max.',
    },
  ],
  build({ params, baseLr, scheduleSteps }) {
    const tMax = optionalNumberParam(params, 't_max') ?? scheduleSteps;
    const etaMin = numberParam(params, 'eta_min');
    // CosineAnnealingLR._get_closed_form_lr; its recursive get_lr follows the same curve past T_max.
    return { kind: 'closed-form', warmupTarget: baseLr, lrAt: (step) => cosineCurve(etaMin, baseLr, step, tMax) };
  },
};

/**
 * Position inside the current cycle and that cycle's length at `step`, as
 * CosineAnnealingWarmRestarts.step() tracks them (T_cur, T_i). Integer
 * arithmetic, so restarts land exactly on their steps (PyTorch's own closed
 * form goes through a floating-point logarithm).
 */
export function restartPosition(step: number, t0: number, tMult: number): { position: number; period: number } {
  if (tMult === 1) return { position: step % t0, period: t0 };
  let position = step;
  let period = t0;
  while (position >= period) {
    position -= period;
    period *= tMult;
  }
  return { position, period };
}

export const cosineRestartsScheduler: SchedulerDefinition = {
  name: 'cosine_restarts',
  summary: 'Cosine annealing that restarts at the base rate; each cycle is t_mult times longer (SGDR).',
  pytorch: 'torch.optim.lr_scheduler.CosineAnnealingWarmRestarts',
  differs: 'Keras cosine_decay_restarts defaults t_mul=2.0 (a float) and lowers each restart by m_mul; timm cosine_cycles limits the cycles (cycle_limit) and decays their peaks.',
  params: [
    {
      key: 't_0',
      type: 'integer',
      range: { min: 1 },
      defaultText: 'schedule length / 4',
      description: 'Steps of the first cycle (the default is rounded down, at least 1).',
    },
    {
      key: 't_mult',
      type: 'integer',
      range: { min: 1 },
      default: 1,
      description: 'Each cycle is t_mult times longer than the one before.',
    },
    {
      key: 'eta_min',
      type: 'number',
      range: { min: 0 },
      default: 0,
      description: 'Lowest rate, approached at the end of each cycle.',
    },
  ],
  build({ params, baseLr, scheduleSteps }) {
    const t0 = optionalNumberParam(params, 't_0') ?? Math.max(1, Math.floor(scheduleSteps / 4));
    const tMult = numberParam(params, 't_mult');
    const etaMin = numberParam(params, 'eta_min');
    return {
      kind: 'closed-form',
      warmupTarget: baseLr,
      lrAt(step) {
        const { position, period } = restartPosition(step, t0, tMult);
        return cosineCurve(etaMin, baseLr, position, period);
      },
    };
  },
};
