/**
 * Every scheduler against learning-rate sequences recorded from PyTorch
 * (scripts/golden/generate.py -> test/fixtures/schedules/*.json).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScheduler, learningRates, parseSchedulerSpec, SCHEDULER_NAMES } from '../../src/schedulers/index.js';
import type { ScheduleContext } from '../../src/schedulers/index.js';

interface GoldenCase {
  readonly spec: string;
  readonly context: ScheduleContext;
  readonly steps: number;
  readonly metrics?: number[];
  readonly torch: string;
  readonly lr: number[];
}

interface GoldenFixture {
  readonly scheduler: string;
  readonly torch: string;
  readonly cases: GoldenCase[];
}

const FIXTURES = join(import.meta.dirname, '../fixtures/schedules');
const fixtures: GoldenFixture[] = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as GoldenFixture);

/** Relative 1e-9; the absolute floor only matters where PyTorch's rate is exactly 0 or within rounding of it. */
function closeTo(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 * Math.max(Math.abs(actual), Math.abs(expected)) + 1e-15;
}

describe('golden sequences from PyTorch', () => {
  it('cover every registered scheduler', () => {
    expect(fixtures.map((fixture) => fixture.scheduler).sort()).toEqual([...SCHEDULER_NAMES].sort());
  });

  it('record the torch version', () => {
    for (const fixture of fixtures) expect(fixture.torch).toMatch(/^\d+\.\d+/);
  });

  it('have at least 3 cases per scheduler', () => {
    for (const fixture of fixtures) expect(fixture.cases.length, fixture.scheduler).toBeGreaterThanOrEqual(3);
  });

  for (const fixture of fixtures) {
    describe(fixture.scheduler, () => {
      for (const golden of fixture.cases) {
        it(`${golden.spec} matches ${golden.torch}`, async () => {
          const scheduler = await createScheduler(parseSchedulerSpec(golden.spec), golden.context);
          const rates = learningRates(scheduler, golden.steps, golden.metrics);
          expect(rates).toHaveLength(golden.lr.length);
          const mismatches = rates
            .map((rate, step) => ({ step, rate, torch: golden.lr[step]! }))
            .filter(({ rate, torch }) => !closeTo(rate, torch));
          expect(mismatches).toEqual([]);
        });
      }
    });
  }
});
