/**
 * `schedule(spec, context)`: the scheduler the CLI builds from a spec, for any
 * training code. It is the same path as the CLI's (parseSchedulerSpec, then
 * createScheduler), so a spec means the same rates in both places.
 */
import { ScheduleSpecError } from '../errors.js';
import { createScheduler } from '../schedulers/create.js';
import { completeParams, describeScheduler, lookUpScheduler, parseSchedulerSpec } from '../schedulers/spec.js';
import type { ResolvedSchedulerSpec, ScheduleContext, Scheduler, StepUnit } from '../schedulers/types.js';

/**
 * A validated schedule with its parameters: what `schedules.*` return and what
 * `parseSchedulerSpec` makes of a spec string. Build it for a run with `schedule`.
 */
export type ScheduleSpec = ResolvedSchedulerSpec;

/** What a schedule may depend on besides its own parameters. */
export interface ScheduleRunContext {
  /** The base learning rate, as given to the optimizer. */
  readonly lr: number;
  /**
   * Epochs of the run. Needed only when a parameter defaults to the run's
   * length (cosine's t_max, onecycle's total_steps, multistep's milestones).
   */
  readonly epochs?: number;
  /** Batches per epoch; needed with epochs for a `unit=batch` schedule whose defaults follow the run's length. */
  readonly stepsPerEpoch?: number;
}

function unitOf(params: ScheduleSpec['params']): StepUnit {
  return params.unit === 'batch' ? 'batch' : 'epoch';
}

/**
 * The run's length in the schedule's unit is unknown: then no parameter may
 * depend on it, and the schedule is built for the shortest run that holds its
 * warmup (the closed form itself is not bounded by the run).
 */
function contextWithoutRunLength(spec: ScheduleSpec, context: ScheduleRunContext): ScheduleContext {
  const definition = lookUpScheduler(spec.name);
  const params = completeParams(definition, spec.params);
  // completeParams leaves out exactly the parameters whose default depends on the run.
  const runDependent = definition.params.filter((param) => params[param.key] === undefined).map((param) => param.key);
  const unit = unitOf(params);
  if (runDependent.length > 0) {
    const needs = unit === 'batch' ? 'context.epochs and context.stepsPerEpoch' : 'context.epochs';
    throw new ScheduleSpecError(
      `${describeScheduler(spec.name)}: ${runDependent.join(', ')} default${runDependent.length === 1 ? 's' : ''} to the run's length; ` +
        `give ${needs}, or set ${runDependent.map((key) => `${key}=...`).join(', ')}`,
      { code: 'invalid-context', parameter: runDependent[0] },
    );
  }
  const steps = (typeof params.warmup === 'number' ? params.warmup : 0) + 1;
  return unit === 'batch'
    ? { baseLr: context.lr, epochs: 1, batchesPerEpoch: steps }
    : { baseLr: context.lr, epochs: context.epochs ?? steps, batchesPerEpoch: context.stepsPerEpoch ?? 1 };
}

/**
 * Builds the scheduler of one run from a spec string (`'cosine:t_max=50'`,
 * the CLI's grammar) or a spec from `schedules.*`.
 *
 * A closed-form schedule answers `lrAt(step)` (step counted from 0 in its
 * unit); plateau answers `currentLr()` and is fed with `observe(metric)`.
 * Asynchronous because a `custom` spec loads a JavaScript module.
 *
 * @throws ScheduleSpecError with a one-line message, a `code` and the `parameter` at fault.
 */
export async function schedule(spec: string | ScheduleSpec, context: ScheduleRunContext): Promise<Scheduler> {
  // Called from JavaScript without a context, the first read below would be a TypeError, not the documented error.
  if (typeof context !== 'object' || context === null) {
    throw new ScheduleSpecError('schedule(spec, context) needs a context with the base learning rate, e.g. { lr: 0.1 }', { code: 'invalid-context' });
  }
  const resolved = typeof spec === 'string' ? parseSchedulerSpec(spec) : spec;
  const unit = unitOf(resolved.params);
  const runLengthKnown = context.epochs !== undefined && (unit === 'epoch' || context.stepsPerEpoch !== undefined);
  const runContext: ScheduleContext = runLengthKnown
    ? { baseLr: context.lr, epochs: context.epochs!, batchesPerEpoch: context.stepsPerEpoch ?? 1 }
    : contextWithoutRunLength(resolved, context);
  return createScheduler(resolved, runContext);
}
