/**
 * join() (optax join_schedules semantics), the composite spec grammar of
 * sequential(...)/chained(...), and the refusals and one-line errors of the
 * schedules from other libraries. Sequences themselves are checked against
 * the libraries in golden.test.ts; these tests pin the rules around them.
 */
import { describe, expect, it } from 'vitest';
import { ScheduleSpecError } from '../../src/errors.js';
import { createScheduler, learningRates, parseSchedulerSpec } from '../../src/schedulers/index.js';
import type { MetricDrivenScheduler, ScheduleContext, Scheduler } from '../../src/schedulers/index.js';
import { join, joinClosedForm } from '../../src/schedulers/join.js';

/** Same rates up to float64 rounding of the arithmetic (1e-12 relative). */
function expectRates(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((rate, step) => expect(Math.abs(rate - expected[step]!), `step ${step}: ${rate} vs ${expected[step]}`).toBeLessThanOrEqual(1e-12 * Math.abs(expected[step]!)));
}

const CONTEXT: ScheduleContext = { baseLr: 0.1, epochs: 20, batchesPerEpoch: 10 };

function create(spec: string, context: ScheduleContext = CONTEXT): Promise<Scheduler> {
  return createScheduler(parseSchedulerSpec(spec), context);
}

function oneLineUsageError(action: () => unknown, ...fragments: string[]): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ScheduleSpecError);
  for (const fragment of fragments) expect((thrown as Error).message).toContain(fragment);
  expect((thrown as Error).message).not.toContain('\n');
}

async function oneLineUsageErrorAsync(promise: Promise<unknown>, ...fragments: string[]): Promise<void> {
  const thrown = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(thrown).toBeInstanceOf(ScheduleSpecError);
  for (const fragment of fragments) expect((thrown as Error).message).toContain(fragment);
  expect((thrown as Error).message).not.toContain('\n');
}

describe('join (optax join_schedules)', () => {
  it('runs part i from boundary i-1 on, counting from its own step 0', () => {
    const joined = joinClosedForm([(step) => step, (step) => 100 + step, (step) => 1000 + step], [3, 5]);
    expect(Array.from({ length: 8 }, (_, step) => joined(step))).toEqual([0, 1, 2, 100, 101, 1000, 1001, 1002]);
  });

  it('a boundary of 0 skips the first part, as optax does for warmup_steps=0', () => {
    const joined = joinClosedForm([() => -1, (step) => step], [0]);
    expect([0, 1, 2].map(joined)).toEqual([0, 1, 2]);
  });

  it('refuses a boundary count that does not fit the parts, and decreasing boundaries', () => {
    expect(() => joinClosedForm([() => 1, () => 2], [])).toThrow('one boundary fewer than schedules');
    expect(() => joinClosedForm([() => 1, () => 2, () => 3], [5, 2])).toThrow('non-decreasing');
  });

  it('with a metric-driven part, feeds it only the metrics of its own steps', () => {
    const seen: number[] = [];
    const metricPart: MetricDrivenScheduler = {
      kind: 'metric-driven',
      unit: 'epoch',
      monitor: 'val_loss',
      currentLr: () => 42,
      observe: (metric) => void seen.push(metric),
    };
    const joined = join([{ kind: 'closed-form', lrAt: (step) => step / 10 }, { kind: 'metric-driven', scheduler: metricPart }], [2]);
    expect(joined.kind).toBe('metric-driven');
    expect(learningRates(joined, 5, [10, 11, 12, 13])).toEqual([0, 0.1, 42, 42, 42]);
    expect(seen).toEqual([12, 13]);
  });
});

