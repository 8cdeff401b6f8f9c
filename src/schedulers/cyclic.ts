/** Cyclical learning rates: CyclicLR. */
import { ScheduleSpecError } from '../errors.js';
import type { SchedulerDefinition } from './definition.js';
import { booleanParam, numberParam, stringParam } from './params.js';
import { momentumNote, momentumParams } from './momentum.js';

export const cyclicScheduler: SchedulerDefinition = {
  name: 'cyclic',
  summary: 'Triangular cycles between base_lr and max_lr (Smith 2017); ignores --lr.',
  pytorch: 'torch.optim.lr_scheduler.CyclicLR',
  differs: 'No Keras, Hugging Face or optax counterpart; onecycle / optax linear_onecycle are one cycle only.',
  notes: [
    'Sets the rate itself: step 0 uses base_lr, not the run\'s --lr.',
    'With warmup, PyTorch\'s SequentialLR ramps toward the run\'s --lr (CyclicLR leaves the optimizer\'s initial_lr alone) and the cycle then starts at base_lr; lr-compare keeps that.',
    momentumNote('0.8', '0.9', 'falls to base_momentum as the rate rises to max_lr, and back'),
  ],
  params: [
    { key: 'base_lr', type: 'number', range: { min: 0, minExclusive: true }, default: 0.001, description: 'Lower bound of each cycle.' },
    { key: 'max_lr', type: 'number', range: { min: 0, minExclusive: true }, default: 0.1, description: 'Upper bound of each cycle (scaled down by triangular2 and exp_range).' },
    { key: 'step_size_up', type: 'integer', range: { min: 1 }, default: 20, description: 'Steps from base_lr up to max_lr.' },
    { key: 'step_size_down', type: 'integer', range: { min: 1 }, defaultFrom: 'step_size_up', description: 'Steps from max_lr back down to base_lr.' },
    {
      key: 'mode',
      type: 'choice',
      choices: ['triangular', 'triangular2', 'exp_range'],
      default: 'triangular',
      description: 'triangular: constant amplitude; triangular2: amplitude halves each cycle; exp_range: amplitude x gamma^step.',
    },
    { key: 'gamma', type: 'number', range: { min: 0, minExclusive: true, max: 1 }, default: 1, description: 'Amplitude decay per step in exp_range mode.' },
    ...momentumParams(0.8, 0.9),
  ],
  checkParams(params, where) {
    const baseLr = numberParam(params, 'base_lr');
    const maxLr = numberParam(params, 'max_lr');
    if (maxLr < baseLr) {
      throw new ScheduleSpecError(`${where}: max_lr (${maxLr}) must not be below base_lr (${baseLr})`, { code: 'invalid-value', parameter: 'max_lr' });
    }
  },
  build({ params, baseLr: runLr }) {
    const baseLr = numberParam(params, 'base_lr');
    const maxLr = numberParam(params, 'max_lr');
    const stepSizeUp = numberParam(params, 'step_size_up');
    const stepSizeDown = numberParam(params, 'step_size_down');
    const mode = stringParam(params, 'mode');
    const gamma = numberParam(params, 'gamma');
    const totalSize = stepSizeUp + stepSizeDown;
    const stepRatio = stepSizeUp / totalSize;
    const baseMomentum = numberParam(params, 'base_momentum');
    const maxMomentum = numberParam(params, 'max_momentum');
    // CyclicLR.get_lr's cycle position, shared by the rate and the momentum.
    const position = (step: number): { cycle: number; scaleFactor: number } => {
      const cycle = Math.floor(1 + step / totalSize);
      const x = 1.0 + step / totalSize - cycle;
      return { cycle, scaleFactor: x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1) };
    };
    // triangular and triangular2 scale by cycle number, exp_range by step (PyTorch's scale_mode).
    const amplitudeScale = (cycle: number, step: number): number =>
      mode === 'triangular' ? 1 : mode === 'triangular2' ? 1 / 2 ** (cycle - 1) : gamma ** step;
    return {
      kind: 'closed-form',
      // SequentialLR restores the optimizer's initial_lr, which CyclicLR does not set: the run's rate.
      warmupTarget: runLr,
      lrAt(step) {
        // CyclicLR.get_lr, operation for operation.
        const { cycle, scaleFactor } = position(step);
        const baseHeight = (maxLr - baseLr) * scaleFactor;
        return baseLr + baseHeight * amplitudeScale(cycle, step);
      },
      ...(booleanParam(params, 'cycle_momentum')
        ? {
            momentumAt(step: number): number {
              // CyclicLR.get_lr's momentum: inverse to the rate, from max_momentum down toward base_momentum.
              const { cycle, scaleFactor } = position(step);
              const baseHeight = (maxMomentum - baseMomentum) * scaleFactor;
              return maxMomentum - baseHeight * amplitudeScale(cycle, step);
            },
          }
        : {}),
    };
  },
};
