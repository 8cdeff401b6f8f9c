/**
 * The scheduler registry: the one table of names, descriptions, parameters and
 * constructors. The spec parser, the error messages, `lr-compare schedules`,
 * the --help text and docs/schedulers.md are all generated from it.
 */
import { chainedScheduler, sequentialScheduler } from './compose.js';
import { customScheduler } from './custom.js';
import { cosineRestartsScheduler, cosineScheduler } from './cosine.js';
import { cyclicScheduler } from './cyclic.js';
import type { SchedulerDefinition } from './definition.js';
import { SHARED_PARAMS } from './definition.js';
import { exponentialScheduler } from './exponential.js';
import { constantScheduler, linearScheduler } from './linear.js';
import {
  constantWithWarmupScheduler,
  cosineWithHardRestartsScheduler,
  cosineWithMinLrScheduler,
  cosineWithWarmupScheduler,
  inverseSqrtScheduler,
  linearWithWarmupScheduler,
  polynomialWithWarmupScheduler,
  wsdScheduler,
} from './huggingface.js';
import {
  cosineDecayRestartsScheduler,
  cosineDecayScheduler,
  exponentialDecayScheduler,
  inverseTimeDecayScheduler,
  piecewiseConstantDecayScheduler,
  polynomialDecayScheduler,
} from './keras.js';
import { kerasPlateauScheduler } from './keras-plateau.js';
import { noneScheduler } from './none.js';
import { linearOnecycleScheduler, warmupCosineDecayScheduler, warmupExponentialDecayScheduler } from './optax.js';
import { cosineCyclesScheduler, tanhScheduler } from './timm.js';
import { onecycleScheduler } from './onecycle.js';
import { plateauScheduler } from './plateau.js';
import { polynomialScheduler } from './polynomial.js';
import { multistepScheduler, stepScheduler } from './step.js';

/** A definition's own parameters followed by the shared ones it does not redefine. */
function withSharedParams(definition: SchedulerDefinition): SchedulerDefinition {
  const own = new Set(definition.params.map((param) => param.key));
  return { ...definition, params: [...definition.params, ...SHARED_PARAMS.filter((param) => !own.has(param.key))] };
}

const DEFINITIONS = [
  stepScheduler,
  multistepScheduler,
  exponentialScheduler,
  cosineScheduler,
  cosineRestartsScheduler,
  plateauScheduler,
  cyclicScheduler,
  onecycleScheduler,
  polynomialScheduler,
  linearScheduler,
  constantScheduler,
  noneScheduler,
  // custom.ts belongs to the sandboxing work; its catalogue comparison is added here.
  {
    ...customScheduler,
    differs:
      'Keras LearningRateSchedule subclasses and optax schedules are also functions of the step; here the function gets (step, baseLr) and returns an absolute rate.',
  },
  sequentialScheduler,
  chainedScheduler,
  exponentialDecayScheduler,
  inverseTimeDecayScheduler,
  piecewiseConstantDecayScheduler,
  polynomialDecayScheduler,
  cosineDecayScheduler,
  cosineDecayRestartsScheduler,
  kerasPlateauScheduler,
  constantWithWarmupScheduler,
  linearWithWarmupScheduler,
  cosineWithWarmupScheduler,
  cosineWithHardRestartsScheduler,
  polynomialWithWarmupScheduler,
  inverseSqrtScheduler,
  cosineWithMinLrScheduler,
  wsdScheduler,
  warmupCosineDecayScheduler,
  warmupExponentialDecayScheduler,
  linearOnecycleScheduler,
  tanhScheduler,
  cosineCyclesScheduler,
];

/**
 * name -> definition, in catalogue order. Each entry's `params` lists every
 * parameter it accepts, the shared unit/warmup/warmup_start included.
 */
export const SCHEDULER_REGISTRY: Readonly<Record<string, SchedulerDefinition>> = Object.freeze(
  Object.fromEntries(DEFINITIONS.map((definition) => [definition.name, withSharedParams(definition)])),
);

/** Every registered name, in catalogue order. */
export const SCHEDULER_NAMES: readonly string[] = Object.freeze(DEFINITIONS.map((definition) => definition.name));

/** What `--schedulers all` means: the source article's five. */
export const ARTICLE_SCHEDULERS: readonly string[] = Object.freeze(['step', 'exponential', 'cosine', 'plateau', 'cyclic']);

/** The word that selects ARTICLE_SCHEDULERS in `--schedulers`. */
export const ALL_SCHEDULERS = 'all';

export function findScheduler(name: string): SchedulerDefinition | undefined {
  return Object.hasOwn(SCHEDULER_REGISTRY, name) ? SCHEDULER_REGISTRY[name] : undefined;
}
