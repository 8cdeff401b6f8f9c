/**
 * The scheduler-spec grammar (docs/schedulers.md, "A spec is ...") and its
 * refusals, asserted as whole lines with their error code and parameter: the
 * message is what the user reads, the code is what a library caller reacts to.
 * Every expected value is written out here from the documented grammar, never
 * computed by the parser.
 */
import { describe, expect, it } from 'vitest';
import { ScheduleSpecError, UsageError } from '../../src/errors.js';
import { parseSchedulerSpec, resolveSchedulerSelection } from '../../src/schedulers/index.js';
import { findScheduler } from '../../src/schedulers/registry.js';

const NAMES =
  'step, multistep, exponential, cosine, cosine_restarts, plateau, cyclic, onecycle, polynomial, linear, constant, none, custom, sequential, chained, ' +
  'exponential_decay, inverse_time_decay, piecewise_constant_decay, polynomial_decay, cosine_decay, cosine_decay_restarts, keras_plateau, ' +
  'constant_with_warmup, linear_with_warmup, cosine_with_warmup, cosine_with_hard_restarts, polynomial_with_warmup, inverse_sqrt, cosine_with_min_lr, wsd, ' +
  'warmup_cosine_decay, warmup_exponential_decay, linear_onecycle, tanh, cosine_cycles';
const STEP_KEYS = 'step_size, gamma, unit, warmup, warmup_start, label, optimizer';

interface Refusal {
  readonly kind: string;
  readonly code?: string;
  readonly parameter?: string;
  readonly message: string;
}

/** What `action` threw, as a plain record; fails when it throws nothing. */
function refusal(action: () => unknown): Refusal {
  try {
    action();
  } catch (error) {
    if (error instanceof ScheduleSpecError) {
      return { kind: 'ScheduleSpecError', code: error.code, ...(error.parameter === undefined ? {} : { parameter: error.parameter }), message: error.message };
    }
    if (error instanceof UsageError) return { kind: 'UsageError', message: error.message };
    throw error;
  }
  throw new Error('expected a refusal, nothing was thrown');
}

const refused = (code: string, message: string, parameter?: string): Refusal => ({
  kind: 'ScheduleSpecError',
  code,
  ...(parameter === undefined ? {} : { parameter }),
  message,
});

