/**
 * Parameter validation (src/schedulers/params.ts) and building a run's
 * scheduler (src/schedulers/create.ts): the exact lines for values that reach
 * them without the text parser (specs built in code or read from a results
 * file), the range boundaries, the help-text phrases, and the run-context
 * checks. Expected values are written out, never computed by the code under test.
 */
import { describe, expect, it } from 'vitest';
import { ScheduleSpecError } from '../../src/errors.js';
import { createScheduler, learningRates, momentums, runSteps } from '../../src/schedulers/index.js';
import type { ResolvedSchedulerSpec } from '../../src/schedulers/index.js';
import {
  booleanParam,
  checkParamValue,
  describeAllowed,
  describeDefault,
  describeRange,
  describeType,
  formatParamValue,
  isInRange,
  MAX_LIST_LENGTH,
  numberParam,
  optionalListParam,
  optionalNumberParam,
  parseParamText,
  stringParam,
  type ParamDefinition,
} from '../../src/schedulers/params.js';
import { splitTopLevel } from '../../src/schedulers/spec-text.js';

/** The message and code of what `action` threw, or of the rejection of the promise it returns. */
async function thrown(action: () => unknown): Promise<{ kind: string; message: string; code?: string; parameter?: string }> {
  try {
    await action();
  } catch (error) {
    if (error instanceof ScheduleSpecError) {
      return { kind: 'ScheduleSpecError', message: error.message, code: error.code, ...(error.parameter === undefined ? {} : { parameter: error.parameter }) };
    }
    if (error instanceof Error) return { kind: error.constructor.name, message: error.message };
    throw error;
  }
  throw new Error('expected an error, nothing was thrown');
}

const param = (definition: Partial<ParamDefinition> & Pick<ParamDefinition, 'type'>): ParamDefinition => ({ key: 'k', description: 'd', ...definition });

describe('ranges', () => {
  it('reads as the user reads them', () => {
    expect(describeRange({ min: 0, minExclusive: true, max: 1 })).toBe('in (0, 1]');
    expect(describeRange({ min: 0, max: 1, maxExclusive: true })).toBe('in [0, 1)');
    expect(describeRange({ min: 0, minExclusive: true, max: 1, maxExclusive: true })).toBe('in (0, 1)');
    expect(describeRange({ min: 1 })).toBe('>= 1');
    expect(describeRange({ min: 0, minExclusive: true })).toBe('> 0');
    expect(describeRange({ max: 5 })).toBe('<= 5');
    expect(describeRange({ max: 5, maxExclusive: true })).toBe('< 5');
    expect(describeRange({})).toBe('any value');
  });

  it('include or exclude their ends as declared', () => {
    expect(isInRange(0, { min: 0 })).toBe(true);
    expect(isInRange(-1e-9, { min: 0 })).toBe(false);
    expect(isInRange(0, { min: 0, minExclusive: true })).toBe(false);
    expect(isInRange(1e-9, { min: 0, minExclusive: true })).toBe(true);
    expect(isInRange(1, { max: 1 })).toBe(true);
    expect(isInRange(1 + 1e-9, { max: 1 })).toBe(false);
    expect(isInRange(1, { max: 1, maxExclusive: true })).toBe(false);
    expect(isInRange(1 - 1e-9, { max: 1, maxExclusive: true })).toBe(true);
    expect(isInRange(-5, {})).toBe(true);
    expect(isInRange(2, { min: 0, max: 1 })).toBe(false);
    expect(isInRange(-2, { min: 0, max: 1 })).toBe(false);
  });
});

