import { describe, expect, it } from 'vitest';
import { parseSchedulerSpec } from '../../src/schedulers/index.js';
import { shardFromEnvironment, shardOf } from '../../src/train/plan.js';
import { autoRateGrid, parseRateGrid, planConfirmationRuns, planSelectionRuns } from '../../src/train/tuning.js';
import { atBaseRate } from '../../src/train/base-rate.js';

const specs = ['none', 'step', 'cyclic'].map((spec) => parseSchedulerSpec(spec));
const options = { repeats: 2, seed: 7, tuning: { lr: [0.03, 0.1, 0.3], select: 'val_acc' as const, confirmRepeats: 3 } };

describe('the tuned plan', () => {
  const selection = planSelectionRuns(specs, options);
  const confirmation = planConfirmationRuns(specs, options, { none: { lr: 0.3 }, step: { lr: 0.1 }, cyclic: { lr: 0.03 } });

  it('trains every scheduler at every rate in every selection repeat, then each at its chosen rate', () => {
    expect(selection).toHaveLength(3 * 3 * 2);
    expect(new Set(selection.map((task) => `${task.spec.label}@${task.gridPoint?.lr}#${task.repeat}`)).size).toBe(18);
    expect(confirmation.map((task) => task.gridPoint?.lr)).toEqual([0.3, 0.1, 0.03, 0.3, 0.1, 0.03, 0.3, 0.1, 0.03]);
    // One plan: indices 0..26, each once.
    expect([...selection, ...confirmation].map((task) => task.index).sort((a, b) => a - b)).toEqual(Array.from({ length: 27 }, (_, i) => i));
  });

  it('confirms on seeds the selection never used, the same for every scheduler of a repeat', () => {
    const selectionSeeds = new Set(selection.map((task) => task.seed));
    expect([...selectionSeeds].sort()).toEqual([7, 8]);
    expect(confirmation.some((task) => selectionSeeds.has(task.seed))).toBe(false);
    for (const repeat of [2, 3, 4]) expect(new Set(confirmation.filter((task) => task.repeat === repeat).map((task) => task.seed))).toEqual(new Set([7 + repeat]));
  });

  it('splits into shards that are disjoint and together the whole plan', () => {
    const all = [...selection, ...confirmation];
    const shards = [1, 2, 3, 4].map((index) => shardOf(all, { index, count: 4 }).map((task) => task.index));
    expect(shards.flat().sort((a, b) => a - b)).toEqual(all.map((task) => task.index).sort((a, b) => a - b));
  });
});

describe('rates', () => {
  it('--tune-lr auto spans at least a decade either side of the suggestion, log-spaced', () => {
    for (const suggestion of [0.0123, 0.2, 3]) {
      const grid = autoRateGrid(suggestion);
      expect(grid).toHaveLength(5);
      expect(grid[0]).toBeLessThanOrEqual(suggestion / 10 * 1.001);
      expect(grid[4]).toBeGreaterThanOrEqual(suggestion * 10 * 0.999);
      expect(grid[2]).toBeCloseTo(suggestion, 2);
      const ratios = grid.slice(1).map((rate, i) => rate / grid[i]);
      for (const ratio of ratios) expect(ratio).toBeCloseTo(Math.sqrt(10), 1);
    }
  });

  it('parses a list of rates into an ascending grid', () => {
    expect(parseRateGrid('0.3, 0.01,0.1')).toEqual([0.01, 0.1, 0.3]);
    expect(() => parseRateGrid('0.1,abc')).toThrow(/got 'abc'/);
    expect(() => parseRateGrid('0')).toThrow(/rates > 0/);
  });

  it('a peak-rate schedule peaks at the grid rate unless its spec gives max_lr', () => {
    expect(atBaseRate(parseSchedulerSpec('cyclic'), 0.03).params.max_lr).toBe(0.03);
    expect(atBaseRate(parseSchedulerSpec('onecycle'), 0.3).params.max_lr).toBe(0.3);
    expect(atBaseRate(parseSchedulerSpec('cyclic:max_lr=0.05'), 0.3).params.max_lr).toBe(0.05);
    expect(atBaseRate(parseSchedulerSpec('cyclic'), 0.03).label).toBe('cyclic');
  });
});

describe('--shard env', () => {
  it('is shard JOB_COMPLETION_INDEX + 1 of LR_COMPARE_SHARDS', () => {
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '0', LR_COMPARE_SHARDS: '3' })).toEqual({ index: 1, count: 3 });
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '2', LR_COMPARE_SHARDS: '3' })).toEqual({ index: 3, count: 3 });
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '3', LR_COMPARE_SHARDS: '3' })).toThrow(/must be below LR_COMPARE_SHARDS 3/);
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '0' })).toThrow(/needs LR_COMPARE_SHARDS/);
    expect(() => shardFromEnvironment({ LR_COMPARE_SHARDS: '2' })).toThrow(/needs JOB_COMPLETION_INDEX/);
  });
});