describe('composite spec grammar', () => {
  it('keeps the parts whole, with their own : , and |, apart from the composite parameters', () => {
    const spec = parseSchedulerSpec('sequential(multistep:milestones=2|4,gamma=0.5; cosine:eta_min=0.01):milestones=6,unit=batch,label=mine');
    expect(spec.name).toBe('sequential');
    expect(spec.label).toBe('mine');
    expect(spec.params.schedulers).toBe('multistep:milestones=2|4,gamma=0.5; cosine:eta_min=0.01');
    expect(spec.params.milestones).toEqual([6]);
    expect(spec.params.unit).toBe('batch');
  });

  it('nests composites', async () => {
    const scheduler = await create('sequential(chained(constant:factor=0.5,total_iters=4; exponential:gamma=0.5); none):milestones=3');
    if (scheduler.kind !== 'closed-form') throw new Error('expected closed-form');
    expectRates(learningRates(scheduler, 5), [0.05, 0.025, 0.0125, 0.1, 0.1]);
  });

  it('gives each sequential part its own span as the run-length default', async () => {
    // 20 epochs, cosine from milestone 5: t_max = 15, so it reaches 0 exactly at the run's end.
    const scheduler = await create('sequential(none; cosine):milestones=5');
    if (scheduler.kind !== 'closed-form') throw new Error('expected closed-form');
    expect(scheduler.lrAt(5)).toBe(0.1);
    expect(scheduler.lrAt(19)).toBeGreaterThan(0);
    expect(scheduler.lrAt(20)).toBeCloseTo(0, 15);
  });

  it('refuses malformed composites in one line naming what is wrong', () => {
    oneLineUsageError(() => parseSchedulerSpec('sequential(step; cosine'), "unbalanced '('");
    oneLineUsageError(() => parseSchedulerSpec('sequential(step; cosine)x'), "unexpected 'x' after ')'");
    oneLineUsageError(() => parseSchedulerSpec('sequential:milestones=5'), 'needs its parts in parentheses');
    oneLineUsageError(() => parseSchedulerSpec('sequential(step; cosine)'), 'needs milestones=');
    oneLineUsageError(() => parseSchedulerSpec('sequential(step; cosine):milestones=5|9'), '2 parts, 2 milestones');
    oneLineUsageError(() => parseSchedulerSpec('sequential(step; ; cosine):milestones=5|9'), 'an empty part');
    oneLineUsageError(() => parseSchedulerSpec('step(cosine)'), 'takes no parts in parentheses');
    oneLineUsageError(() => parseSchedulerSpec('chained(step:label=x; cosine_restarts)'), "'label=' belongs on the chained(...)");
    oneLineUsageError(() => parseSchedulerSpec('chained(step:unit=batch; exponential)'), "'unit=' belongs on the chained(...)");
    oneLineUsageError(() => parseSchedulerSpec('chained(step:gamma=2x; exponential)'), 'gamma must be a number');
    oneLineUsageError(() => parseSchedulerSpec(`chained(${Array(17).fill('step').join('; ')})`), 'at most 16 parts, got 17');
    oneLineUsageError(() => parseSchedulerSpec('chained(chained(chained(chained(chained(step)))))'), 'nest at most 4 deep');
    expect(() => parseSchedulerSpec('chained(chained(chained(chained(step))))')).not.toThrow();
  });

  it('refuses parts whose PyTorch composition is not what lr-compare would compute', async () => {
    oneLineUsageError(() => parseSchedulerSpec('sequential(none; onecycle):milestones=5'), "'onecycle' cannot be a part");
    oneLineUsageError(() => parseSchedulerSpec('chained(cosine; exponential)'), "'cosine' cannot be chained");
    oneLineUsageError(() => parseSchedulerSpec('chained(plateau; exponential)'), "'plateau' cannot be chained");
    await oneLineUsageErrorAsync(create('sequential(none; keras_plateau):milestones=5'), 'metric-driven');
    await oneLineUsageErrorAsync(create('chained(step:warmup=2; exponential)'), 'cannot take warmup=');
  });

  it('chained multiplies chainable parts and lets an overwriting part (LambdaLR) reset the product', async () => {
    const product = await create('chained(step:step_size=2,gamma=0.5; exponential:gamma=0.9)');
    if (product.kind !== 'closed-form') throw new Error('expected closed-form');
    expect(product.lrAt(3)).toBeCloseTo(0.1 * 0.5 * 0.9 ** 3, 15);
    // cosine_restarts overwrites: the step part before it has no effect.
    const overwritten = await create('chained(step:step_size=1,gamma=0.5; cosine_restarts:t_0=10)');
    const alone = await create('cosine_restarts:t_0=10');
    if (overwritten.kind !== 'closed-form' || alone.kind !== 'closed-form') throw new Error('expected closed-form');
    expect(learningRates(overwritten, 12)).toEqual(learningRates(alone, 12));
  });
});

