/**
 * The optimizers a run may use, by name. Declared here, below the engine, so
 * that a scheduler spec can carry its own optimizer (`optimizer=` beside
 * `label=`) and be validated without tfjs; train/optimizers.ts builds them.
 */
export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'adam', 'rmsprop', 'adamw', 'schedulefree_sgd', 'schedulefree_adamw'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export function isOptimizerName(text: string): text is OptimizerName {
  return (OPTIMIZER_NAMES as readonly string[]).includes(text);
}

/**
 * The optimizers whose momentum coefficient a schedule's `momentumAt` drives
 * (PyTorch's cycle_momentum): momentum SGD's momentum, Adam's and AdamW's
 * beta1, RMSProp's momentum. Not plain SGD: PyTorch would silently switch its
 * momentum on, lr-compare keeps plain SGD plain. Not the schedule-free ones:
 * their beta is the interpolation between the averaged and the SGD iterate,
 * and their evaluation weights are computed from it, so it must stay fixed.
 */
export const MOMENTUM_CYCLING_OPTIMIZERS: readonly OptimizerName[] = ['momentum', 'adam', 'rmsprop', 'adamw'];

export function cyclesMomentum(optimizer: OptimizerName): boolean {
  return MOMENTUM_CYCLING_OPTIMIZERS.includes(optimizer);
}