describe('spec grammar: refusals, one whole line each', () => {
  const cases: ReadonlyArray<readonly [string, Refusal]> = [
    ['', refused('syntax', `empty scheduler spec; expected name or name:key=value,... with a name from ${NAMES}`)],
    ['  ', refused('syntax', `empty scheduler spec; expected name or name:key=value,... with a name from ${NAMES}`)],
    ['stepp', refused('unknown-scheduler', `unknown scheduler 'stepp'; valid names: ${NAMES} (or 'all' in --schedulers)`)],
    ['toString', refused('unknown-scheduler', `unknown scheduler 'toString'; valid names: ${NAMES} (or 'all' in --schedulers)`)],
    ['all', refused('unknown-scheduler', "'all' only works in --schedulers (it means step, exponential, cosine, plateau, cyclic); a spec names one scheduler")],
    ['step:', refused('syntax', "scheduler 'step': nothing after ':' in 'step:'; write step alone or step:key=value,...")],
    ['step:  ', refused('syntax', "scheduler 'step': nothing after ':' in 'step:'; write step alone or step:key=value,...")],
    ['step:gamma', refused('syntax', `scheduler 'step': expected key=value, got 'gamma'; valid keys: ${STEP_KEYS}`)],
    ['step:gamma=0.5, speed ', refused('syntax', `scheduler 'step': expected key=value, got 'speed'; valid keys: ${STEP_KEYS}`)],
    ['step:gama=0.5', refused('unknown-parameter', `scheduler 'step' has no parameter 'gama'; valid keys: ${STEP_KEYS}`, 'gama')],
    ['step:gamma=', refused('syntax', "scheduler 'step': gamma has no value", 'gamma')],
    ['step:gamma= ', refused('syntax', "scheduler 'step': gamma has no value", 'gamma')],
    ['step:gamma=0.5,gamma=0.4', refused('syntax', "scheduler 'step': gamma is given twice", 'gamma')],
    ['step:gamma=0.5, gamma =0.4', refused('syntax', "scheduler 'step': gamma is given twice", 'gamma')],
    ['step:label=a,label=b', refused('syntax', "scheduler 'step': label is given twice", 'label')],
    ['step:label=', refused('syntax', "scheduler 'step': label must not be empty", 'label')],
    [
      'step:optimizer=lion',
      refused('invalid-value', "scheduler 'step': optimizer must be one of sgd, momentum, adam, rmsprop, adamw, schedulefree_sgd, schedulefree_adamw, got 'lion'", 'optimizer'),
    ],
    ['step:gamma=fast', refused('invalid-value', "scheduler 'step': gamma must be a number, got 'fast'", 'gamma')],
    ['step:gamma=1e999', refused('invalid-value', "scheduler 'step': gamma: 1e999 is not a finite number", 'gamma')],
    ['step:gamma=0', refused('invalid-value', "scheduler 'step': gamma must be > 0, got 0", 'gamma')],
    ['step:step_size=2.5', refused('invalid-value', "scheduler 'step': step_size must be a whole number, got '2.5'", 'step_size')],
    [
      'step:step_size=99999999999999999',
      refused('invalid-value', "scheduler 'step': step_size: 99999999999999999 is too large for a whole number (at most 9007199254740991)", 'step_size'),
    ],
    ['step:step_size=0', refused('invalid-value', "scheduler 'step': step_size must be >= 1, got 0", 'step_size')],
    ['step:unit=minute', refused('invalid-value', 'scheduler \'step\': unit must be one of epoch, batch, got "minute"', 'unit')],
    ['step:warmup_start=0', refused('invalid-value', "scheduler 'step': warmup_start must be in (0, 1], got 0", 'warmup_start')],
    ['step:warmup_start=1.01', refused('invalid-value', "scheduler 'step': warmup_start must be in (0, 1], got 1.01", 'warmup_start')],
    ['onecycle:three_phase=yes', refused('invalid-value', "scheduler 'onecycle': three_phase must be true or false, got 'yes'", 'three_phase')],
    ['onecycle:three_phase=True', refused('invalid-value', "scheduler 'onecycle': three_phase must be true or false, got 'True'", 'three_phase')],
    [
      'multistep:milestones=30|x',
      refused('invalid-value', "scheduler 'multistep': milestones must be whole numbers separated by | (e.g. 30|60|90), got '30|x'", 'milestones'),
    ],
    [
      'multistep:milestones=1|99999999999999999',
      refused('invalid-value', "scheduler 'multistep': milestones must be whole numbers separated by | (e.g. 30|60|90), got '1|99999999999999999'", 'milestones'),
    ],
    ['multistep:milestones=30|30', refused('invalid-value', "scheduler 'multistep': milestones must be strictly increasing, got [30,30]", 'milestones')],
    ['multistep:milestones=0|30', refused('invalid-value', "scheduler 'multistep': milestones must all be >= 1, got [0,30]", 'milestones')],
    [
      'piecewise_constant_decay:boundaries=10,values=0.1|x',
      refused('invalid-value', "scheduler 'piecewise_constant_decay': values must be numbers separated by | (e.g. 0.1|0.01|0.001), got '0.1|x'", 'values'),
    ],
    ['piecewise_constant_decay:boundaries=10,values=0.1|1e999', refused('invalid-value', "scheduler 'piecewise_constant_decay': values: 1e999 is not a finite number", 'values')],
    ['piecewise_constant_decay:boundaries=10,values=0.1|-1', refused('invalid-value', "scheduler 'piecewise_constant_decay': values must all be >= 0, got [0.1,-1]", 'values')],
    ['custom', refused('missing-parameter', "scheduler 'custom' needs module=...: Path to the JavaScript module (.js/.mjs) exporting the schedule.", 'module')],
    ['cyclic:max_lr=0.0001', refused('invalid-value', "scheduler 'cyclic': max_lr (0.0001) must not be below base_lr (0.001)", 'max_lr')],
    ['step(cosine)', refused('syntax', "scheduler 'step' takes no parts in parentheses; write step:key=value,...")],
    ['sequential', refused('syntax', "scheduler 'sequential' needs its parts in parentheses: sequential(SPEC; SPEC; ...):milestones=m1|m2")],
    ['sequential:milestones=2', refused('syntax', "scheduler 'sequential' needs its parts in parentheses: sequential(SPEC; SPEC; ...):milestones=m1|m2")],
    ['chained', refused('syntax', "scheduler 'chained' needs its parts in parentheses: chained(SPEC; SPEC; ...)")],
    ['sequential(step; cosine)x', refused('syntax', "scheduler 'sequential': unexpected 'x' after ')'; write sequential(SPEC; SPEC):key=value,...")],
    ['sequential(step; cosine))', refused('syntax', "scheduler 'sequential': unexpected ')' after ')'; write sequential(SPEC; SPEC):key=value,...")],
    ['sequential(step; cosine', refused('syntax', "unbalanced '(' in scheduler spec 'sequential(step; cosine'")],
    ['sequential(step; (cosine):milestones=2', refused('syntax', "unbalanced '(' in scheduler spec 'sequential(step; (cosine):milestones=2'")],
    ['sequential(step;;cosine):milestones=2', refused('syntax', "scheduler 'sequential': an empty part in '(step;;cosine)'; separate specs with ;")],
    ['sequential(step; cosine; ):milestones=2|4', refused('syntax', "scheduler 'sequential': an empty part in '(step; cosine; )'; separate specs with ;")],
    ['sequential(step; cosine:label=a):milestones=2', refused('syntax', "scheduler 'sequential': 'label=' belongs on the sequential(...) itself, not on its part 'cosine:label=a'")],
    [
      'sequential(step; cosine:t_max=3, optimizer = adam):milestones=2',
      refused('syntax', "scheduler 'sequential': 'optimizer=' belongs on the sequential(...) itself, not on its part 'cosine:t_max=3, optimizer = adam'"),
    ],
    ['sequential(step:unit=batch; cosine):milestones=2', refused('syntax', "scheduler 'sequential': 'unit=' belongs on the sequential(...) itself, not on its part 'step:unit=batch'")],
    [
      'sequential(step; cosine):milestones=2,schedulers=x',
      refused('invalid-value', "scheduler 'sequential': schedulers is written in parentheses after the name, e.g. sequential(linear; cosine):milestones=5", 'schedulers'),
    ],
    // A part's own errors name the part's scheduler.
    ['sequential(step:gamma=0; cosine):milestones=2', refused('invalid-value', "scheduler 'step': gamma must be > 0, got 0", 'gamma')],
  ];

  it.each(cases)('refuses %j', (spec, expected) => {
    expect(refusal(() => parseSchedulerSpec(spec))).toEqual(expected);
  });
});