describe('schedules from other libraries', () => {
  it('name a required library parameter in one line when it is missing', () => {
    oneLineUsageError(() => parseSchedulerSpec('exponential_decay:decay_rate=0.5'), "'exponential_decay' needs decay_steps=");
    oneLineUsageError(() => parseSchedulerSpec('wsd:num_warmup_steps=5'), "'wsd' needs num_decay_steps=");
    oneLineUsageError(() => parseSchedulerSpec('cosine_with_warmup'), "'cosine_with_warmup' needs num_warmup_steps=");
    oneLineUsageError(() => parseSchedulerSpec('warmup_cosine_decay:warmup_steps=5'), "'warmup_cosine_decay' needs init_value=");
    oneLineUsageError(() => parseSchedulerSpec('cosine_with_min_lr:num_warmup_steps=1'), 'needs min_lr_rate=... (a fraction of --lr) or min_lr=...');
    oneLineUsageError(() => parseSchedulerSpec('cosine_with_min_lr:num_warmup_steps=1,min_lr=0.01,min_lr_rate=0.1'), 'not both');
    oneLineUsageError(() => parseSchedulerSpec('piecewise_constant_decay:boundaries=5|10,values=0.1|0.01'), '2 boundaries, 2 values');
  });

  it('checks what only the run can tell', async () => {
    await oneLineUsageErrorAsync(create('wsd:num_warmup_steps=10,num_decay_steps=15'), 'exceed num_training_steps');
    await oneLineUsageErrorAsync(create('warmup_cosine_decay:init_value=0,warmup_steps=20'), 'decay_steps=20 must exceed warmup_steps=20');
    await oneLineUsageErrorAsync(create('polynomial_with_warmup:num_warmup_steps=1,lr_end=0.5'), 'lr_end=0.5 must be smaller than the base rate 0.1');
  });

  it('Keras ReduceLROnPlateau reduces one epoch earlier than PyTorch for the same patience, on an absolute min_delta', async () => {
    const flat = [1, 1, 1, 1, 1, 1];
    const keras = await create('keras_plateau:patience=2,factor=0.5');
    const pytorch = await create('plateau:patience=2,factor=0.5');
    // Keras: the first value improves on "no best"; bad epochs 1 and 2 reach patience, so epoch 3 runs reduced.
    expectRates(learningRates(keras, 5, flat), [0.1, 0.1, 0.1, 0.05, 0.05].map(Math.fround));
    // PyTorch: three bad epochs must exceed patience 2.
    expect(learningRates(pytorch, 5, flat)).toEqual([0.1, 0.1, 0.1, 0.1, 0.05]);
  });

  it('lr-compare warmup= goes in front of keras_plateau as a join, ignoring the metrics of warmup epochs', async () => {
    const scheduler = await create('keras_plateau:patience=1,factor=0.5,warmup=2,warmup_start=0.5');
    // Rising loss during warmup is ignored; the plateau logic starts at epoch 2 (its first value is an improvement), so one flat epoch later it reduces.
    expectRates(learningRates(scheduler, 5, [5, 6, 1, 1]), [0.05, 0.075, Math.fround(0.1), Math.fround(0.1), Math.fround(0.05)]);
  });
});
