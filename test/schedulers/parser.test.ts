/** The spec grammar, the selection of runs and their errors. */
import { describe, expect, it } from 'vitest';
import { isUsageError, ScheduleSpecError, UsageError } from '../../src/errors.js';
import { createScheduler, parseSchedulerSpec, resolveSchedulerSelection, SCHEDULER_REGISTRY } from '../../src/schedulers/index.js';
import type { ResolvedSchedulerSpec } from '../../src/schedulers/index.js';

/** Bad input the CLI reports in one line: a ScheduleSpecError from a spec, a UsageError from the selection flags. */
function usageErrorOf(action: () => unknown, kind: typeof ScheduleSpecError | typeof UsageError = ScheduleSpecError): Error {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(kind);
    expect(isUsageError(error)).toBe(true);
    return error as Error;
  }
  throw new Error('expected an error, nothing was thrown');
}

describe('parseSchedulerSpec', () => {
  it('fills every default of a bare name', () => {
    expect(parseSchedulerSpec('step')).toEqual({
      label: 'step',
      name: 'step',
      spec: 'step',
      params: { step_size: 20, gamma: 0.5, unit: 'epoch', warmup: 0, warmup_start: 1 / 3 },
    });
  });

  it('parses numbers, integers, lists, choices and booleans', () => {
    expect(parseSchedulerSpec('multistep:milestones=30|60|90,gamma=0.1').params).toMatchObject({ milestones: [30, 60, 90], gamma: 0.1 });
    expect(parseSchedulerSpec('onecycle:three_phase=true,anneal_strategy=linear,div_factor=1e1').params).toMatchObject({
      three_phase: true,
      anneal_strategy: 'linear',
      div_factor: 10,
    });
    expect(parseSchedulerSpec('cosine:unit=batch,warmup=5,warmup_start=.1').params).toMatchObject({ unit: 'batch', warmup: 5, warmup_start: 0.1 });
  });

  it('leaves run-dependent defaults unset and copies step_size_down from step_size_up', () => {
    expect(parseSchedulerSpec('cosine').params).not.toHaveProperty('t_max');
    expect(parseSchedulerSpec('onecycle').params).not.toHaveProperty('total_steps');
    expect(parseSchedulerSpec('cyclic:step_size_up=7').params).toMatchObject({ step_size_up: 7, step_size_down: 7 });
    expect(parseSchedulerSpec('cyclic:step_size_up=7,step_size_down=3').params).toMatchObject({ step_size_down: 3 });
  });

  it('uses the spec as the label unless label= is given, and tolerates spaces', () => {
    expect(parseSchedulerSpec(' step : gamma = 0.3 ').label).toBe('step : gamma = 0.3');
    const labelled = parseSchedulerSpec('step:gamma=0.3,label=slow decay');
    expect(labelled.label).toBe('slow decay');
    expect(labelled.spec).toBe('step:gamma=0.3,label=slow decay');
    expect(labelled.params).not.toHaveProperty('label');
  });

  it("keeps PyTorch's defaults where the article does not set them", () => {
    expect(parseSchedulerSpec('plateau').params).toMatchObject({
      mode: 'min', factor: 0.5, patience: 5, threshold: 1e-4, threshold_mode: 'rel', cooldown: 0, min_lr: 0, eps: 1e-8,
    });
    expect(parseSchedulerSpec('cyclic').params).toMatchObject({ base_lr: 0.001, max_lr: 0.1, step_size_up: 20, step_size_down: 20, mode: 'triangular', gamma: 1 });
    expect(parseSchedulerSpec('onecycle').params).toMatchObject({ pct_start: 0.3, anneal_strategy: 'cos', div_factor: 25, final_div_factor: 1e4, three_phase: false });
    expect(parseSchedulerSpec('polynomial').params).toMatchObject({ total_iters: 5, power: 1 });
    expect(parseSchedulerSpec('linear').params).toMatchObject({ start_factor: 1 / 3, end_factor: 1, total_iters: 5 });
    expect(parseSchedulerSpec('constant').params).toMatchObject({ factor: 1 / 3, total_iters: 5 });
    expect(parseSchedulerSpec('cosine_restarts').params).toMatchObject({ t_mult: 1, eta_min: 0 });
  });

  // Each bad spec, and words its one-line message must contain.
  const badSpecs: ReadonlyArray<readonly [string, readonly string[]]> = [
    ['', ['empty scheduler spec']],
    ['stepp', ["unknown scheduler 'stepp'", 'valid names: step, multistep']],
    ['all', ["'all' only works in --schedulers"]],
    ['step:gama=0.5', ["has no parameter 'gama'", 'valid keys: step_size, gamma, unit, warmup, warmup_start, label']],
    ['step:', ["nothing after ':'"]],
    ['step:gamma', ["expected key=value, got 'gamma'"]],
    ['step:gamma=', ['gamma has no value']],
    ['step:gamma=0.5,gamma=0.4', ['gamma is given twice']],
    ['step:gamma=fast', ["gamma must be a number, got 'fast'"]],
    ['step:gamma=0', ['gamma must be > 0', 'got 0']],
    ['step:gamma=-0.5', ['gamma must be > 0']],
    ['exponential:gamma=0', ['gamma must be > 0']],
    ['step:step_size=0', ['step_size must be >= 1']],
    ['step:step_size=2.5', ["step_size must be a whole number, got '2.5'"]],
    ['step:gamma=Infinity', ['gamma must be a number']],
    ['step:gamma=0x10', ['gamma must be a number']],
    ['step:unit=minute', ['unit must be one of epoch, batch']],
    ['step:warmup=-1', ['warmup must be >= 0']],
    ['step:warmup_start=0', ['warmup_start must be in (0, 1]']],
    ['step:warmup_start=1.5', ['warmup_start must be in (0, 1]']],
    ['step:label=', ['label must not be empty']],
    ['multistep:milestones=30|x', ['milestones must be whole numbers separated by |']],
    ['multistep:milestones=60|30', ['milestones must be strictly increasing']],
    ['multistep:milestones=0|30', ['milestones must all be >= 1']],
    ['cosine:t_max=0', ['t_max must be >= 1']],
    ['cosine:eta_min=-1', ['eta_min must be >= 0']],
    ['cosine_restarts:t_mult=0', ['t_mult must be >= 1']],
    ['cosine_restarts:t_mult=1.5', ['t_mult must be a whole number']],
    ['plateau:unit=batch', ['unit must be one of epoch']],
    ['plateau:factor=1', ['factor must be in (0, 1)']],
    ['plateau:factor=0', ['factor must be in (0, 1)']],
    ['plateau:mode=maximum', ['mode must be one of min, max']],
    ['plateau:threshold_mode=relative', ['threshold_mode must be one of rel, abs']],
    ['plateau:patience=-1', ['patience must be >= 0']],
    ['plateau:min_lr=-0.1', ['min_lr must be >= 0']],
    ['cyclic:max_lr=0.0001', ['max_lr (0.0001) must not be below base_lr (0.001)']],
    ['cyclic:base_lr=0', ['base_lr must be > 0']],
    ['cyclic:mode=sine', ['mode must be one of triangular, triangular2, exp_range']],
    ['cyclic:gamma=1.5', ['gamma must be in (0, 1]']],
    ['cyclic:step_size_down=0', ['step_size_down must be >= 1']],
    ['onecycle:pct_start=1.2', ['pct_start must be in [0, 1]']],
    ['onecycle:three_phase=yes', ["three_phase must be true or false, got 'yes'"]],
    ['onecycle:anneal_strategy=cosine', ['anneal_strategy must be one of cos, linear']],
    ['onecycle:total_steps=0', ['total_steps must be >= 1']],
    ['onecycle:max_lr=-1', ['max_lr must be > 0']],
    ['polynomial:power=0', ['power must be > 0']],
    ['polynomial:total_iters=0', ['total_iters must be >= 1']],
    ['linear:start_factor=0', ['start_factor must be in (0, 1]']],
    ['linear:end_factor=2', ['end_factor must be in [0, 1]']],
    ['constant:factor=1.1', ['factor must be in [0, 1]']],
    ['none:gamma=0.5', ["scheduler 'none' has no parameter 'gamma'", 'valid keys: unit, warmup, warmup_start, label']],
    ['custom', ["scheduler 'custom' needs module=..."]],
  ];

  it.each(badSpecs)('rejects %j with a one-line ScheduleSpecError', (spec, fragments) => {
    const error = usageErrorOf(() => parseSchedulerSpec(spec));
    for (const fragment of fragments) expect(error.message).toContain(fragment);
    expect(error.message).not.toContain('\n');
    expect((error as ScheduleSpecError).code).toEqual(expect.any(String));
  });

  it('names the scheduler in every parameter error', () => {
    expect(usageErrorOf(() => parseSchedulerSpec('cyclic:gamma=2')).message).toMatch(/^scheduler 'cyclic': gamma/);
  });
});