describe('spec grammar: what a valid spec parses to', () => {
  it('a bare name gets every static default and nothing else, as a frozen record', () => {
    const parsed = parseSchedulerSpec('step');
    expect(parsed).toStrictEqual({ label: 'step', name: 'step', spec: 'step', params: { step_size: 20, gamma: 0.5, unit: 'epoch', warmup: 0, warmup_start: 1 / 3 } });
    expect(Object.isFrozen(parsed)).toBe(true);
    expect(Object.isFrozen(parsed.params)).toBe(true);
  });

  it('leaves a run-dependent default out entirely (not as undefined)', () => {
    expect(Object.keys(parseSchedulerSpec('cosine').params)).toEqual(['eta_min', 'unit', 'warmup', 'warmup_start']);
  });

  it('trims names, keys and values; the label is the trimmed spec as written', () => {
    expect(parseSchedulerSpec('  step : gamma = 0.3 , step_size = 4 ')).toStrictEqual({
      label: 'step : gamma = 0.3 , step_size = 4',
      name: 'step',
      spec: 'step : gamma = 0.3 , step_size = 4',
      params: { step_size: 4, gamma: 0.3, unit: 'epoch', warmup: 0, warmup_start: 1 / 3 },
    });
  });

  it('label= and optimizer= name the run and pick its optimizer; they are not parameters', () => {
    expect(parseSchedulerSpec('step:label=slow, optimizer=adam')).toStrictEqual({
      label: 'slow',
      name: 'step',
      spec: 'step:label=slow, optimizer=adam',
      optimizer: 'adam',
      params: { step_size: 20, gamma: 0.5, unit: 'epoch', warmup: 0, warmup_start: 1 / 3 },
    });
  });

  it('reads lists, choices, booleans and numbers written as lr-compare reads numbers', () => {
    expect(parseSchedulerSpec('multistep:milestones= 3 | 6 |9').params.milestones).toStrictEqual([3, 6, 9]);
    expect(parseSchedulerSpec('multistep:milestones=1e1').params.milestones).toStrictEqual([10]);
    expect(parseSchedulerSpec('piecewise_constant_decay:boundaries=10,values=0.1| .01').params.values).toStrictEqual([0.1, 0.01]);
    expect(parseSchedulerSpec('onecycle:three_phase=false').params.three_phase).toBe(false);
    expect(parseSchedulerSpec('onecycle:three_phase=true').params.three_phase).toBe(true);
    expect(parseSchedulerSpec('step:step_size=1e2').params.step_size).toBe(100);
  });

  it('copies step_size_down from step_size_up only when it is not given', () => {
    expect(parseSchedulerSpec('cyclic:step_size_up=7').params).toMatchObject({ step_size_up: 7, step_size_down: 7 });
    expect(parseSchedulerSpec('cyclic:step_size_down=3,step_size_up=7').params).toMatchObject({ step_size_up: 7, step_size_down: 3 });
  });

  it('keeps a composite\'s parts as written, joined by "; ", and its own parameters after "):"', () => {
    expect(parseSchedulerSpec('sequential( linear:total_iters=2 ;cosine:t_max=3 ):milestones=2')).toStrictEqual({
      label: 'sequential( linear:total_iters=2 ;cosine:t_max=3 ):milestones=2',
      name: 'sequential',
      spec: 'sequential( linear:total_iters=2 ;cosine:t_max=3 ):milestones=2',
      params: { schedulers: 'linear:total_iters=2; cosine:t_max=3', milestones: [2], unit: 'epoch', warmup: 0, warmup_start: 1 / 3 },
    });
    expect(parseSchedulerSpec('chained(constant:factor=0.5; exponential:gamma=0.9) ').params.schedulers).toBe('constant:factor=0.5; exponential:gamma=0.9');
  });

  it('lets label=, optimizer= and unit= stand on the composite, and inside a nested part\'s own parentheses', () => {
    const parsed = parseSchedulerSpec('sequential(chained(constant:factor=0.5; exponential:gamma=0.9); cosine):milestones=2,unit=batch,label=mix');
    expect(parsed.label).toBe('mix');
    expect(parsed.params.unit).toBe('batch');
    // A key named like a part's word but not a key of its own is no "label=" of the part.
    expect(parseSchedulerSpec('sequential(step; cosine):milestones=2').params.schedulers).toBe('step; cosine');
  });

  it('nests composites 4 deep, not 5', () => {
    const nest = (depth: number): string => (depth === 0 ? 'step' : `sequential(${nest(depth - 1)}; cosine):milestones=1`);
    expect(parseSchedulerSpec(nest(4)).name).toBe('sequential');
    expect(refusal(() => parseSchedulerSpec(nest(5)))).toEqual(refused('invalid-value', "scheduler 'sequential': composites nest at most 4 deep"));
  });

  it('takes 16 parts, not 17', () => {
    const parts = (count: number) => Array.from({ length: count }, () => 'step').join('; ');
    const milestones = (count: number) => Array.from({ length: count - 1 }, (_, i) => i + 1).join('|');
    expect(parseSchedulerSpec(`sequential(${parts(16)}):milestones=${milestones(16)}`).params.milestones).toHaveLength(15);
    expect(refusal(() => parseSchedulerSpec(`sequential(${parts(17)}):milestones=${milestones(17)}`))).toEqual(
      refused('invalid-value', "scheduler 'sequential': at most 16 parts, got 17"),
    );
  });
});

