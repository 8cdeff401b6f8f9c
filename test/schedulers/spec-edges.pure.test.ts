/**
 * Edges of the spec grammar and of building a run's scheduler that the
 * mutation run of the spec group showed untested: where '(' and ':' meet,
 * spaces around a composite's parentheses, a key missing before '=', the
 * control-character range's ends, the metric a plateau has seen after
 * learningRates, momentum outside warmup. Expected values are written out.
 */
import { describe, expect, it } from 'vitest';
import { ScheduleSpecError } from '../../src/errors.js';
import { createScheduler, learningRates, momentums, parseSchedulerSpec } from '../../src/schedulers/index.js';
import type { ResolvedSchedulerSpec } from '../../src/schedulers/index.js';
import { completeParams } from '../../src/schedulers/spec.js';
import { describeAllowed, type ParamDefinition } from '../../src/schedulers/params.js';
import type { SchedulerDefinition } from '../../src/schedulers/definition.js';

const STEP_KEYS = 'step_size, gamma, unit, warmup, warmup_start, label, optimizer';

function refusal(action: () => unknown): { code: string; parameter?: string; message: string } {
  try {
    action();
  } catch (error) {
    if (!(error instanceof ScheduleSpecError)) throw error;
    return { code: error.code, ...(error.parameter === undefined ? {} : { parameter: error.parameter }), message: error.message };
  }
  throw new Error('expected a ScheduleSpecError, nothing was thrown');
}

describe('where ( and : meet', () => {
  it('a name is what stands before the first ( or :, whichever comes first', () => {
    // '(' after ':' belongs to a value: here a label with parentheses.
    expect(parseSchedulerSpec('step:label=fast (0.3)').label).toBe('fast (0.3)');
    expect(refusal(() => parseSchedulerSpec('step:gamma=(1)'))).toEqual({ code: 'invalid-value', parameter: 'gamma', message: "scheduler 'step': gamma must be a number, got '(1)'" });
    // Nothing before '(' or ':' is an empty name.
    expect(refusal(() => parseSchedulerSpec('(step)')).message).toMatch(/^unknown scheduler ''; valid names: step, /);
    expect(refusal(() => parseSchedulerSpec(':gamma=1')).message).toMatch(/^unknown scheduler ''; valid names: step, /);
    expect(refusal(() => parseSchedulerSpec(':(step)')).message).toMatch(/^unknown scheduler ''; valid names: step, /);
  });

  it('allows spaces around a composite\'s parentheses', () => {
    for (const spec of ['sequential (step; cosine):milestones=2', 'sequential(step; cosine) :milestones=2']) {
      expect(parseSchedulerSpec(spec).params).toStrictEqual({ schedulers: 'step; cosine', milestones: [2], unit: 'epoch', warmup: 0, warmup_start: 1 / 3 });
    }
  });
});

describe('a pair without a key', () => {
  it('is a syntax error naming the pair, not an unknown parameter named \'\'', () => {
    expect(refusal(() => parseSchedulerSpec('step:=5'))).toEqual({ code: 'syntax', message: `scheduler 'step': expected key=value, got '=5'; valid keys: ${STEP_KEYS}` });
    expect(refusal(() => parseSchedulerSpec('step:gamma=0.5, =3'))).toEqual({ code: 'syntax', message: `scheduler 'step': expected key=value, got '=3'; valid keys: ${STEP_KEYS}` });
  });
});

describe('labels: the ends of the control ranges', () => {
  it('refuses U+0000', () => {
    expect(refusal(() => parseSchedulerSpec('step:label=a\u0000b'))).toEqual({
      code: 'invalid-value',
      parameter: 'label',
      message: 'label "a\\u0000b" contains the control character U+0000; a label must be printable text on one line',
    });
  });

  it('counts characters, not UTF-16 code units: an emoji is one character', () => {
    const rocket = '\u{1F680}';
    expect(parseSchedulerSpec(`step:label=${rocket.repeat(100)}`).label).toBe(rocket.repeat(100));
    expect(refusal(() => parseSchedulerSpec(`step:label=${rocket.repeat(101)}`))).toEqual({
      code: 'invalid-value',
      parameter: 'label',
      message: `label '${rocket.repeat(20)}...' is 101 characters, which is too long: at most 100`,
    });
  });

  it('checks a long part against the whole spec\'s label, not its own length', () => {
    const part = `step:gamma=0.${'5'.repeat(1100)}`;
    expect(parseSchedulerSpec(`sequential(${part}; cosine):milestones=2,label=short`).label).toBe('short');
  });
});

describe('completeParams', () => {
  const definition = (params: ParamDefinition[]): SchedulerDefinition => ({
    name: 'test',
    summary: 's',
    pytorch: 'p',
    params,
    build: () => ({ kind: 'closed-form', lrAt: () => 1, warmupTarget: 1 }),
  });

  it('copies a defaultFrom parameter only when the one it copies has a value', () => {
    const copying = definition([
      { key: 'up', type: 'integer', description: 'd' },
      { key: 'down', type: 'integer', defaultFrom: 'up', description: 'd' },
    ]);
    expect(completeParams(copying, { up: 3 })).toStrictEqual({ up: 3, down: 3 });
    expect(completeParams(copying, {})).toStrictEqual({});
    expect(Object.keys(completeParams(copying, {}))).toEqual([]);
  });
});

describe('describeAllowed without a range', () => {
  it('is the type alone', () => {
    const param = (type: ParamDefinition['type']): ParamDefinition => ({ key: 'k', type, description: 'd' });
    expect(describeAllowed(param('integer'))).toBe('whole number');
    expect(describeAllowed(param('integer-list'))).toBe('N|N|...');
    expect(describeAllowed(param('number-list'))).toBe('x|x|...');
  });
});

describe('a built scheduler', () => {
  const spec = (name: string, params: ResolvedSchedulerSpec['params'] = {}): ResolvedSchedulerSpec => ({ label: name, name, spec: name, params });
  const context = { baseLr: 0.1, epochs: 4, batchesPerEpoch: 3 };

  it('cycles momentum from step 0 without warmup and refuses a bad step there too', async () => {
    const scheduler = await createScheduler(spec('cyclic', { step_size_up: 2 }), context);
    expect(momentums(scheduler, 4)!.map((value) => Number(value.toFixed(12)))).toEqual([0.9, 0.85, 0.8, 0.85]);
    if (scheduler.kind !== 'closed-form' || !scheduler.momentumAt) throw new Error('cyclic cycles momentum');
    expect(() => scheduler.momentumAt!(-1)).toThrow(new RangeError('a schedule step must be a whole number >= 0, got -1'));
  });

  it('learningRates lets a plateau observe exactly the metrics of the steps it reads', async () => {
    const plateau = await createScheduler(spec('plateau', { patience: 0 }), context);
    expect(learningRates(plateau, 4, [1, 1, 1])).toEqual([0.1, 0.1, 0.05, 0.025]);
    // It saw three metrics: two reductions, so far.
    expect(plateau.kind === 'metric-driven' && plateau.currentLr()).toBe(0.025);
    const fed = await createScheduler(spec('plateau', { patience: 0 }), context);
    expect(learningRates(fed, 2, [1, 1, 1, 1])).toEqual([0.1, 0.1]);
    // Two steps read, two metrics observed: one reduction, the later metrics untouched.
    expect(fed.kind === 'metric-driven' && fed.currentLr()).toBe(0.05);
  });
});
