/** Exponential decay: ExponentialLR. */
import type { SchedulerDefinition } from './definition.js';
import { numberParam } from './params.js';

export const exponentialScheduler: SchedulerDefinition = {
  name: 'exponential',
  summary: 'Multiplies the rate by gamma every step.',
  pytorch: 'torch.optim.lr_scheduler.ExponentialLR',
  differs: 'Keras exponential_decay spreads decay_rate over decay_steps (gamma = decay_rate^(1/decay_steps)); optax\'s adds warmup, delay and floor.',
  params: [
    {
      key: 'gamma',
      type: 'number',
      range: { min: 0, minExclusive: true },
      default: 0.95,
      description: 'Multiplicative factor per step.',
    },
  ],
  build({ params, baseLr }) {
    const gamma = numberParam(params, 'gamma');
    // ExponentialLR._get_closed_form_lr
    return { kind: 'closed-form', warmupTarget: baseLr, lrAt: (step) => baseLr * gamma ** step };
  },
};
