/** Step decays: StepLR and MultiStepLR. */
import type { SchedulerDefinition } from './definition.js';
import { numberParam, optionalListParam } from './params.js';

export const stepScheduler: SchedulerDefinition = {
  name: 'step',
  summary: 'Multiplies the rate by gamma every step_size steps.',
  pytorch: 'torch.optim.lr_scheduler.StepLR',
  differs: 'Keras exponential_decay with staircase=true is the same staircase (decay_rate every decay_steps); optax exponential_decay(staircase=True) adds a delay and a floor.',
  params: [
    {
      key: 'step_size',
      type: 'integer',
      range: { min: 1 },
      default: 20,
      description: 'Steps between two decays.',
    },
    {
      key: 'gamma',
      type: 'number',
      range: { min: 0, minExclusive: true },
      default: 0.5,
      description: 'Multiplicative factor of each decay.',
    },
  ],
  build({ params, baseLr }) {
    const stepSize = numberParam(params, 'step_size');
    const gamma = numberParam(params, 'gamma');
    // StepLR._get_closed_form_lr
    return { kind: 'closed-form', warmupTarget: baseLr, lrAt: (step) => baseLr * gamma ** Math.floor(step / stepSize) };
  },
};

/** Number of milestones <= step (Python's bisect_right on a sorted list). */
function countReached(milestones: readonly number[], step: number): number {
  let reached = 0;
  while (reached < milestones.length && milestones[reached]! <= step) reached++;
  return reached;
}

/**
 * PyTorch has no default milestones. Ours: the classic recipe of decaying at
 * 50% and 75% of the schedule, so the default adapts to the run's length and unit.
 */
export function defaultMilestones(scheduleSteps: number): number[] {
  const candidates = [Math.floor(scheduleSteps / 2), Math.floor((scheduleSteps * 3) / 4)];
  return candidates.filter((milestone, index) => milestone >= 1 && candidates.indexOf(milestone) === index);
}

export const multistepScheduler: SchedulerDefinition = {
  name: 'multistep',
  summary: 'Multiplies the rate by gamma at each milestone step.',
  pytorch: 'torch.optim.lr_scheduler.MultiStepLR',
  differs: 'Keras piecewise_constant_decay takes absolute values and changes one step later (step <= boundary keeps the old value).',
  params: [
    {
      key: 'milestones',
      type: 'integer-list',
      range: { min: 1 },
      defaultText: '50%|75% of schedule length',
      description: 'Steps at which the rate is multiplied by gamma, e.g. 30|60|90.',
    },
    {
      key: 'gamma',
      type: 'number',
      range: { min: 0, minExclusive: true },
      default: 0.1,
      description: 'Multiplicative factor at each milestone.',
    },
  ],
  build({ params, baseLr, scheduleSteps }) {
    const milestones = optionalListParam(params, 'milestones') ?? defaultMilestones(scheduleSteps);
    const gamma = numberParam(params, 'gamma');
    // MultiStepLR._get_closed_form_lr
    return { kind: 'closed-form', warmupTarget: baseLr, lrAt: (step) => baseLr * gamma ** countReached(milestones, step) };
  },
};