describe('resolveSchedulerSelection', () => {
  it('expands all, keeps order, appends the -s specs', () => {
    const labels = resolveSchedulerSelection(['none', 'all'], ['step:gamma=0.1', 'multistep:milestones=3|6']).map((spec) => spec.label);
    expect(labels).toEqual(['none', 'step', 'exponential', 'cosine', 'plateau', 'cyclic', 'step:gamma=0.1', 'multistep:milestones=3|6']);
  });

  it('skips empty names and returns nothing for nothing', () => {
    expect(resolveSchedulerSelection(['step', ' ', ''], []).map((spec) => spec.name)).toEqual(['step']);
    expect(resolveSchedulerSelection([], [])).toEqual([]);
  });

  it('rejects two runs with the same label', () => {
    expect(usageErrorOf(() => resolveSchedulerSelection(['step', 'all'], []), UsageError).message).toContain("'step' is selected twice");
    expect(usageErrorOf(() => resolveSchedulerSelection([], ['step:gamma=0.1,label=a', 'cosine:label=a']), UsageError).message).toContain("'a' is selected twice");
  });

  it('allows the same scheduler twice under different labels', () => {
    expect(resolveSchedulerSelection(['step'], ['step:label=step again'])).toHaveLength(2);
  });

  it('points parameters given to --schedulers at -s', () => {
    expect(usageErrorOf(() => resolveSchedulerSelection(['step', 'gamma=0.3'], []), UsageError).message).toContain('-s/--scheduler');
  });

  it('rejects unknown names', () => {
    expect(usageErrorOf(() => resolveSchedulerSelection(['warmup'], [])).message).toContain("unknown scheduler 'warmup'");
  });
});