describe('help-text phrases', () => {
  it('name each type', () => {
    expect(describeType(param({ type: 'number' }))).toBe('number');
    expect(describeType(param({ type: 'integer' }))).toBe('whole number');
    expect(describeType(param({ type: 'boolean' }))).toBe('true|false');
    expect(describeType(param({ type: 'choice', choices: ['min', 'max'] }))).toBe('min|max');
    expect(describeType(param({ type: 'choice' }))).toBe('');
    expect(describeType(param({ type: 'integer-list' }))).toBe('N|N|...');
    expect(describeType(param({ type: 'number-list' }))).toBe('x|x|...');
    expect(describeType(param({ type: 'spec-list' }))).toBe('(SPEC; SPEC; ...)');
    expect(describeType(param({ type: 'string' }))).toBe('text');
  });

  it('add the range where the type has one', () => {
    expect(describeAllowed(param({ type: 'integer', range: { min: 1 } }))).toBe('whole number >= 1');
    expect(describeAllowed(param({ type: 'number', range: { min: 0, minExclusive: true } }))).toBe('number > 0');
    expect(describeAllowed(param({ type: 'integer-list', range: { min: 1 } }))).toBe('N|N|..., increasing, each >= 1');
    expect(describeAllowed(param({ type: 'number-list', range: { min: 0 } }))).toBe('x|x|..., each >= 0');
    expect(describeAllowed(param({ type: 'number' }))).toBe('number');
    expect(describeAllowed(param({ type: 'choice', choices: ['a', 'b'], range: { min: 1 } }))).toBe('a|b');
  });

  it('show defaults and values', () => {
    expect(formatParamValue([30, 60, 90])).toBe('30|60|90');
    expect(formatParamValue(0.5)).toBe('0.5');
    expect(formatParamValue(true)).toBe('true');
    expect(describeDefault(param({ type: 'number', default: 0.5, defaultText: '1/2' }))).toBe('1/2');
    expect(describeDefault(param({ type: 'integer-list', default: [1, 2] }))).toBe('1|2');
    expect(describeDefault(param({ type: 'integer', defaultFrom: 'step_size_up' }))).toBe('same as step_size_up');
    expect(describeDefault(param({ type: 'string', required: true }))).toBe('(required)');
    expect(describeDefault(param({ type: 'integer' }))).toBe('(none)');
    expect(describeDefault(param({ type: 'boolean', default: false }))).toBe('false');
  });
});

describe('parseParamText', () => {
  const where = "scheduler 'x': k";
  it('reads each type', () => {
    expect(parseParamText(param({ type: 'number' }), '-2.5e-1', where)).toBe(-0.25);
    expect(parseParamText(param({ type: 'integer' }), '9007199254740991', where)).toBe(9007199254740991);
    expect(parseParamText(param({ type: 'choice', choices: ['a'] }), 'b', where)).toBe('b'); // checked later by checkParamValue
    expect(parseParamText(param({ type: 'string' }), 'a b', where)).toBe('a b');
    expect(parseParamText(param({ type: 'integer-list' }), '1| 2 |3', where)).toEqual([1, 2, 3]);
    expect(parseParamText(param({ type: 'number-list' }), '0.5|1e-3', where)).toEqual([0.5, 0.001]);
  });

  it('refuses in one line naming the text', async () => {
    expect(await thrown(() => parseParamText(param({ type: 'integer' }), '9007199254740992', where))).toEqual({
      kind: 'ScheduleSpecError',
      code: 'invalid-value',
      parameter: 'k',
      message: "scheduler 'x': k: 9007199254740992 is too large for a whole number (at most 9007199254740991)",
    });
    expect((await thrown(() => parseParamText(param({ type: 'integer' }), 'ten', where))).message).toBe("scheduler 'x': k must be a whole number, got 'ten'");
    expect((await thrown(() => parseParamText(param({ type: 'boolean' }), '1', where))).message).toBe("scheduler 'x': k must be true or false, got '1'");
    expect((await thrown(() => parseParamText(param({ type: 'number-list' }), '1|', where))).message).toBe(
      "scheduler 'x': k must be numbers separated by | (e.g. 0.1|0.01|0.001), got '1|'",
    );
    expect((await thrown(() => parseParamText(param({ type: 'integer-list' }), '1|2.5', where))).message).toBe(
      "scheduler 'x': k must be whole numbers separated by | (e.g. 30|60|90), got '1|2.5'",
    );
    expect((await thrown(() => parseParamText(param({ type: 'spec-list' }), 'a; b', where))).message).toBe(
      "scheduler 'x': k is written in parentheses after the name, e.g. sequential(linear; cosine):milestones=5",
    );
  });
});

