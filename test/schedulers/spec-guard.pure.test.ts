/**
 * createScheduler computes every step of a closed-form schedule once before
 * training and refuses a rate below 0 or not finite, naming the step. No
 * registered schedule produces one from validated parameters (custom modules
 * check their own results), so the guard is tested with a registry entry added
 * here, whose rate turns negative at step 2: what a future schedule's bug would do.
 */
import { describe, expect, it, vi } from 'vitest';
import { ScheduleSpecError } from '../../src/errors.js';
import type { SchedulerDefinition } from '../../src/schedulers/definition.js';

vi.mock('../../src/schedulers/registry.js', async (importOriginal) => {
  const registry = await importOriginal<typeof import('../../src/schedulers/registry.js')>();
  const shared = registry.findScheduler('none')!.params;
  const broken = (name: string, lrAt: (step: number) => number): SchedulerDefinition => ({
    name,
    summary: 'a schedule whose rate goes wrong',
    pytorch: 'none',
    params: shared,
    build: () => ({ kind: 'closed-form', lrAt, warmupTarget: 0.1 }),
  });
  const extra: Record<string, SchedulerDefinition> = {
    negative_at_2: broken('negative_at_2', (step) => (step < 2 ? 0.1 : -0.1)),
    nan_at_3: broken('nan_at_3', (step) => (step < 3 ? 0.1 : Number.NaN)),
    zero: broken('zero', () => 0),
    infinite_at_1: broken('infinite_at_1', (step) => (step < 1 ? 0.1 : Number.POSITIVE_INFINITY)),
  };
  return { ...registry, findScheduler: (name: string) => extra[name] ?? registry.findScheduler(name) };
});

const { createScheduler } = await import('../../src/schedulers/create.js');
const spec = (name: string) => ({ label: name, name, spec: name, params: {} });
const context = { baseLr: 0.1, epochs: 5, batchesPerEpoch: 2 };

async function refusal(name: string): Promise<{ code: string; message: string }> {
  try {
    await createScheduler(spec(name), context);
  } catch (error) {
    if (!(error instanceof ScheduleSpecError)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error('expected a refusal');
}

describe('the rate check over the whole run', () => {
  it('refuses a rate below 0, naming the first such step', async () => {
    expect(await refusal('negative_at_2')).toEqual({ code: 'invalid-rate', message: "scheduler 'negative_at_2': the learning rate at step 2 would be -0.1; check its parameters" });
  });

  it('refuses a rate that is not a number', async () => {
    expect(await refusal('nan_at_3')).toEqual({ code: 'invalid-rate', message: "scheduler 'nan_at_3': the learning rate at step 3 would be NaN; check its parameters" });
  });

  it('refuses an infinite rate', async () => {
    expect(await refusal('infinite_at_1')).toEqual({ code: 'invalid-rate', message: "scheduler 'infinite_at_1': the learning rate at step 1 would be Infinity; check its parameters" });
  });

  it('accepts a rate of 0', async () => {
    const scheduler = await createScheduler(spec('zero'), context);
    expect(scheduler.kind === 'closed-form' && scheduler.lrAt(4)).toBe(0);
  });
});
