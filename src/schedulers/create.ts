/** Building a scheduler for a run, and reading a schedule out as a sequence of rates. */
import { ScheduleSpecError, UsageError } from '../errors.js';
import { DEFAULT_WARMUP_START } from './definition.js';
import { linearFactorLr } from './linear.js';
import { numberParam, stringParam } from './params.js';
import { completeParams, describeScheduler, lookUpScheduler, parseSchedulerSpec } from './spec.js';
import type { JoinPart } from './join.js';
import { join } from './join.js';
import type { ClosedFormScheduler, ResolvedSchedulerSpec, ScheduleContext, Scheduler, StepUnit } from './types.js';

function checkContext(context: ScheduleContext): void {
  const { baseLr, epochs, batchesPerEpoch } = context;
  if (!(Number.isFinite(baseLr) && baseLr > 0)) {
    throw new ScheduleSpecError(`the base learning rate must be a positive number, got ${baseLr}`, { code: 'invalid-context' });
  }
  if (!(Number.isSafeInteger(epochs) && epochs >= 1)) {
    throw new ScheduleSpecError(`the number of epochs must be a whole number >= 1, got ${epochs}`, { code: 'invalid-context' });
  }
  if (!(Number.isSafeInteger(batchesPerEpoch) && batchesPerEpoch >= 1)) {
    throw new ScheduleSpecError(`batches per epoch must be a whole number >= 1, got ${batchesPerEpoch}`, { code: 'invalid-context' });
  }
}

/** The run's length in the schedule's unit. */
export function runSteps(unit: StepUnit, context: ScheduleContext): number {
  return unit === 'epoch' ? context.epochs : context.epochs * context.batchesPerEpoch;
}

function checkStep(step: number): void {
  if (!(Number.isSafeInteger(step) && step >= 0)) throw new RangeError(`a schedule step must be a whole number >= 0, got ${step}`);
}

/**
 * Builds one schedule over `steps` steps of its unit, warmup included: warmup
 * is `join([LinearLR ramp], [S], [warmup])`, which is what PyTorch's
 * SequentialLR([LinearLR, S], milestones=[warmup]) produces (the ramp goes
 * toward S's warmupTarget; metric-driven S ignores the metrics of warmup steps
 * and starts fresh). Composite schedules build their parts with it.
 */
export async function buildSchedulePart(spec: ResolvedSchedulerSpec, baseLr: number, steps: number): Promise<{ part: JoinPart; unit: StepUnit }> {
  const definition = lookUpScheduler(spec.name);
  const where = describeScheduler(spec.name);
  const params = completeParams(definition, spec.params);
  const unit: StepUnit = stringParam(params, 'unit') === 'batch' ? 'batch' : 'epoch';
  const warmup = numberParam(params, 'warmup');
  const warmupStart = params.warmup_start === undefined ? DEFAULT_WARMUP_START : numberParam(params, 'warmup_start');
  if (warmup >= steps) {
    throw new ScheduleSpecError(`${where}: warmup=${warmup} leaves no step of the ${steps}-${unit} run for the schedule; use warmup < ${steps}`, { code: 'invalid-context', parameter: 'warmup' });
  }
  const built = await definition.build({
    params,
    baseLr,
    scheduleSteps: steps - warmup,
    where,
    buildPart: async (text, partSteps) => {
      const partSpec = parseSchedulerSpec(text);
      return { spec: partSpec, part: (await buildSchedulePart(partSpec, baseLr, partSteps)).part };
    },
  });
  const main: JoinPart =
    built.kind === 'metric-driven' ? built : { kind: 'closed-form', lrAt: built.lrAt, ...(built.momentumAt ? { momentumAt: built.momentumAt } : {}) };
  if (warmup === 0) return { part: main, unit };
  const target = built.kind === 'closed-form' ? built.warmupTarget : baseLr;
  const ramp: JoinPart = { kind: 'closed-form', lrAt: (step) => linearFactorLr(target, warmupStart, 1, warmup, step) };
  const joined = join([ramp, main], [warmup], unit);
  if (joined.kind !== 'closed-form') return { part: { kind: 'metric-driven', scheduler: joined }, unit };
  const mainMomentumAt = built.kind === 'closed-form' ? built.momentumAt : undefined;
  // PyTorch's CyclicLR and OneCycleLR set the momentum of their step 0 when built, and LinearLR leaves it: warmup holds it.
  const momentumAt = mainMomentumAt && ((step: number) => mainMomentumAt(step < warmup ? 0 : step - warmup));
  return { part: { kind: 'closed-form', lrAt: joined.lrAt, ...(momentumAt ? { momentumAt } : {}) }, unit };
}

