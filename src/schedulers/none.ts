/** No schedule: the run's fixed learning rate. */
import type { SchedulerDefinition } from './definition.js';

export const noneScheduler: SchedulerDefinition = {
  name: 'none',
  summary: 'The fixed rate --lr throughout (a baseline; not part of "all").',
  pytorch: 'no scheduler (LambdaLR(lambda t: 1.0))',
  differs: 'Keras, optax: a float learning rate; Hugging Face get_constant_schedule.',
  params: [],
  build: ({ baseLr }) => ({ kind: 'closed-form', warmupTarget: baseLr, lrAt: () => baseLr }),
};