describe('spec grammar: labels', () => {
  it('takes a label of 100 characters, not 101', () => {
    const label = 'x'.repeat(100);
    expect(parseSchedulerSpec(`step:label=${label}`).label).toBe(label);
    expect(refusal(() => parseSchedulerSpec(`step:label=${label}y`))).toEqual(
      refused('invalid-value', "label 'xxxxxxxxxxxxxxxxxxxx...' is 101 characters, which is too long: at most 100", 'label'),
    );
  });

  it('takes a spec without label= of 1000 characters as its own label, not 1001', () => {
    const spec = (length: number) => `step:gamma=0.${'5'.repeat(length - 'step:gamma=0.'.length)}`;
    expect(parseSchedulerSpec(spec(1000)).label).toHaveLength(1000);
    expect(refusal(() => parseSchedulerSpec(spec(1001)))).toEqual(
      refused('invalid-value', "scheduler spec 'step:gamma=0.5555555...' is 1001 characters, which is too long: at most 1000", 'label'),
    );
  });

  it('refuses control characters, naming the code point, in a label and in a spec that is its own label', () => {
    expect(refusal(() => parseSchedulerSpec('step:label=a\u0007b'))).toEqual(
      refused('invalid-value', 'label "a\\u0007b" contains the control character U+0007; a label must be printable text on one line', 'label'),
    );
    expect(refusal(() => parseSchedulerSpec('step:label=a\u001fb'))).toEqual(
      refused('invalid-value', 'label "a\\u001fb" contains the control character U+001F; a label must be printable text on one line', 'label'),
    );
    expect(refusal(() => parseSchedulerSpec('step:label=a\u0085b'))).toEqual(
      refused('invalid-value', 'label "a\u0085b" contains the control character U+0085; a label must be printable text on one line', 'label'),
    );
    // Spaces around the name are trimmed away, a tab inside the spec is not: the spec is the run's label.
    expect(refusal(() => parseSchedulerSpec('step\t:gamma=0.5'))).toEqual(
      refused('invalid-value', 'scheduler spec "step\\t:gamma=0.5" contains the control character U+0009; a label must be printable text on one line', 'label'),
    );
    expect(refusal(() => parseSchedulerSpec('step:gamma=0.5,label=a\u007fb'))).toEqual(
      refused('invalid-value', 'label "a\u007fb" contains the control character U+007F; a label must be printable text on one line', 'label'),
    );
    expect(refusal(() => parseSchedulerSpec('step:label=a\u009fb'))).toEqual(
      refused('invalid-value', 'label "a\u009fb" contains the control character U+009F; a label must be printable text on one line', 'label'),
    );
  });

  it('keeps printable text either side of the control ranges', () => {
    expect(parseSchedulerSpec('step:label=a b~\u00a0é').label).toBe('a b~\u00a0é');
  });

  it('checks the label of the whole spec only, not of each part (a part is not a run)', () => {
    const long = `sequential(step:gamma=0.${'5'.repeat(120)}; cosine):milestones=2,label=short`;
    expect(parseSchedulerSpec(long).label).toBe('short');
  });
});

