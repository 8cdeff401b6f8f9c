/**
 * Rules of the schedules that the golden sequences (golden.test.ts) do not
 * reach: refusals at the exact edge of what a library allows, which metric a
 * plateau watches, the kind and unit every scheduler declares, join()'s checks.
 * Found by mutation testing (npm run mutation -- schedulers): each test kills
 * mutants that every other test let through. Expected values are the
 * libraries' documented behaviour, computed by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { ScheduleSpecError } from '../../src/errors.js';
import { createScheduler, learningRates, parseSchedulerSpec } from '../../src/schedulers/index.js';
import type { MetricDrivenScheduler, ScheduleContext, Scheduler } from '../../src/schedulers/index.js';
import { join, joinClosedForm } from '../../src/schedulers/join.js';
import { cyclesMomentum, isOptimizerName, MOMENTUM_CYCLING_OPTIMIZERS, OPTIMIZER_NAMES } from '../../src/schedulers/optimizer-names.js';
import { rejection, thrownBy } from '../helpers/errors.js';

const CONTEXT: ScheduleContext = { baseLr: 0.1, epochs: 20, batchesPerEpoch: 10 };

function create(spec: string, context: ScheduleContext = CONTEXT): Promise<Scheduler> {
  return createScheduler(parseSchedulerSpec(spec), context);
}

async function metricDriven(spec: string, context: ScheduleContext = CONTEXT): Promise<MetricDrivenScheduler> {
  const scheduler = await create(spec, context);
  if (scheduler.kind !== 'metric-driven') throw new Error(`${spec} is not metric-driven`);
  return scheduler;
}

describe('plateau: the metric it watches', () => {
  it.each([
    ['plateau', 'val_loss'],
    ['plateau:mode=max', 'val_acc'],
    ['plateau:monitor=val_loss', 'val_loss'],
    ['plateau:mode=max,monitor=val_acc', 'val_acc'],
    ['keras_plateau', 'val_loss'],
    ['keras_plateau:mode=max', 'val_acc'],
    ['keras_plateau:monitor=val_acc', 'val_acc'],
    ['keras_plateau:monitor=val_loss,mode=min', 'val_loss'],
  ] as const)('%s watches %s, once per epoch', async (spec, monitor) => {
    const scheduler = await metricDriven(spec);
    expect(scheduler.monitor).toBe(monitor);
    expect(scheduler.unit).toBe('epoch');
  });

  it.each([
    ['plateau:mode=max,monitor=val_loss', 'plateau: monitor=val_loss with mode=max would cut the rate while the loss falls; use mode=min with val_loss, mode=max with val_acc'],
    ['plateau:monitor=val_acc', 'plateau: monitor=val_acc with mode=min would cut the rate while the accuracy rises; use mode=min with val_loss, mode=max with val_acc'],
    [
      'keras_plateau:monitor=val_loss,mode=max',
      "scheduler 'keras_plateau': monitor=val_loss with mode=max would cut the rate while the model improves; use mode=min (or auto) with val_loss, mode=max with val_acc",
    ],
    [
      'keras_plateau:monitor=val_acc,mode=min',
      "scheduler 'keras_plateau': monitor=val_acc with mode=min would cut the rate while the model improves; use mode=min (or auto) with val_loss, mode=max with val_acc",
    ],
  ])('refuses %s', async (spec, message) => {
    expect(await rejection(create(spec))).toMatchObject({ constructor: ScheduleSpecError, message, code: 'invalid-value', parameter: 'monitor' });
  });

  it("keras_plateau:monitor=val_acc is mode max, as Keras' mode=auto decides from 'acc' in the name", async () => {
    // patience=1, factor=0.5, lr 0.2: 0.5 is the first value (an improvement), 0.6 beats it by more
    // than min_delta=1e-4, the second 0.6 does not: wait reaches 1 = patience, so epoch 3 runs at 0.1.
    // Read as a loss (mode min), 0.6 would already be a bad epoch and epoch 2 would run at 0.1.
    const scheduler = await metricDriven('keras_plateau:monitor=val_acc,patience=1,factor=0.5', { ...CONTEXT, baseLr: 0.2 });
    expect(learningRates(scheduler, 4, [0.5, 0.6, 0.6])).toEqual([0.2, 0.2, 0.2, 0.1].map(Math.fround));
  });
});

describe('plateau: reductions', () => {
  it('skips a reduction of exactly eps, as PyTorch (old_lr - new_lr > eps) does', async () => {
    // lr 1, factor 0.5, eps 0.5: the reduction 1 - 0.5 = 0.5 is not > 0.5, so the rate stays 1.
    const scheduler = await metricDriven('plateau:patience=0,factor=0.5,eps=0.5', { ...CONTEXT, baseLr: 1 });
    expect(learningRates(scheduler, 4, [1, 1, 1])).toEqual([1, 1, 1, 1]);
    // eps below the steps (0.5, then 0.25): each bad epoch from epoch 1 on halves it.
    const reducing = await metricDriven('plateau:patience=0,factor=0.5,eps=0.2', { ...CONTEXT, baseLr: 1 });
    expect(learningRates(reducing, 4, [1, 1, 1])).toEqual([1, 1, 0.5, 0.25]);
  });
});

describe('refusals at the edge of what the library allows', () => {
  it('cyclic accepts max_lr equal to base_lr (a flat cycle) and refuses it below', async () => {
    const flat = await create('cyclic:base_lr=0.05,max_lr=0.05,step_size_up=2');
    expect(learningRates(flat, 6)).toEqual(Array(6).fill(0.05));
    expect(thrownBy(() => parseSchedulerSpec('cyclic:base_lr=0.05,max_lr=0.04'))).toMatchObject({
      constructor: ScheduleSpecError,
      message: "scheduler 'cyclic': max_lr (0.04) must not be below base_lr (0.05)",
      parameter: 'max_lr',
    });
  });

  it('tanh refuses lb >= ub (timm needs lb < ub for a decreasing curve)', () => {
    for (const spec of ['tanh:lb=3,ub=3', 'tanh:lb=4,ub=3']) {
      expect(thrownBy(() => parseSchedulerSpec(spec)), spec).toMatchObject({ constructor: ScheduleSpecError, message: "scheduler 'tanh': lb must be smaller than ub", parameter: 'lb' });
    }
    expect(() => parseSchedulerSpec('tanh:lb=2.9,ub=3')).not.toThrow();
  });

  it('polynomial_with_warmup refuses lr_end equal to the rate (transformers: lr_init > lr_end)', async () => {
    expect(await rejection(create('polynomial_with_warmup:num_warmup_steps=1,lr_end=0.1'))).toMatchObject({
      constructor: ScheduleSpecError,
      message: "scheduler 'polynomial_with_warmup': lr_end=0.1 must be smaller than the base rate 0.1",
      parameter: 'lr_end',
    });
  });

  it('polynomial_with_warmup refuses num_training_steps equal to num_warmup_steps (a decay of 0 steps divides by 0 in transformers)', async () => {
    expect(await rejection(create('polynomial_with_warmup:num_warmup_steps=5,num_training_steps=5'))).toMatchObject({
      constructor: ScheduleSpecError,
      message: "scheduler 'polynomial_with_warmup': num_training_steps=5 must exceed num_warmup_steps=5",
      parameter: 'num_training_steps',
    });
    // One step of decay is enough: the full rate at step 5 (pct_remaining 1), lr_end=1e-7 from step 6 on.
    const scheduler = await create('polynomial_with_warmup:num_warmup_steps=5,num_training_steps=6');
    learningRates(scheduler, 8)
      .slice(5)
      .forEach((rate, index) => expect(rate / [0.1, 1e-7, 1e-7][index]!).toBeCloseTo(1, 12));
  });

  it('warmup_cosine_decay refuses decay_steps equal to warmup_steps (optax: no cosine steps left)', async () => {
    expect(await rejection(create('warmup_cosine_decay:init_value=0,warmup_steps=5,decay_steps=5'))).toMatchObject({
      constructor: ScheduleSpecError,
      message: "scheduler 'warmup_cosine_decay': decay_steps=5 must exceed warmup_steps=5 (optax counts the warmup in decay_steps)",
      parameter: 'decay_steps',
    });
  });
});

describe('onecycle: what PyTorch refuses', () => {
  it('names total_steps when it does not cover the run, and when a step goes past it', async () => {
    expect(await rejection(create('onecycle:total_steps=19'))).toMatchObject({
      constructor: ScheduleSpecError,
      message:
        "scheduler 'onecycle': total_steps=19 is smaller than the 20 steps the schedule must cover (the run's steps in its unit, less warmup); raise total_steps or leave it to its default",
      code: 'invalid-context',
      parameter: 'total_steps',
    });
    const scheduler = await create('onecycle:total_steps=20');
    if (scheduler.kind !== 'closed-form') throw new Error('onecycle is closed-form');
    expect(thrownBy(() => scheduler.lrAt(21))).toMatchObject({ message: "scheduler 'onecycle': step 21 is past total_steps=20", code: 'invalid-rate', parameter: 'total_steps' });
  });

  it('names pct_start when a phase would have no steps', async () => {
    // pct_start x total_steps - 1 = 0.05 x 20 - 1 = 0: the first phase ends where it starts.
    expect(await rejection(create('onecycle:pct_start=0.05'))).toMatchObject({
      constructor: ScheduleSpecError,
      message: "scheduler 'onecycle': pct_start=0.05 with total_steps=20 gives a phase of zero steps; change pct_start or total_steps",
      code: 'invalid-value',
      parameter: 'pct_start',
    });
  });
});

describe('composites: parts PyTorch would not compose the way lr-compare computes', () => {
  it.each([
    ['sequential(none; cyclic:max_lr=0.2):milestones=5', "scheduler 'sequential': 'cyclic' cannot be a part: in PyTorch it rewrites the optimizer's initial rate, which changes the other parts; use it alone or with warmup="],
    ['chained(cosine:t_max=5; exponential)', "scheduler 'chained': 'cosine' cannot be chained (PyTorch's result is not a product with the other parts); use sequential(...) or use it alone"],
    ['chained(exponential; keras_plateau:patience=2)', "scheduler 'chained': 'keras_plateau' cannot be chained (PyTorch's result is not a product with the other parts); use sequential(...) or use it alone"],
    // The spec grammar allows spaces around ':'.
    ['chained(cosine : t_max=5; exponential)', "scheduler 'chained': 'cosine' cannot be chained (PyTorch's result is not a product with the other parts); use sequential(...) or use it alone"],
  ])('refuses %s, naming the part even when it has parameters', (spec, message) => {
    expect(thrownBy(() => parseSchedulerSpec(spec))).toMatchObject({ constructor: ScheduleSpecError, message, code: 'invalid-value' });
  });
});

describe('defaults that depend on other parameters', () => {
  it('cosine_decay without warmup_target ignores warmup_steps, also in its default decay_steps', async () => {
    // Keras CosineDecay has no warmup without warmup_target: decay_steps defaults to the whole run (20),
    // lr(t) = 0.1 x (1 + cos(pi t / 20)) / 2, and 0.1 x alpha = 0 from step 20 on.
    const scheduler = await create('cosine_decay:warmup_steps=5');
    learningRates(scheduler, 21).forEach((rate, step) => expect(rate, `step ${step}`).toBeCloseTo((0.1 * (1 + Math.cos((Math.PI * step) / 20))) / 2, 15));
  });
});

describe('what each refusal names', () => {
  it.each([
    ['cosine_with_min_lr:num_warmup_steps=1', "scheduler 'cosine_with_min_lr' needs min_lr_rate=... (a fraction of --lr) or min_lr=... (an absolute rate)", 'missing-parameter', 'min_lr_rate'],
    ['cosine_with_min_lr:num_warmup_steps=1,min_lr=0.01,min_lr_rate=0.1', "scheduler 'cosine_with_min_lr': give min_lr_rate or min_lr, not both", 'invalid-value', 'min_lr'],
    ['piecewise_constant_decay:boundaries=5|10,values=0.1|0.01', "scheduler 'piecewise_constant_decay': values needs one more entry than boundaries (2 boundaries, 2 values)", 'invalid-value', 'values'],
    ['sequential(step; cosine):milestones=5|9', "scheduler 'sequential': milestones needs one entry fewer than the parts (2 parts, 2 milestones)", 'invalid-value', 'milestones'],
  ])('%s', (spec, message, code, parameter) => {
    expect(thrownBy(() => parseSchedulerSpec(spec))).toMatchObject({ constructor: ScheduleSpecError, message, code, parameter });
  });

  it.each([
    ['wsd:num_warmup_steps=10,num_decay_steps=15', "scheduler 'wsd': num_warmup_steps + num_decay_steps (25) exceed num_training_steps; give num_stable_steps or shorten them", 'num_decay_steps'],
    ['sequential(none; keras_plateau):milestones=5', "scheduler 'sequential': 'keras_plateau' is metric-driven; SequentialLR only sequences step-driven schedules", undefined],
    ['chained(step:warmup=2; exponential)', "scheduler 'chained': a chained part cannot take warmup=; chain a linear part instead", undefined],
  ])('%s (when built for a 20-epoch run)', async (spec, message, parameter) => {
    expect(await rejection(create(spec))).toMatchObject({ constructor: ScheduleSpecError, message, code: 'invalid-value', parameter });
  });
});

describe('optimizers whose momentum a schedule cycles', () => {
  it("are PyTorch's: momentum SGD, Adam, AdamW, RMSProp; not plain or schedule-free SGD/AdamW", () => {
    expect(OPTIMIZER_NAMES.filter(cyclesMomentum)).toEqual(['momentum', 'adam', 'rmsprop', 'adamw']);
    expect(MOMENTUM_CYCLING_OPTIMIZERS).toEqual(['momentum', 'adam', 'rmsprop', 'adamw']);
  });

  it('names only the known optimizers', () => {
    expect(OPTIMIZER_NAMES.every(isOptimizerName)).toBe(true);
    expect(['', 'SGD', 'adagrad', 'sgd '].some(isOptimizerName)).toBe(false);
  });
});

describe('join: the checks optax leaves to its callers', () => {
  const part = (value: number) => () => value;

  it('refuses no parts, negative and fractional boundaries', () => {
    expect(() => joinClosedForm([], [])).toThrow(new RangeError('join needs at least one schedule'));
    expect(() => join([], [])).toThrow(new RangeError('join needs at least one schedule'));
    for (const boundaries of [[-1], [1.5], [Number.NaN]]) {
      expect(() => joinClosedForm([part(1), part(2)], boundaries), String(boundaries)).toThrow(
        new RangeError(`join boundaries must be whole numbers >= 0 in non-decreasing order, got ${boundaries.join(', ')}`),
      );
    }
    // Equal boundaries are allowed: the part between them never runs.
    expect([0, 1, 2, 3].map(joinClosedForm([part(1), part(2), part(3)], [2, 2]))).toEqual([1, 1, 3, 3]);
  });

  it('names every boundary when they decrease', () => {
    expect(() => joinClosedForm([part(1), part(2), part(3)], [5, 2])).toThrow(
      new RangeError('join boundaries must be whole numbers >= 0 in non-decreasing order, got 5, 2'),
    );
  });

  it('runs a closed-form part after a metric-driven one from its own step 0', () => {
    const plateau: MetricDrivenScheduler = { kind: 'metric-driven', unit: 'epoch', monitor: 'val_loss', currentLr: part(7), observe: () => undefined };
    // Boundaries 2 and 5: the metric-driven part for steps 0-1, then (step) => step from its step 0 at step 2, then 100 + step at step 5.
    const joined = join([{ kind: 'metric-driven', scheduler: plateau }, { kind: 'closed-form', lrAt: (step) => step }, { kind: 'closed-form', lrAt: (step) => 100 + step }], [2, 5]);
    expect(learningRates(joined, 7, [1, 1, 1, 1, 1, 1])).toEqual([7, 7, 0, 1, 2, 100, 101]);
  });

  it('gives closed-form parts the unit asked for, per epoch by default', () => {
    const parts = [{ kind: 'closed-form' as const, lrAt: part(1) }];
    expect(join(parts, [])).toMatchObject({ kind: 'closed-form', unit: 'epoch' });
    expect(join(parts, [], 'batch')).toMatchObject({ kind: 'closed-form', unit: 'batch' });
  });

  it('with metric-driven parts: per epoch, watching their one metric, and refusing two different metrics', () => {
    const watching = (monitor: 'val_loss' | 'val_acc'): MetricDrivenScheduler => ({ kind: 'metric-driven', unit: 'epoch', monitor, currentLr: part(1), observe: () => undefined });
    const joined = join([{ kind: 'closed-form', lrAt: part(2) }, { kind: 'metric-driven', scheduler: watching('val_acc') }], [1]);
    expect(joined).toMatchObject({ kind: 'metric-driven', unit: 'epoch', monitor: 'val_acc' });
    expect(() =>
      join([{ kind: 'metric-driven', scheduler: watching('val_loss') }, { kind: 'metric-driven', scheduler: watching('val_acc') }], [1]),
    ).toThrow(new RangeError('the metric-driven parts of a join must watch one metric, got val_loss, val_acc'));
  });
});
