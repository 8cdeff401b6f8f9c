/** Linear factor ramps: LinearLR and ConstantLR. */
import type { SchedulerDefinition } from './definition.js';
import { numberParam } from './params.js';

export const linearScheduler: SchedulerDefinition = {
  name: 'linear',
  summary: 'Moves the rate linearly from start_factor x base to end_factor x base over total_iters steps.',
  pytorch: 'torch.optim.lr_scheduler.LinearLR',
  differs: 'Hugging Face linear_with_warmup ramps from 0 and decays to exactly 0 at num_training_steps; optax\'s linear schedule (the warmup of its warmup_* schedules) takes absolute rates.',
  params: [
    { key: 'start_factor', type: 'number', range: { min: 0, minExclusive: true, max: 1 }, default: 1 / 3, defaultText: '1/3', description: 'Factor of the base rate at step 0.' },
    { key: 'end_factor', type: 'number', range: { min: 0, max: 1 }, default: 1, description: 'Factor of the base rate from step total_iters on.' },
    { key: 'total_iters', type: 'integer', range: { min: 1 }, default: 5, description: 'Steps of the ramp.' },
  ],
  build({ params, baseLr }) {
    const startFactor = numberParam(params, 'start_factor');
    const endFactor = numberParam(params, 'end_factor');
    const totalIters = numberParam(params, 'total_iters');
    return {
      kind: 'closed-form',
      warmupTarget: baseLr,
      lrAt: (step) => linearFactorLr(baseLr, startFactor, endFactor, totalIters, step),
    };
  },
};

/** LinearLR._get_closed_form_lr; warmup uses it too. */
export function linearFactorLr(baseLr: number, startFactor: number, endFactor: number, totalIters: number, step: number): number {
  return baseLr * (startFactor + ((endFactor - startFactor) * Math.min(totalIters, step)) / totalIters);
}

export const constantScheduler: SchedulerDefinition = {
  name: 'constant',
  summary: 'Uses factor x base for the first total_iters steps, then the base rate.',
  pytorch: 'torch.optim.lr_scheduler.ConstantLR',
  differs: 'Hugging Face constant_with_warmup ramps linearly from 0 instead of holding a reduced factor.',
  params: [
    { key: 'factor', type: 'number', range: { min: 0, max: 1 }, default: 1 / 3, defaultText: '1/3', description: 'Factor of the base rate until step total_iters.' },
    { key: 'total_iters', type: 'integer', range: { min: 1 }, default: 5, description: 'Steps at the reduced rate.' },
  ],
  build({ params, baseLr }) {
    const factor = numberParam(params, 'factor');
    const totalIters = numberParam(params, 'total_iters');
    // ConstantLR._get_closed_form_lr
    return {
      kind: 'closed-form',
      warmupTarget: baseLr,
      lrAt: (step) => baseLr * (factor + (step >= totalIters ? 1 - factor : 0)),
    };
  },
};
