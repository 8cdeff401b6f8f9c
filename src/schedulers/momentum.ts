/** The momentum parameters PyTorch's CyclicLR and OneCycleLR share (cycle_momentum, base_momentum, max_momentum). */
import type { ParamDefinition } from './params.js';

/** The three parameters, with a scheduler's own PyTorch defaults (CyclicLR 0.8-0.9, OneCycleLR 0.85-0.95). */
export function momentumParams(baseMomentum: number, maxMomentum: number): ParamDefinition[] {
  return [
    {
      key: 'cycle_momentum',
      type: 'boolean',
      default: true,
      description: 'Cycle the momentum inversely to the rate (momentum SGD: its momentum; adam/adamw: beta1; rmsprop: its momentum); plain sgd and schedule-free optimizers keep theirs.',
    },
    { key: 'base_momentum', type: 'number', range: { min: 0, max: 1, maxExclusive: true }, default: baseMomentum, description: 'Momentum where the rate peaks.' },
    { key: 'max_momentum', type: 'number', range: { min: 0, max: 1, maxExclusive: true }, default: maxMomentum, description: 'Momentum where the rate is lowest.' },
  ];
}

/** The catalogue note on momentum, the same for both schedulers. */
export function momentumNote(base: string, max: string, shape: string): string {
  return (
    `Momentum cycles as in PyTorch (cycle_momentum=true, ${base}..${max}: it ${shape}) with --optimizer momentum, adam, adamw (beta1) and rmsprop. ` +
    'Plain sgd stays plain: PyTorch would silently switch momentum on for SGD; lr-compare does not (the source article\'s CyclicalLR has no momentum), so pass --optimizer momentum to get what PyTorch users get. ' +
    'During warmup the momentum is the cycle\'s first (max_momentum), as PyTorch leaves it.'
  );
}
