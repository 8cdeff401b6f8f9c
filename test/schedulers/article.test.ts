/**
 * The source article's five (`--schedulers all`) against their textbook
 * formulas, written out independently of the implementation, with the
 * article's defaults.
 */
import { describe, expect, it } from 'vitest';
import { ARTICLE_SCHEDULERS, createScheduler, learningRates, parseSchedulerSpec, resolveSchedulerSelection } from '../../src/schedulers/index.js';
import type { ScheduleContext } from '../../src/schedulers/index.js';

const BASE_LR = 0.1;
const EPOCHS = 100;
const CONTEXT: ScheduleContext = { baseLr: BASE_LR, epochs: EPOCHS, batchesPerEpoch: 10 };

async function rates(spec: string, steps = EPOCHS, metrics?: number[]): Promise<number[]> {
  return learningRates(await createScheduler(parseSchedulerSpec(spec), CONTEXT), steps, metrics);
}

function expectClose(actual: readonly number[], expected: readonly number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((value, step) => expect(value, `step ${step}`).toBeCloseTo(expected[step]!, 12));
}

const range = (count: number) => Array.from({ length: count }, (_, step) => step);

describe("the article's five", () => {
  it("'all' is exactly step, exponential, cosine, plateau, cyclic", () => {
    expect(ARTICLE_SCHEDULERS).toEqual(['step', 'exponential', 'cosine', 'plateau', 'cyclic']);
    expect(resolveSchedulerSelection(['all'], []).map((spec) => spec.name)).toEqual([...ARTICLE_SCHEDULERS]);
  });

  it('step: lr = base x 0.5^floor(t / 20)', async () => {
    expectClose(await rates('step'), range(EPOCHS).map((t) => BASE_LR * 0.5 ** Math.floor(t / 20)));
  });

  it('exponential: lr = base x 0.95^t', async () => {
    expectClose(await rates('exponential'), range(EPOCHS).map((t) => BASE_LR * 0.95 ** t));
  });

  it('cosine: lr = eta_min + (base - eta_min)(1 + cos(pi t / T)) / 2 with T = the run (epochs)', async () => {
    expectClose(await rates('cosine'), range(EPOCHS).map((t) => (BASE_LR * (1 + Math.cos((Math.PI * t) / EPOCHS))) / 2));
  });

  it('cosine with unit=batch: T = epochs x batches per epoch', async () => {
    const batches = EPOCHS * CONTEXT.batchesPerEpoch;
    expectClose(await rates('cosine:unit=batch', batches), range(batches).map((t) => (BASE_LR * (1 + Math.cos((Math.PI * t) / batches))) / 2));
  });

  it('cyclic: triangle between 0.001 and 0.1, 20 steps up and 20 down, ignoring --lr', async () => {
    const triangle = (t: number) => {
      const position = t % 40;
      const fraction = position <= 20 ? position / 20 : (40 - position) / 20;
      return 0.001 + (0.1 - 0.001) * fraction;
    };
    expectClose(await rates('cyclic'), range(EPOCHS).map(triangle));
  });

  it('plateau: halves the rate after more than 5 epochs without a 1e-4 relative improvement', async () => {
    // Improves for 10 epochs, then flat: epochs 10..15 are the 6 bad epochs, the
    // 6th (end of epoch 15) triggers a halving used from epoch 16, then every 6 epochs.
    const metrics = range(40).map((t) => (t < 10 ? 1 - t * 0.05 : 0.55));
    const expected = range(40).map((t) => (t <= 15 ? BASE_LR : BASE_LR * 0.5 ** Math.floor((t - 10) / 6)));
    expectClose(await rates('plateau', 40, metrics), expected);
  });

  it('plateau: improvements below the relative threshold do not count', async () => {
    // Each value beats the last by 1e-5 relative: never "better" by 1e-4.
    const metrics = range(12).map((t) => 1 - t * 1e-5);
    const result = await rates('plateau', 13, metrics);
    expect(result.slice(0, 7)).toEqual(Array(7).fill(BASE_LR));
    expect(result[7]).toBeCloseTo(BASE_LR / 2, 15);
  });
});
