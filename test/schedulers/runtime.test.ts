/** What only the run can tell: context checks, custom modules, learningRates, purity. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScheduleSpecError, UsageError } from '../../src/errors.js';
import { createScheduler, learningRates, parseSchedulerSpec, SCHEDULER_NAMES } from '../../src/schedulers/index.js';
import type { ClosedFormScheduler, ScheduleContext, Scheduler } from '../../src/schedulers/index.js';

const CONTEXT: ScheduleContext = { baseLr: 0.1, epochs: 20, batchesPerEpoch: 10 };
const MODULES = 'test/fixtures/schedules/modules';

function create(spec: string, context: ScheduleContext = CONTEXT): Promise<Scheduler> {
  return createScheduler(parseSchedulerSpec(spec), context);
}

async function closedForm(spec: string, context: ScheduleContext = CONTEXT): Promise<ClosedFormScheduler> {
  const scheduler = await create(spec, context);
  if (scheduler.kind !== 'closed-form') throw new Error(`${spec} is not closed-form`);
  return scheduler;
}

async function expectScheduleError(promise: Promise<unknown>, ...fragments: string[]): Promise<void> {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ScheduleSpecError);
  for (const fragment of fragments) expect((error as ScheduleSpecError).message).toContain(fragment);
  expect((error as ScheduleSpecError).message).not.toContain('\n');
}

describe('context-dependent checks', () => {
  it('rejects warmup that covers the whole run', async () => {
    await expectScheduleError(create('cosine:warmup=20'), 'warmup=20 leaves no step of the 20-epoch run', 'warmup < 20');
    // In batches the run has 200 steps: 20 of linear warmup from a third of the rate, then a 180-step cosine.
    const batchWise = await closedForm('cosine:warmup=20,unit=batch');
    expect(batchWise.unit).toBe('batch');
    const cosine = (j: number) => (0.1 * (1 + Math.cos((Math.PI * j) / 180))) / 2;
    for (const [step, expected] of [[0, 0.1 / 3], [10, (0.1 * 2) / 3], [20, 0.1], [110, cosine(90)], [199, cosine(179)]]) {
      expect(batchWise.lrAt(step), `step ${step}`).toBeCloseTo(expected, 15);
    }
  });

  it('rejects onecycle total_steps smaller than the run', async () => {
    await expectScheduleError(create('onecycle:total_steps=19'), 'total_steps=19 is smaller than the 20 steps');
    await expectScheduleError(create('onecycle:total_steps=150,unit=batch'), 'total_steps=150 is smaller than the 200 steps');
    // Warmup shortens what onecycle must cover.
    // 5 warmup epochs up to onecycle's first rate (max_lr / 25), then 15 onecycle steps (PyTorch's
    // cosine up over pct_start * 15 - 1 = 3.5 steps, down to initial / 1e4 at its last step).
    const shortened = await closedForm('onecycle:total_steps=15,warmup=5');
    const initial = 0.1 / 25;
    for (const [step, expected] of [[0, initial / 3], [5, initial], [6, initial + ((0.1 - initial) * (1 - Math.cos(Math.PI / 3.5))) / 2], [19, initial / 1e4]]) {
      expect(shortened.lrAt(step), `step ${step}`).toBeCloseTo(expected, 15);
    }
  });

  it("onecycle computes step total_steps (PyTorch's last scheduler.step()) but refuses to go past it", async () => {
    const scheduler = await closedForm('onecycle:total_steps=30');
    expect(Number.isFinite(scheduler.lrAt(30))).toBe(true);
    expect(() => scheduler.lrAt(31)).toThrow(ScheduleSpecError);
    expect(() => scheduler.lrAt(31)).toThrow('step 31 is past total_steps=30');
  });

  it('rejects onecycle phases of zero steps (a division by zero in PyTorch)', async () => {
    // pct_start x total_steps = 1: the first phase ends at step 0.
    await expectScheduleError(create('onecycle:pct_start=0.05'), 'gives a phase of zero steps');
  });

  it('rejects a bad context', async () => {
    await expectScheduleError(create('step', { ...CONTEXT, baseLr: 0 }), 'base learning rate must be a positive number');
    await expectScheduleError(create('step', { ...CONTEXT, epochs: 0 }), 'epochs must be a whole number >= 1');
    await expectScheduleError(create('step', { ...CONTEXT, batchesPerEpoch: 1.5 }), 'batches per epoch');
  });

  it('derives run-dependent defaults from the schedule length in its unit, less warmup', async () => {
    const cosine = await closedForm('cosine:unit=batch');
    expect(cosine.lrAt(200)).toBeCloseTo(0, 15); // t_max = 20 epochs x 10 batches
    const warmedCosine = await closedForm('cosine:warmup=4');
    expect(warmedCosine.lrAt(4)).toBeCloseTo(0.1, 15);
    expect(warmedCosine.lrAt(20)).toBeCloseTo(0, 15); // t_max = 20 - 4
    const multistep = await closedForm('multistep');
    expect([9, 10, 14, 15].map((step) => multistep.lrAt(step))).toEqual([0.1, 0.1 * 0.1, 0.1 * 0.1, 0.1 * 0.1 ** 2]);
    const restarts = await closedForm('cosine_restarts');
    expect(restarts.lrAt(5)).toBe(0.1); // t_0 = 20 / 4
  });

  it('cyclic and onecycle set the initial rate themselves, not --lr', async () => {
    expect((await closedForm('cyclic')).lrAt(0)).toBe(0.001);
    expect((await closedForm('onecycle:max_lr=0.5')).lrAt(0)).toBeCloseTo(0.02, 15);
  });
});

describe('warmup', () => {
  it('ramps linearly from warmup_start x base and starts the schedule at its own step 0', async () => {
    const scheduler = await closedForm('exponential:gamma=0.5,warmup=4,warmup_start=0.2');
    const expected = [0.02, 0.04, 0.06, 0.08, 0.1, 0.05, 0.025];
    learningRates(scheduler, 7).forEach((rate, step) => expect(rate).toBeCloseTo(expected[step]!, 15));
  });

  it('applies to plateau: warmup epochs ignore their metrics, then plateau starts at base', async () => {
    const scheduler = await create('plateau:patience=0,warmup=3,warmup_start=0.5');
    const rates = learningRates(scheduler, 7, [9, 9, 9, 1, 2, 3]);
    const expected = [0.05, 0.1 * (0.5 + 0.5 / 3), 0.1 * (0.5 + 1 / 3), 0.1, 0.1, 0.05, 0.025];
    rates.forEach((rate, step) => expect(rate).toBeCloseTo(expected[step]!, 15));
  });
});

describe('custom modules', () => {
  it('load a default export or an export named lr', async () => {
    expect((await closedForm(`custom:module=${MODULES}/exponential-default.mjs`)).lrAt(2)).toBeCloseTo(0.1 * 0.81, 15);
    expect((await closedForm(`custom:module=${MODULES}/inverse-time-named.mjs`)).lrAt(10)).toBeCloseTo(0.05, 15);
  });

  it('report a missing file, a module without a function, or one that does not load', async () => {
    await expectScheduleError(create(`custom:module=${MODULES}/missing.mjs`), "module file 'test/fixtures/schedules/modules/missing.mjs' not found");
    await expectScheduleError(create(`custom:module=${MODULES}/no-function.mjs`), "must export a function (step, baseLr) => lr as its default export or as 'lr'");
    await expectScheduleError(create(`custom:module=${MODULES}/syntax-error.mjs`), 'cannot load module');
  });

  it('are checked over the whole run before training, naming the step', async () => {
    await expectScheduleError(create(`custom:module=${MODULES}/negative-at-step-5.mjs`), 'returned -0.1 at step 5', 'positive finite number');
    await expectScheduleError(create(`custom:module=${MODULES}/nan-at-step-3.mjs`), 'returned NaN at step 3');
    await expectScheduleError(create(`custom:module=${MODULES}/throws-at-step-2.mjs`), 'threw at step 2: boom');
  });

  it('are checked again on every call', async () => {
    const shortRun = { ...CONTEXT, epochs: 10 };
    const scheduler = await closedForm(`custom:module=${MODULES}/fails-late.mjs`, shortRun);
    expect(scheduler.lrAt(9)).toBe(0.1);
    expect(() => scheduler.lrAt(12)).toThrow(ScheduleSpecError);
    expect(() => scheduler.lrAt(12)).toThrow('returned 0 at step 12');
  });
});

describe('learningRates', () => {
  it('needs a metric for each step but the last for plateau', async () => {
    await expect(create('plateau').then((scheduler) => learningRates(scheduler, 5, [1, 1]))).rejects.toThrow(
      'needs a metric for each of the first 4 steps, got 2',
    );
    await expect(create('plateau').then((scheduler) => learningRates(scheduler, 5))).rejects.toThrow(UsageError);
    expect(learningRates(await create('plateau'), 1)).toEqual([0.1]);
    expect(learningRates(await create('plateau'), 3, [1, 1, 1])).toEqual([0.1, 0.1, 0.1]);
  });

  it('ignores metrics for closed-form schedules and rejects a bad step count', async () => {
    expect(learningRates(await create('none'), 3, [5, 6, 7])).toEqual([0.1, 0.1, 0.1]);
    expect(() => learningRates({ kind: 'closed-form', unit: 'epoch', lrAt: () => 1 }, -1)).toThrow(UsageError);
  });
});

/** A per-epoch spec of every closed-form scheduler: the first such case of its golden fixture (required parameters given). */
function exampleSpecs(): string[] {
  const directory = join(import.meta.dirname, '../fixtures/schedules');
  return SCHEDULER_NAMES.filter((name) => name !== 'plateau' && name !== 'keras_plateau').map((name) => {
    const fixture = JSON.parse(readFileSync(join(directory, `${name}.json`), 'utf8')) as { cases: { spec: string }[] };
    const spec = fixture.cases.map((golden) => golden.spec).find((text) => !/[:,]unit=batch/.test(text) && !/[:,]warmup=/.test(text.replace(/\(.*\)/, '')));
    if (spec === undefined) throw new Error(`no per-epoch golden case without warmup for ${name}`);
    return spec;
  });
}

describe('closed-form schedules are pure', () => {
  const specs = exampleSpecs();
  it('cover every closed-form scheduler', () => expect(specs).toHaveLength(SCHEDULER_NAMES.length - 2));

  it.each(specs)('%s gives the same rate for a step whatever was asked before', async (spec) => {
    const scheduler = await closedForm(`${spec}${spec.replace(/\(.*\)/, '()').includes(':') ? ',' : ':'}warmup=3`);
    const forward = learningRates(scheduler, 20);
    const backward = Array.from({ length: 20 }, (_, index) => 19 - index).map((step) => scheduler.lrAt(step)).reverse();
    expect(backward).toEqual(forward);
    expect(scheduler.unit).toBe('epoch');
  });

  it('rejects steps that are not whole numbers >= 0', async () => {
    const scheduler = await closedForm('step');
    expect(() => scheduler.lrAt(-1)).toThrow(RangeError);
    expect(() => scheduler.lrAt(1.5)).toThrow(RangeError);
  });
});