describe('resolveSchedulerSelection: whole lines', () => {
  it('points parameters given to --schedulers at -s', () => {
    expect(refusal(() => resolveSchedulerSelection(['gamma=0.3'], []))).toEqual({
      kind: 'UsageError',
      message: "'gamma=0.3' in --schedulers is not a scheduler name; give specs with parameters with -s/--scheduler 'name:key=value,...'",
    });
  });

  it('takes a full spec with ":" in --schedulers as a spec', () => {
    expect(resolveSchedulerSelection([' step:gamma=0.3 '], []).map((spec) => spec.params.gamma)).toEqual([0.3]);
  });

  it('names the label selected twice', () => {
    expect(refusal(() => resolveSchedulerSelection(['cosine'], ['step:label=cosine']))).toEqual({
      kind: 'UsageError',
      message: "scheduler run 'cosine' is selected twice; drop one or name it apart with label=...",
    });
  });

  it('all is the article\'s five, parsed with their defaults', () => {
    const all = resolveSchedulerSelection(['all'], []);
    expect(all.map((spec) => spec.label)).toEqual(['step', 'exponential', 'cosine', 'plateau', 'cyclic']);
    expect(all[0]!.params).toStrictEqual({ step_size: 20, gamma: 0.5, unit: 'epoch', warmup: 0, warmup_start: 1 / 3 });
  });
});

describe('registry lookup', () => {
  it('finds registered names only, not properties every object has', () => {
    expect(findScheduler('cosine')?.name).toBe('cosine');
    expect(findScheduler('toString')).toBeUndefined();
    expect(findScheduler('__proto__')).toBeUndefined();
    expect(findScheduler('constructor')).toBeUndefined();
  });

  it('appends the shared parameters after a definition\'s own, and a redefined one only once', () => {
    expect(findScheduler('step')!.params.map((param) => param.key)).toEqual(['step_size', 'gamma', 'unit', 'warmup', 'warmup_start']);
    const plateau = findScheduler('plateau')!.params;
    expect(plateau.filter((param) => param.key === 'unit')).toHaveLength(1);
    expect(plateau.find((param) => param.key === 'unit')!.choices).toEqual(['epoch']);
    expect(plateau.slice(-2).map((param) => param.key)).toEqual(['warmup', 'warmup_start']);
  });
});