describe('createScheduler re-checks specs it did not parse', () => {
  const context = { baseLr: 0.1, epochs: 10, batchesPerEpoch: 5 };
  const handMade = (name: string, params: ResolvedSchedulerSpec['params']): ResolvedSchedulerSpec => ({ label: name, name, spec: name, params });

  it.each([
    [handMade('step', { gamma: -1 }), 'gamma must be > 0'],
    [handMade('step', { gamma: '0.5' }), 'gamma must be a finite number'],
    [handMade('step', { speed: 2 }), "has no parameter 'speed'"],
    [handMade('nope', {}), "unknown scheduler 'nope'"],
  ] as const)('%#: %s', async (spec, fragment) => {
    await expect(createScheduler(spec, context)).rejects.toThrow(ScheduleSpecError);
    await expect(createScheduler(spec, context)).rejects.toThrow(fragment);
  });

  it('fills static defaults for a spec with no params', async () => {
    const scheduler = await createScheduler(handMade('step', {}), context);
    expect(scheduler.kind === 'closed-form' && scheduler.lrAt(20)).toBeCloseTo(0.05, 15);
  });

  it('every registry entry has a description for each parameter', () => {
    for (const definition of Object.values(SCHEDULER_REGISTRY)) {
      expect(definition.summary).not.toBe('');
      for (const param of definition.params) expect(param.description, `${definition.name}.${param.key}`).not.toBe('');
    }
  });
});
