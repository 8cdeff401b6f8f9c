/** Polynomial decay: PolynomialLR. */
import type { SchedulerDefinition } from './definition.js';
import { numberParam } from './params.js';

export const polynomialScheduler: SchedulerDefinition = {
  name: 'polynomial',
  summary: 'Decays the rate to 0 over total_iters steps along (1 - step/total_iters)^power, then stays at 0.',
  pytorch: 'torch.optim.lr_scheduler.PolynomialLR',
  differs: 'Keras polynomial_decay ends at end_learning_rate (1e-4 by default, not 0) and can cycle; Hugging Face polynomial_with_warmup ends at lr_end=1e-7 after a warmup from 0.',
  params: [
    { key: 'total_iters', type: 'integer', range: { min: 1 }, default: 5, description: 'Steps until the rate reaches 0.' },
    { key: 'power', type: 'number', range: { min: 0, minExclusive: true }, default: 1, description: 'Power of the polynomial (1 = linear).' },
  ],
  build({ params, baseLr }) {
    const totalIters = numberParam(params, 'total_iters');
    const power = numberParam(params, 'power');
    // PolynomialLR._get_closed_form_lr
    return {
      kind: 'closed-form',
      warmupTarget: baseLr,
      lrAt: (step) => baseLr * (1.0 - Math.min(totalIters, step) / totalIters) ** power,
    };
  },
};