describe('checkParamValue: values that did not come through the text parser', () => {
  const where = "scheduler 'x': k";
  const check = (definition: ParamDefinition, value: unknown) => thrown(() => checkParamValue(definition, value as never, where));
  const refusal = (message: string) => ({ kind: 'ScheduleSpecError', code: 'invalid-value', parameter: 'k', message });
  const accepts = (definition: ParamDefinition, value: unknown) => expect(() => checkParamValue(definition, value as never, where)).not.toThrow();

  it('numbers: finite, whole where asked, in range', async () => {
    expect(await check(param({ type: 'number' }), '1')).toEqual(refusal(`${where} must be a finite number, got "1"`));
    expect(await check(param({ type: 'number' }), Number.NaN)).toEqual(refusal(`${where} must be a finite number, got null`));
    expect(await check(param({ type: 'number' }), Number.POSITIVE_INFINITY)).toEqual(refusal(`${where} must be a finite number, got null`));
    expect(await check(param({ type: 'integer' }), 1.5)).toEqual(refusal(`${where} must be a whole number, got 1.5`));
    expect(await check(param({ type: 'integer' }), 2 ** 53)).toEqual(refusal(`${where} must be a whole number, got 9007199254740992`));
    expect(await check(param({ type: 'number', range: { min: 0, max: 1, maxExclusive: true } }), 1)).toEqual(refusal(`${where} must be in [0, 1), got 1`));
    accepts(param({ type: 'number' }), 1.5);
    accepts(param({ type: 'integer', range: { min: 1 } }), 1);
  });

  it('booleans, choices, text and composite parts', async () => {
    expect(await check(param({ type: 'boolean' }), 'true')).toEqual(refusal(`${where} must be true or false, got "true"`));
    accepts(param({ type: 'boolean' }), false);
    expect(await check(param({ type: 'choice', choices: ['min', 'max'] }), 'mid')).toEqual(refusal(`${where} must be one of min, max, got "mid"`));
    expect(await check(param({ type: 'choice', choices: ['min', 'max'] }), 1)).toEqual(refusal(`${where} must be one of min, max, got 1`));
    expect(await check(param({ type: 'choice' }), 'min')).toEqual(refusal(`${where} must be one of , got "min"`));
    accepts(param({ type: 'choice', choices: ['min', 'max'] }), 'max');
    expect(await check(param({ type: 'string' }), ' ')).toEqual(refusal(`${where} must be non-empty text, got " "`));
    expect(await check(param({ type: 'string' }), 3)).toEqual(refusal(`${where} must be non-empty text, got 3`));
    accepts(param({ type: 'string' }), 'm.js');
    expect(await check(param({ type: 'spec-list' }), '  ')).toEqual(refusal(`${where} must be specs separated by ;, got "  "`));
    expect(await check(param({ type: 'spec-list' }), ['step'])).toEqual(refusal(`${where} must be specs separated by ;, got ["step"]`));
    accepts(param({ type: 'spec-list' }), 'step; cosine');
  });

  it('whole-number lists: non-empty, whole, in range, at most 64, strictly increasing', async () => {
    const list = param({ type: 'integer-list', range: { min: 1 } });
    expect(await check(list, [])).toEqual(refusal(`${where} must be one or more whole numbers separated by |, got []`));
    expect(await check(list, 5)).toEqual(refusal(`${where} must be one or more whole numbers separated by |, got 5`));
    expect(await check(list, [1, 2.5])).toEqual(refusal(`${where} must be one or more whole numbers separated by |, got [1,2.5]`));
    expect(await check(list, [1, 0])).toEqual(refusal(`${where} must all be >= 1, got [1,0]`));
    expect(await check(list, [2, 2])).toEqual(refusal(`${where} must be strictly increasing, got [2,2]`));
    expect(await check(list, [1, 3, 2])).toEqual(refusal(`${where} must be strictly increasing, got [1,3,2]`));
    const upTo = (count: number) => Array.from({ length: count }, (_, i) => i + 1);
    expect(MAX_LIST_LENGTH).toBe(64);
    accepts(list, upTo(64));
    expect((await check(list, upTo(65))).message).toBe(`${where} may hold at most 64 values, got [${upTo(65).join(',')}]`);
    accepts(param({ type: 'integer-list' }), [0, 7]);
  });

  it('number lists: non-empty, finite, at most 64, each in range', async () => {
    const list = param({ type: 'number-list', range: { min: 0 } });
    expect(await check(list, [])).toEqual(refusal(`${where} must be one or more numbers separated by |, got []`));
    expect(await check(list, 'x')).toEqual(refusal(`${where} must be one or more numbers separated by |, got "x"`));
    expect(await check(list, [0.1, '0.2'])).toEqual(refusal(`${where} must be one or more numbers separated by |, got [0.1,"0.2"]`));
    expect(await check(list, [0.1, Number.NaN])).toEqual(refusal(`${where} must be one or more numbers separated by |, got [0.1,null]`));
    expect(await check(list, [0.1, -0.1])).toEqual(refusal(`${where} must all be >= 0, got [0.1,-0.1]`));
    const values = (count: number) => Array.from({ length: count }, () => 0.5);
    accepts(list, values(64));
    expect((await check(list, values(65))).message).toBe(`${where} may hold at most 64 values, got [${values(65).join(',')}]`);
    accepts(param({ type: 'number-list' }), [-1, 1]); // no range, any order
  });
});

