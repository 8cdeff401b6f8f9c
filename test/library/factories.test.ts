/**
 * schedule() and the typed factories against the one registry: every entry
 * has a factory, every parameter its camelCase key and its type, and a
 * factory, a spec string and the CLI's parser give the same scheduler.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { schedule, schedules, ScheduleSpecError, type ScheduleSpec } from '../../src/index.js';
import { renderScheduleParamTypes } from '../../src/library/schedule-types.js';
import { parseSchedulerSpec, SCHEDULER_NAMES, SCHEDULER_REGISTRY } from '../../src/schedulers/index.js';

const ROOT = join(import.meta.dirname, '../..');

/** Written here, not imported: the test must not share the code it checks. */
function camel(snake: string): string {
  return snake
    .split('_')
    .map((part, index) => (index === 0 ? part : part.charAt(0).toUpperCase() + part.slice(1)))
    .join('');
}

type Factory = (params?: Record<string, unknown>) => ScheduleSpec;
const factories = schedules as unknown as Record<string, Factory>;

function expectScheduleError(action: () => unknown, code: string, parameter?: string): ScheduleSpecError {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ScheduleSpecError);
  const error = caught as ScheduleSpecError;
  expect(error.code).toBe(code);
  if (parameter !== undefined) expect(error.parameter).toBe(parameter);
  expect(error.message).not.toContain('\n');
  return error;
}

describe('schedules.* factories', () => {
  it('has types generated from the current registry (else run scripts/generate-schedule-types.mjs)', () => {
    const committed = readFileSync(join(ROOT, 'src/library/schedule-params.generated.ts'), 'utf8');
    expect(committed).toBe(renderScheduleParamTypes(SCHEDULER_NAMES.map((name) => SCHEDULER_REGISTRY[name]!)));
  });

  it('declares every registry entry and every parameter in the generated types', () => {
    const committed = readFileSync(join(ROOT, 'src/library/schedule-params.generated.ts'), 'utf8');
    for (const name of SCHEDULER_NAMES) {
      expect(committed).toContain(`  ${camel(name)}: `);
      for (const param of SCHEDULER_REGISTRY[name]!.params) {
        expect(committed, `${name}.${param.key}`).toMatch(new RegExp(`readonly ${camel(param.key)}\\??: `));
      }
    }
  });

  it('has one factory per registry entry and no other', () => {
    expect(Object.keys(schedules).sort()).toEqual(SCHEDULER_NAMES.map(camel).sort());
  });

  it.each(SCHEDULER_NAMES)('%s: every parameter under its camelCase key, same params and rates as the spec string', async (name) => {
    const definition = SCHEDULER_REGISTRY[name]!;
    const required = definition.params.some((param) => param.required);
    if (!required) {
      // No parameters: the same validated spec as the bare name on the command line.
      expect(factories[camel(name)]!().params).toEqual(parseSchedulerSpec(name).params);
    }
    // A valid spec of this schedule: the first golden case recorded from its library (custom: a fixture module).
    const fixture = join(ROOT, 'test/fixtures/schedules', `${name}.json`);
    const golden = existsSync(fixture)
      ? (JSON.parse(readFileSync(fixture, 'utf8')) as { cases: { spec: string; context: { baseLr: number; epochs: number; batchesPerEpoch: number } }[] }).cases[0]!
      : { spec: name === 'custom' ? 'custom:module=test/fixtures/schedules/modules/exponential-default.mjs' : name, context: { baseLr: 0.1, epochs: 10, batchesPerEpoch: 3 } };
    const parsed = parseSchedulerSpec(golden.spec);
    // Every parameter the spec resolved (defaults included), each under its camelCase key.
    const camelParams = Object.fromEntries(Object.entries(parsed.params).map(([key, value]) => [camel(key), value]));
    const spec = factories[camel(name)]!(camelParams);
    expect(spec.params).toEqual(parsed.params);
    const context = { lr: golden.context.baseLr, epochs: golden.context.epochs, stepsPerEpoch: golden.context.batchesPerEpoch };
    const [fromText, fromFactory] = [await schedule(golden.spec, context), await schedule(spec, context)];
    if (fromText.kind === 'closed-form' && fromFactory.kind === 'closed-form') {
      for (let step = 0; step < 40; step++) expect(fromFactory.lrAt(step)).toBe(fromText.lrAt(step));
    } else {
      expect(fromFactory.kind).toBe(fromText.kind);
    }
  });

  it('refuses unknown keys, snake_case keys and values of the wrong type, as typed errors', () => {
    const unknown = expectScheduleError(() => factories.step!({ stepSise: 3 }), 'unknown-parameter', 'stepSise');
    expect(unknown.message).toContain('valid keys: stepSize, gamma, unit, warmup, warmupStart');
    expectScheduleError(() => factories.step!({ step_size: 3 }), 'unknown-parameter', 'step_size');
    expectScheduleError(() => factories.step!({ stepSize: '3' }), 'invalid-value', 'step_size');
    expectScheduleError(() => factories.step!({ gamma: 0 }), 'invalid-value', 'gamma');
    expectScheduleError(() => factories.custom!({}), 'missing-parameter', 'module');
  });

  it('writes the spec a user could give the CLI', () => {
    expect(schedules.multistep({ milestones: [3, 6], gamma: 0.5 }).spec).toBe('multistep:milestones=3|6,gamma=0.5');
    expect(schedules.cosine().spec).toBe('cosine');
  });
});

