/**
 * custom: what runtime.test.ts does not reach. The module file that is a
 * folder, the LR_COMPARE_CUSTOM_TIMEOUT setting and its deadline, and steps
 * past the table computed before training (the `schedule` command shows a
 * schedule past the run it was built for): computed in blocks by a fresh
 * worker, a problem later in a block reported only when its step is asked for.
 * The fixture modules are the oracle: each one's comment gives its formula.
 */
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ScheduleSpecError } from '../../src/errors.js';
import { createScheduler, parseSchedulerSpec } from '../../src/schedulers/index.js';
import type { ClosedFormScheduler, ScheduleContext } from '../../src/schedulers/index.js';
import { rejection, thrownBy } from '../helpers/errors.js';

const MODULES = 'test/fixtures/schedules/modules';
const CONTEXT: ScheduleContext = { baseLr: 0.1, epochs: 20, batchesPerEpoch: 1 };
const TIMEOUT_VARIABLE = 'LR_COMPARE_CUSTOM_TIMEOUT';
const timeoutBefore = process.env[TIMEOUT_VARIABLE];

afterEach(() => {
  if (timeoutBefore === undefined) delete process.env[TIMEOUT_VARIABLE];
  else process.env[TIMEOUT_VARIABLE] = timeoutBefore;
});

async function custom(module: string, context: ScheduleContext = CONTEXT): Promise<ClosedFormScheduler> {
  const scheduler = await createScheduler(parseSchedulerSpec(`custom:module=${MODULES}/${module}`), context);
  if (scheduler.kind !== 'closed-form') throw new Error('custom must be closed-form');
  return scheduler;
}

const refusal = (module: string): Promise<unknown> => rejection(custom(module));

describe('custom: the module file', () => {
  it('names the path it looked at when the file is missing, and says so when it is a folder', async () => {
    expect(await refusal('missing.mjs')).toMatchObject({
      constructor: ScheduleSpecError,
      message: `scheduler 'custom': module file '${MODULES}/missing.mjs' not found (looked at ${resolve(MODULES, 'missing.mjs')})`,
      parameter: 'module',
    });
    const folder = await createScheduler(parseSchedulerSpec(`custom:module=${MODULES}`), CONTEXT).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(folder).toMatchObject({
      constructor: ScheduleSpecError,
      message: `scheduler 'custom': cannot read custom schedule module ${resolve(MODULES)}: it is a folder`,
      parameter: 'module',
    });
  });
});

describe('custom: LR_COMPARE_CUSTOM_TIMEOUT', () => {
  it.each(['abc', '0', '-1', '3601'])('refuses %j: seconds > 0 and <= 3600', async (text) => {
    process.env[TIMEOUT_VARIABLE] = text;
    expect(await refusal('exponential-default.mjs')).toMatchObject({
      constructor: ScheduleSpecError,
      message: `LR_COMPARE_CUSTOM_TIMEOUT must be seconds > 0 and <= 3600, got '${text}'`,
      parameter: 'module',
    });
  });

  it.each(['3600', '2.5', ''])('accepts %j (empty: the default)', async (text) => {
    process.env[TIMEOUT_VARIABLE] = text;
    // The module is 0.9^t (PyTorch's LambdaLR(lambda t: 0.9 ** t)).
    expect((await custom('exponential-default.mjs')).lrAt(3)).toBeCloseTo(0.1 * 0.9 ** 3, 15);
  });

  it('stops a module that does not answer by the deadline, naming the steps and the setting', async () => {
    process.env[TIMEOUT_VARIABLE] = '0.3';
    expect(await refusal('never-returns.mjs')).toMatchObject({
      constructor: ScheduleSpecError,
      message:
        `scheduler 'custom': module '${MODULES}/never-returns.mjs' did not return the rates of steps 0..19 within 0.3 s ` +
        '(a schedule must be a quick, pure function; LR_COMPARE_CUSTOM_TIMEOUT=<seconds> allows more)',
      parameter: 'module',
    });
  });
});

describe('custom: steps past the run it was built for', () => {
  it('computes them in blocks of 4096 steps, each step as the module gives it', async () => {
    // inverse-time-named.mjs: baseLr / (1 + 0.1 t). The table holds steps 0..4 (5 epochs);
    // step 5 starts a block of 5..4100, and 4101 is the first step after it.
    const scheduler = await custom('inverse-time-named.mjs', { ...CONTEXT, epochs: 5 });
    for (const step of [5, 7, 4100, 4101, 6, 9000, 3]) {
      expect(scheduler.lrAt(step), `step ${step}`).toBeCloseTo(0.1 / (1 + 0.1 * step), 15);
    }
  });

  it('keeps the good steps before a bad one in a block, and reports the bad ones when they are asked for', async () => {
    // fails-late.mjs: baseLr for steps < 10, then 0 (refused). The table holds steps 0..4.
    const scheduler = await custom('fails-late.mjs', { ...CONTEXT, epochs: 5 });
    expect(scheduler.lrAt(6)).toBe(0.1);
    expect(scheduler.lrAt(9)).toBe(0.1);
    for (const step of [10, 11]) {
      expect(thrownBy(() => scheduler.lrAt(step)), `step ${step}`).toMatchObject({
        constructor: ScheduleSpecError,
        message: `scheduler 'custom': module '${MODULES}/fails-late.mjs' returned 0 at step ${step}; it must return a positive finite number`,
      });
    }
    expect(scheduler.lrAt(8)).toBe(0.1);
    expect(scheduler.lrAt(4)).toBe(0.1);
  });

  it('does the same for a module that throws later in a block', async () => {
    // throws-at-step-2.mjs throws 'boom' at step 2. A 1-epoch run's table holds step 0 only.
    const scheduler = await custom('throws-at-step-2.mjs', { ...CONTEXT, epochs: 1 });
    expect(scheduler.lrAt(1)).toBeGreaterThan(0);
    expect(thrownBy(() => scheduler.lrAt(2))).toMatchObject({
      constructor: ScheduleSpecError,
      message: `scheduler 'custom': module '${MODULES}/throws-at-step-2.mjs' threw at step 2: boom`,
      parameter: 'module',
    });
  });
});

describe('custom: every refusal names the module parameter', () => {
  it.each(['no-function.mjs', 'syntax-error.mjs', 'throws-at-step-2.mjs', 'negative-at-step-5.mjs'])('%s', async (module) => {
    expect(await refusal(module)).toMatchObject({ constructor: ScheduleSpecError, code: 'custom-module', parameter: 'module' });
  });
});