describe('typed readers of a validated record: a mismatch is a bug, said as such', () => {
  const record = { n: 1, s: 'a', b: true, l: [1, 2] };
  it('return the value of the right type', () => {
    expect(numberParam(record, 'n')).toBe(1);
    expect(optionalNumberParam(record, 'n')).toBe(1);
    expect(optionalNumberParam(record, 'missing')).toBeUndefined();
    expect(stringParam(record, 's')).toBe('a');
    expect(booleanParam(record, 'b')).toBe(true);
    expect(optionalListParam(record, 'l')).toEqual([1, 2]);
    expect(optionalListParam(record, 'missing')).toBeUndefined();
  });

  it('throw a TypeError naming the parameter and what it got', async () => {
    expect(await thrown(() => numberParam(record, 's'))).toEqual({ kind: 'TypeError', message: 'parameter s should be a number, got "a"' });
    expect(await thrown(() => optionalNumberParam(record, 'b'))).toEqual({ kind: 'TypeError', message: 'parameter b should be a number, got true' });
    expect(await thrown(() => stringParam(record, 'n'))).toEqual({ kind: 'TypeError', message: 'parameter n should be text, got 1' });
    expect(await thrown(() => booleanParam(record, 's'))).toEqual({ kind: 'TypeError', message: 'parameter s should be a boolean, got "a"' });
    expect(await thrown(() => optionalListParam(record, 'n'))).toEqual({ kind: 'TypeError', message: 'parameter n should be a list, got 1' });
  });
});

describe('splitTopLevel', () => {
  it('splits only outside parentheses', () => {
    expect(splitTopLevel('a; b(c; d); e', ';', 'w')).toEqual(['a', ' b(c; d)', ' e']);
    expect(splitTopLevel('', ';', 'w')).toEqual(['']);
    expect(splitTopLevel('a(b)c', ';', 'w')).toEqual(['a(b)c']);
  });

  it('refuses unbalanced parentheses in one line', async () => {
    expect(await thrown(() => splitTopLevel('a); (b', ';', "scheduler 'sequential'"))).toEqual({
      kind: 'ScheduleSpecError',
      code: 'syntax',
      message: "scheduler 'sequential': unbalanced ')' in 'a); (b'",
    });
    expect(await thrown(() => splitTopLevel('a; (b', ';', "scheduler 'sequential'"))).toEqual({
      kind: 'ScheduleSpecError',
      code: 'syntax',
      message: "scheduler 'sequential': unbalanced '(' in 'a; (b'",
    });
  });
});

