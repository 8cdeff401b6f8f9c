/**
 * Every scheduler against learning-rate sequences recorded from the library
 * whose semantics it has: PyTorch (scripts/golden/generate.py), Keras
 * (generate_keras.py), Hugging Face transformers (generate_transformers.py),
 * optax (generate_optax.py) and timm (generate_timm.py), in
 * test/fixtures/schedules/*.json. Each fixture states its tolerance: relative
 * 1e-9 for float64 sources, 1e-5 for float32 ones (Keras, optax).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createScheduler, learningRates, momentums, parseSchedulerSpec, SCHEDULER_NAMES, SCHEDULER_REGISTRY } from '../../src/schedulers/index.js';
import type { ScheduleContext } from '../../src/schedulers/index.js';

interface GoldenCase {
  readonly spec: string;
  readonly context: ScheduleContext;
  readonly steps: number;
  readonly metrics?: number[];
  /** The library call that produced `lr` (PyTorch fixtures name it `torch`). */
  readonly call?: string;
  readonly torch?: string;
  readonly lr: number[];
  /** The optimizer the library case ran ('momentum': SGD with momentum 0.9, 'adam'); only with `momentum`. */
  readonly optimizer?: string;
  /** The momentum (SGD's momentum, Adam's beta1) the library used during each step, when the case records it. */
  readonly momentum?: number[];
}

interface Tolerance {
  readonly precision: 'float64' | 'float32';
  readonly relative: number;
  /** Absolute floor as a fraction of the case's largest rate (float32 cancellation near 0). */
  readonly absoluteOfPeak: number;
}

interface GoldenFixture {
  readonly scheduler: string;
  /** Library the sequences come from; PyTorch fixtures predate the field. */
  readonly library?: string;
  readonly versions?: Readonly<Record<string, string>>;
  readonly tolerance?: Tolerance;
  readonly torch?: string;
  readonly cases: GoldenCase[];
}

/** The PyTorch fixtures' tolerance: relative 1e-9 with an absolute floor where PyTorch's rate is 0. */
const PYTORCH_TOLERANCE: Tolerance = { precision: 'float64', relative: 1e-9, absoluteOfPeak: 1e-15 };

const FIXTURES = join(import.meta.dirname, '../fixtures/schedules');
const fixtures: GoldenFixture[] = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as GoldenFixture);

function closeTo(actual: number, expected: number, tolerance: Tolerance, peak: number): boolean {
  return Math.abs(actual - expected) <= tolerance.relative * Math.max(Math.abs(actual), Math.abs(expected)) + tolerance.absoluteOfPeak * Math.max(peak, 1e-15 / tolerance.absoluteOfPeak);
}

/** The library each origin's fixtures must come from. */
const LIBRARY_OF_ORIGIN: Readonly<Record<string, string>> = { pytorch: 'torch', keras: 'keras', huggingface: 'transformers', optax: 'optax', timm: 'timm' };

describe('golden sequences from the libraries', () => {
  it('cover every registered scheduler', () => {
    expect(fixtures.map((fixture) => fixture.scheduler).sort()).toEqual([...SCHEDULER_NAMES].sort());
  });

  it('record the version of the library each scheduler claims to reproduce, and a tolerance that fits its precision', () => {
    for (const fixture of fixtures) {
      const origin = SCHEDULER_REGISTRY[fixture.scheduler]!.origin ?? 'pytorch';
      const library = LIBRARY_OF_ORIGIN[origin]!;
      const version = library === 'torch' ? (fixture.torch ?? fixture.versions?.torch) : fixture.versions?.[library];
      expect(version, fixture.scheduler).toMatch(/^\d+\.\d+/);
      const tolerance = fixture.tolerance ?? PYTORCH_TOLERANCE;
      expect(tolerance.relative, fixture.scheduler).toBe(tolerance.precision === 'float32' ? 1e-5 : 1e-9);
      expect(tolerance.precision, fixture.scheduler).toBe(origin === 'keras' || origin === 'optax' ? 'float32' : 'float64');
    }
  });

  it('have at least 3 cases per scheduler', () => {
    for (const fixture of fixtures) expect(fixture.cases.length, fixture.scheduler).toBeGreaterThanOrEqual(3);
  });

  for (const fixture of fixtures) {
    const tolerance = fixture.tolerance ?? PYTORCH_TOLERANCE;
    describe(`${fixture.scheduler} (${tolerance.precision}, relative ${tolerance.relative})`, () => {
      for (const golden of fixture.cases) {
        it(`${golden.spec} matches ${golden.call ?? golden.torch}`, async () => {
          const scheduler = await createScheduler(parseSchedulerSpec(golden.spec), golden.context);
          const rates = learningRates(scheduler, golden.steps, golden.metrics);
          expect(rates).toHaveLength(golden.lr.length);
          const peak = Math.max(...golden.lr.map(Math.abs));
          const mismatches = rates
            .map((rate, step) => ({ step, rate, expected: golden.lr[step]! }))
            .filter(({ rate, expected }) => !closeTo(rate, expected, tolerance, peak));
          expect(mismatches).toEqual([]);
          if (golden.momentum) {
            // The library's optimizer had momentum: where its scheduler left it alone, it stayed
            // at the optimizer's own value and lr-compare's schedule must not cycle it.
            // Both optimizers the generator uses start at 0.9 (SGD momentum=0.9, Adam beta1=0.9).
            const own = 0.9;
            const cycled = momentums(scheduler, golden.steps);
            if (golden.momentum.every((value) => value === own) && !golden.spec.includes('cycle_momentum=true')) {
              expect(cycled, 'a schedule that PyTorch leaves the momentum alone in must not cycle it').toBeUndefined();
            } else {
              expect(cycled).toHaveLength(golden.momentum.length);
              const momentumMismatches = cycled!
                .map((momentum, step) => ({ step, momentum, expected: golden.momentum![step]! }))
                .filter(({ momentum, expected }) => !closeTo(momentum, expected, tolerance, 1));
              expect(momentumMismatches).toEqual([]);
            }
          }
        });
      }
    });
  }
});