/**
 * Builds the scheduler of one run. Re-validates the spec's parameters, fills in
 * the defaults that depend on the run, checks what only the run can tell
 * (warmup shorter than the run, onecycle's total_steps covering it) and, for
 * closed-form schedules, computes every step of the run once so that a bad
 * value (a custom module returning 0, a zero-length onecycle phase) fails now,
 * before any training.
 */
export async function createScheduler(spec: ResolvedSchedulerSpec, context: ScheduleContext): Promise<Scheduler> {
  checkContext(context);
  const where = describeScheduler(spec.name);
  const declaredUnit: StepUnit = spec.params.unit === 'batch' ? 'batch' : 'epoch';
  const totalSteps = runSteps(declaredUnit, context);
  const { part, unit } = await buildSchedulePart(spec, context.baseLr, totalSteps);
  if (part.kind === 'metric-driven') return part.scheduler;

  const scheduleLrAt = part.lrAt;
  const scheduleMomentumAt = part.momentumAt;
  const scheduler: ClosedFormScheduler = {
    kind: 'closed-form',
    unit,
    lrAt(step: number): number {
      checkStep(step);
      return scheduleLrAt(step);
    },
    ...(scheduleMomentumAt
      ? {
          momentumAt(step: number): number {
            checkStep(step);
            return scheduleMomentumAt(step);
          },
        }
      : {}),
  };
  for (let step = 0; step < totalSteps; step++) {
    const lr = scheduler.lrAt(step);
    if (!(Number.isFinite(lr) && lr >= 0)) {
      throw new ScheduleSpecError(`${where}: the learning rate at step ${step} would be ${lr}; check its parameters`, { code: 'invalid-rate' });
    }
  }
  return scheduler;
}

/** The momentum during each step i = 0..steps-1, or undefined when the schedule does not cycle momentum. */
export function momentums(scheduler: Scheduler, steps: number): number[] | undefined {
  if (scheduler.kind !== 'closed-form' || !scheduler.momentumAt) return undefined;
  const momentumAt = scheduler.momentumAt;
  return Array.from({ length: steps }, (_, step) => momentumAt(step));
}

/**
 * The rate used during each step i = 0..steps-1. For a metric-driven
 * scheduler, metrics[i] is observed at the end of step i (so it can change
 * step i+1): at least steps-1 metrics are needed, and the scheduler's state
 * advances as it is read.
 */
export function learningRates(scheduler: Scheduler, steps: number, metrics?: readonly number[]): number[] {
  if (!(Number.isSafeInteger(steps) && steps >= 0)) throw new UsageError(`the number of steps must be a whole number >= 0, got ${steps}`);
  if (scheduler.kind === 'closed-form') return Array.from({ length: steps }, (_, step) => scheduler.lrAt(step));

  const needed = Math.max(0, steps - 1);
  const given = metrics ?? [];
  if (given.length < needed) {
    throw new UsageError(
      `a metric-driven scheduler (plateau) needs a metric for each of the first ${needed} steps, got ${given.length}; pass them with --metrics`,
    );
  }
  const rates: number[] = [];
  for (let step = 0; step < steps; step++) {
    rates.push(scheduler.currentLr());
    if (step < given.length) scheduler.observe(given[step]!);
  }
  return rates;
}