describe('createScheduler: the run context', () => {
  const spec = (name: string, params: ResolvedSchedulerSpec['params'] = {}): ResolvedSchedulerSpec => ({ label: name, name, spec: name, params });
  const context = { baseLr: 0.1, epochs: 4, batchesPerEpoch: 3 };
  const invalidContext = (message: string) => ({ kind: 'ScheduleSpecError', code: 'invalid-context', message });

  it('refuses a base rate, an epoch count or a batch count that no run can have', async () => {
    for (const baseLr of [0, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(await thrown(() => createScheduler(spec('step'), { ...context, baseLr }))).toEqual(
        invalidContext(`the base learning rate must be a positive number, got ${baseLr}`),
      );
    }
    for (const epochs of [0, 1.5, Number.NaN]) {
      expect(await thrown(() => createScheduler(spec('step'), { ...context, epochs }))).toEqual(invalidContext(`the number of epochs must be a whole number >= 1, got ${epochs}`));
    }
    for (const batchesPerEpoch of [0, 2.5, Number.POSITIVE_INFINITY]) {
      expect(await thrown(() => createScheduler(spec('step'), { ...context, batchesPerEpoch }))).toEqual(
        invalidContext(`batches per epoch must be a whole number >= 1, got ${batchesPerEpoch}`),
      );
    }
  });

  it('takes the smallest run: one epoch of one batch', async () => {
    const scheduler = await createScheduler(spec('none'), { baseLr: 1e-9, epochs: 1, batchesPerEpoch: 1 });
    expect(learningRates(scheduler, 2)).toEqual([1e-9, 1e-9]);
  });

  it('counts the run in the schedule\'s unit', () => {
    expect(runSteps('epoch', context)).toBe(4);
    expect(runSteps('batch', context)).toBe(12);
  });

  it('refuses warmup as long as the run in one line naming the unit, and takes one step less', async () => {
    expect(await thrown(() => createScheduler(spec('none', { warmup: 4 }), context))).toEqual({
      kind: 'ScheduleSpecError',
      code: 'invalid-context',
      parameter: 'warmup',
      message: "scheduler 'none': warmup=4 leaves no step of the 4-epoch run for the schedule; use warmup < 4",
    });
    expect((await thrown(() => createScheduler(spec('none', { warmup: 12, unit: 'batch' }), context))).message).toBe(
      "scheduler 'none': warmup=12 leaves no step of the 12-batch run for the schedule; use warmup < 12",
    );
    // warmup=3 of 4 epochs: from a third of the rate (warmup_start's default) up, then the schedule.
    const rates = learningRates(await createScheduler(spec('none', { warmup: 3 }), context), 4);
    [0.1 / 3, 0.1 * (1 / 3 + 2 / 9), 0.1 * (1 / 3 + 4 / 9), 0.1].forEach((expected, step) => expect(rates[step]).toBeCloseTo(expected, 15));
  });

  it('steps a batch-unit schedule per batch', async () => {
    const scheduler = await createScheduler(spec('step', { unit: 'batch', step_size: 5, gamma: 0.5 }), context);
    expect(scheduler.kind === 'closed-form' && scheduler.unit).toBe('batch');
    expect(learningRates(scheduler, 12)).toEqual([0.1, 0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05, 0.05, 0.025, 0.025]);
  });

  it('refuses reading a step that is not a whole number >= 0, naming it', async () => {
    const scheduler = await createScheduler(spec('none'), context);
    if (scheduler.kind !== 'closed-form') throw new Error('none is closed-form');
    expect(await thrown(() => scheduler.lrAt(-1))).toEqual({ kind: 'RangeError', message: 'a schedule step must be a whole number >= 0, got -1' });
    expect(await thrown(() => scheduler.lrAt(0.5))).toEqual({ kind: 'RangeError', message: 'a schedule step must be a whole number >= 0, got 0.5' });
    expect(scheduler.lrAt(0)).toBe(0.1);
  });

  it('allows a rate of 0 (the check over the run refuses only rates below 0 or not finite)', async () => {
    // constant's factor=0 is a rate of 0 for total_iters steps.
    expect(learningRates(await createScheduler(spec('constant', { factor: 0, total_iters: 2 }), context), 3)).toEqual([0, 0, 0.1]);
  });

  it('cycles momentum under warmup as PyTorch does: warmup holds the schedule\'s first momentum', async () => {
    const scheduler = await createScheduler(spec('cyclic', { step_size_up: 2, warmup: 2 }), { baseLr: 0.1, epochs: 6, batchesPerEpoch: 1 });
    // CyclicLR's momentum goes from max_momentum 0.9 down to base_momentum 0.8 over step_size_up steps.
    expect(momentums(scheduler, 6)!.map((value) => Number(value.toFixed(12)))).toEqual([0.9, 0.9, 0.9, 0.85, 0.8, 0.85]);
    expect(momentums(await createScheduler(spec('step'), context), 3)).toBeUndefined();
    expect(momentums(await createScheduler(spec('plateau'), context), 3)).toBeUndefined();
  });

  it('learningRates refuses a step count that is not a whole number >= 0', async () => {
    const scheduler = await createScheduler(spec('none'), context);
    expect(learningRates(scheduler, 0)).toEqual([]);
    expect(await thrown(() => learningRates(scheduler, -1))).toEqual({ kind: 'UsageError', message: 'the number of steps must be a whole number >= 0, got -1' });
    expect(await thrown(() => learningRates(scheduler, 1.5))).toEqual({ kind: 'UsageError', message: 'the number of steps must be a whole number >= 0, got 1.5' });
  });

  it('learningRates feeds a metric-driven scheduler the metric of each step but the last', async () => {
    const plateau = await createScheduler(spec('plateau', { patience: 0, factor: 0.5 }), context);
    // mode=min: each step's metric is no better than the first, so after the first the rate halves each step.
    expect(learningRates(plateau, 4, [1, 1, 1])).toEqual([0.1, 0.1, 0.05, 0.025]);
    expect(await thrown(async () => learningRates(await createScheduler(spec('plateau'), context), 4, [1, 1]))).toEqual({
      kind: 'UsageError',
      message: 'a metric-driven scheduler (plateau) needs a metric for each of the first 3 steps, got 2; pass them with --metrics',
    });
    expect(learningRates(await createScheduler(spec('plateau'), context), 0)).toEqual([]);
  });
});