describe('schedule()', () => {
  const context = { lr: 0.1, epochs: 12, stepsPerEpoch: 5 };

  it('builds the same rates from a spec string and from the factory', async () => {
    const fromText = await schedule('cosine_restarts:t_0=3,t_mult=2,unit=batch', context);
    const fromFactory = await schedule(schedules.cosineRestarts({ t0: 3, tMult: 2, unit: 'batch' }), context);
    if (fromText.kind !== 'closed-form' || fromFactory.kind !== 'closed-form') throw new Error('expected closed forms');
    for (let step = 0; step < 60; step++) expect(fromFactory.lrAt(step)).toBe(fromText.lrAt(step));
    // CosineAnnealingWarmRestarts with T_0 = 3: a restart at step 3 puts the rate back to lr.
    expect(fromText.lrAt(3)).toBe(0.1);
  });

  it('follows StepLR by hand', async () => {
    const step = await schedule(schedules.step({ stepSize: 2, gamma: 0.5 }), { lr: 0.8 });
    if (step.kind !== 'closed-form') throw new Error('expected a closed form');
    expect([0, 1, 2, 3, 4, 100].map((s) => step.lrAt(s))).toEqual([0.8, 0.8, 0.4, 0.4, 0.2, 0.8 * 0.5 ** 50]);
  });

  it('drives plateau through observe', async () => {
    const plateau = await schedule('plateau:patience=1,factor=0.5', { lr: 1 });
    if (plateau.kind !== 'metric-driven') throw new Error('expected plateau');
    const rates: number[] = [];
    for (const loss of [5, 5, 5, 5, 5]) {
      rates.push(plateau.currentLr());
      plateau.observe(loss);
    }
    // ReduceLROnPlateau, patience 1: the third non-improving epoch in a row cuts the rate.
    expect(rates).toEqual([1, 1, 1, 0.5, 0.5]);
  });

  it('asks for the run length only when a default needs it', async () => {
    const error = await schedule('cosine', { lr: 0.1 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ScheduleSpecError);
    expect((error as ScheduleSpecError).code).toBe('invalid-context');
    expect((error as ScheduleSpecError).parameter).toBe('t_max');
    expect((error as ScheduleSpecError).message).toBe("scheduler 'cosine': t_max defaults to the run's length; give context.epochs, or set t_max=...");
    await expect(schedule('cosine:t_max=10,unit=batch', { lr: 0.1 })).resolves.toMatchObject({ kind: 'closed-form', unit: 'batch' });
  });

  it('rejects bad specs with the CLI\'s one-line messages as ScheduleSpecErrors', async () => {
    for (const [spec, code, parameter, message] of [
      ['stepp', 'unknown-scheduler', undefined, "unknown scheduler 'stepp'"],
      ['step:gamma', 'syntax', undefined, "scheduler 'step': expected key=value, got 'gamma'"],
      ['step:gama=0.5', 'unknown-parameter', 'gama', "scheduler 'step' has no parameter 'gama'"],
      ['step:gamma=0', 'invalid-value', 'gamma', "scheduler 'step': gamma must be > 0, got 0"],
      ['cosine:warmup=12', 'invalid-context', 'warmup', 'warmup=12 leaves no step of the 12-epoch run'],
    ] as const) {
      const error = await schedule(spec, context).catch((thrown: unknown) => thrown);
      expect(error, spec).toBeInstanceOf(ScheduleSpecError);
      expect((error as ScheduleSpecError).code, spec).toBe(code);
      expect((error as ScheduleSpecError).parameter, spec).toBe(parameter);
      expect((error as ScheduleSpecError).message, spec).toContain(message);
    }
    await expect(schedule('step', { lr: 0 })).rejects.toThrow('the base learning rate must be a positive number, got 0');
  });

  it('rejects a call from JavaScript without a context with the documented error, not a TypeError', async () => {
    const withoutContext = schedule as unknown as (spec: string) => Promise<unknown>;
    await expect(withoutContext('cosine:t_max=10')).rejects.toThrow(
      new ScheduleSpecError('schedule(spec, context) needs a context with the base learning rate, e.g. { lr: 0.1 }', { code: 'invalid-context' }),
    );
    await expect(withoutContext('cosine:t_max=10')).rejects.toBeInstanceOf(ScheduleSpecError);
  });
});
