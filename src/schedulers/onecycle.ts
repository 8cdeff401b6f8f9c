/** The 1cycle policy: OneCycleLR. */
import { ScheduleSpecError } from '../errors.js';
import type { SchedulerDefinition } from './definition.js';
import { booleanParam, numberParam, optionalNumberParam, stringParam } from './params.js';
import { momentumParams, momentumNote } from './momentum.js';

interface Phase {
  /** Last step of the phase (fractional when pct_start x total_steps is). */
  readonly endStep: number;
  readonly startLr: number;
  readonly endLr: number;
  readonly startMomentum: number;
  readonly endMomentum: number;
}

export const onecycleScheduler: SchedulerDefinition = {
  name: 'onecycle',
  summary: 'Warms up to max_lr then anneals far below the start (Smith & Topin 1cycle); ignores --lr.',
  pytorch: 'torch.optim.lr_scheduler.OneCycleLR',
  differs: 'optax linear_onecycle has three linear phases (back to the initial rate at pct_final=0.85, then down) with whole-step boundaries.',
  notes: [
    'Sets the rate itself: step 0 uses max_lr / div_factor, not the run\'s --lr; the lowest rate is max_lr / div_factor / final_div_factor.',
    'With warmup, PyTorch\'s SequentialLR ramps toward max_lr / div_factor (OneCycleLR overwrites the optimizer\'s initial_lr); lr-compare keeps that.',
    momentumNote('0.85', '0.95', 'falls to base_momentum while the rate warms up, then rises back as it anneals'),
  ],
  params: [
    { key: 'max_lr', type: 'number', range: { min: 0, minExclusive: true }, default: 0.1, description: 'Peak rate (PyTorch has no default; 0.1 matches cyclic\'s max_lr).' },
    {
      key: 'total_steps',
      type: 'integer',
      range: { min: 1 },
      defaultText: 'schedule length',
      description: 'Steps of the whole cycle; must cover the run.',
    },
    { key: 'pct_start', type: 'number', range: { min: 0, max: 1 }, default: 0.3, description: 'Fraction of the cycle spent increasing the rate.' },
    { key: 'anneal_strategy', type: 'choice', choices: ['cos', 'linear'], default: 'cos', description: 'Shape of each phase.' },
    { key: 'div_factor', type: 'number', range: { min: 0, minExclusive: true }, default: 25, description: 'Initial rate = max_lr / div_factor.' },
    { key: 'final_div_factor', type: 'number', range: { min: 0, minExclusive: true }, default: 1e4, description: 'Final rate = initial rate / final_div_factor.' },
    { key: 'three_phase', type: 'boolean', default: false, description: 'Add a phase back down to the initial rate before annihilating it (the original paper).' },
    ...momentumParams(0.85, 0.95),
  ],
  build({ params, scheduleSteps, where }) {
    const maxLr = numberParam(params, 'max_lr');
    const totalSteps = optionalNumberParam(params, 'total_steps') ?? scheduleSteps;
    const pctStart = numberParam(params, 'pct_start');
    const anneal = stringParam(params, 'anneal_strategy');
    const initialLr = maxLr / numberParam(params, 'div_factor');
    const minLr = initialLr / numberParam(params, 'final_div_factor');
    if (totalSteps < scheduleSteps) {
      throw new ScheduleSpecError(
        `${where}: total_steps=${totalSteps} is smaller than the ${scheduleSteps} steps the schedule must cover ` +
          `(the run's steps in its unit, less warmup); raise total_steps or leave it to its default`,
        { code: 'invalid-context', parameter: 'total_steps' },
      );
    }
    const low = numberParam(params, 'base_momentum');
    const high = numberParam(params, 'max_momentum');
    // OneCycleLR._schedule_phases, same float arithmetic; momentum runs inverse to the rate.
    const phases: Phase[] = booleanParam(params, 'three_phase')
      ? [
          { endStep: pctStart * totalSteps - 1, startLr: initialLr, endLr: maxLr, startMomentum: high, endMomentum: low },
          { endStep: 2 * pctStart * totalSteps - 2, startLr: maxLr, endLr: initialLr, startMomentum: low, endMomentum: high },
          { endStep: totalSteps - 1, startLr: initialLr, endLr: minLr, startMomentum: high, endMomentum: high },
        ]
      : [
          { endStep: pctStart * totalSteps - 1, startLr: initialLr, endLr: maxLr, startMomentum: high, endMomentum: low },
          { endStep: totalSteps - 1, startLr: maxLr, endLr: minLr, startMomentum: low, endMomentum: high },
        ];
    const annealFn =
      anneal === 'cos'
        ? (start: number, end: number, pct: number) => end + ((start - end) / 2.0) * (Math.cos(Math.PI * pct) + 1)
        : (start: number, end: number, pct: number) => (end - start) * pct + start;
    // OneCycleLR.get_lr: the phase of `step` and the fraction of it done (the rate and the momentum share them).
    const phaseAt = (step: number): { phase: Phase; pct: number } => {
      // PyTorch raises past total_steps; it still computes step == total_steps (the final scheduler.step()).
      if (step > totalSteps) {
        throw new ScheduleSpecError(`${where}: step ${step} is past total_steps=${totalSteps}`, { code: 'invalid-rate', parameter: 'total_steps' });
      }
      let startStep = 0;
      for (let i = 0; i < phases.length; i++) {
        const phase = phases[i]!;
        if (step <= phase.endStep || i === phases.length - 1) {
          if (phase.endStep === startStep) {
            // Python would raise ZeroDivisionError here.
            throw new ScheduleSpecError(
              `${where}: pct_start=${pctStart} with total_steps=${totalSteps} gives a phase of zero steps; change pct_start or total_steps`,
              { code: 'invalid-value', parameter: 'pct_start' },
            );
          }
          return { phase, pct: (step - startStep) / (phase.endStep - startStep) };
        }
        startStep = phase.endStep;
      }
      throw new Error('unreachable: the last phase always matches');
    };
    return {
      kind: 'closed-form',
      // OneCycleLR overwrites group["initial_lr"], which SequentialLR restores before warmup.
      warmupTarget: initialLr,
      lrAt(step) {
        const { phase, pct } = phaseAt(step);
        return annealFn(phase.startLr, phase.endLr, pct);
      },
      ...(booleanParam(params, 'cycle_momentum')
        ? {
            momentumAt(step: number): number {
              const { phase, pct } = phaseAt(step);
              return annealFn(phase.startMomentum, phase.endMomentum, pct);
            },
          }
        : {}),
    };
  },
};
