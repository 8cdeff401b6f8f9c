/**
 * `lr-compare merge` on interrupted files: the runs still training when a
 * shard stopped (`unfinishedRuns`) are carried into the merged file unless
 * another file has that run finished.
 */
import { describe, expect, it } from 'vitest';
import { mergeResults } from '../../src/commands/merge.js';
import type { EpochRecord, ResultsFile, RunResult, UnfinishedRun } from '../../src/results/results.js';

function epoch(n: number): EpochRecord {
  return { epoch: n, learningRate: 0.1, loss: 0.5, accuracy: 0.8, validationLoss: 0.6, validationAccuracy: 0.75 + n / 100, seconds: 0.2 };
}

function finished(label: string, repeat: number): RunResult {
  return {
    label,
    scheduler: label,
    spec: label,
    params: {},
    repeat,
    seed: 42 + repeat,
    history: [epoch(1), epoch(2)],
    summary: {
      epochsRun: 2,
      finalValidationAccuracy: 0.77,
      bestValidationAccuracy: 0.77,
      bestValidationAccuracyEpoch: 2,
      lowestValidationLoss: 0.6,
      lowestValidationLossEpoch: 2,
      finalValidationLoss: 0.6,
      testAccuracy: 0.7,
      testAccuracyAtBestValidationLoss: 0.7,
      finalLearningRate: 0.1,
      epochsToTarget: null,
      divergedAtEpoch: null,
      seconds: 0.4,
      secondsPerEpoch: 0.2,
    },
  } as unknown as RunResult;
}

function unfinished(label: string, repeat: number, epochs: number): UnfinishedRun {
  const { summary: _summary, ...run } = finished(label, repeat);
  return { ...run, history: Array.from({ length: epochs }, (_, index) => epoch(index + 1)) };
}

function shard(runs: RunResult[], unfinishedRuns: UnfinishedRun[] = []): ResultsFile {
  return {
    version: 2,
    createdAt: '2026-01-01T00:00:00.000Z',
    complete: false,
    configuration: { schedulers: ['a', 'b', 'c'], epochs: 2, repeats: 1, targetAcc: 0.9, validationSamples: 100 },
    environment: { backend: 'wasm' },
    runs,
    ...(unfinishedRuns.length > 0 ? { unfinishedRuns } : {}),
    statistics: undefined,
  } as unknown as ResultsFile;
}

describe('mergeResults with interrupted files', () => {
  it('keeps the runs still training, in plan order, and the merged file is incomplete', () => {
    const merged = mergeResults([
      { path: 'one.json', results: shard([finished('a', 0)], [unfinished('c', 0, 1)]) },
      { path: 'two.json', results: shard([], [unfinished('b', 0, 1)]) },
    ]);
    expect(merged.complete).toBe(false);
    expect(merged.runs.map((run) => run.label)).toEqual(['a']);
    expect(merged.unfinishedRuns?.map((run) => run.label)).toEqual(['b', 'c']);
    expect(merged.unfinishedRuns?.[1]).toEqual(unfinished('c', 0, 1));
  });

  it('drops an unfinished run that another file has finished, and then writes no unfinishedRuns', () => {
    const merged = mergeResults([
      { path: 'interrupted.json', results: shard([finished('a', 0)], [unfinished('b', 0, 1)]) },
      { path: 'resumed.json', results: shard([finished('b', 0), finished('c', 0)]) },
    ]);
    expect(merged.complete).toBe(true);
    expect(merged.runs.map((run) => run.label)).toEqual(['a', 'b', 'c']);
    expect(merged).not.toHaveProperty('unfinishedRuns');
  });

  it('of two interrupted copies of one run keeps the one that got further', () => {
    const merged = mergeResults([
      { path: 'first.json', results: shard([], [unfinished('b', 0, 1)]) },
      { path: 'second.json', results: shard([], [unfinished('b', 0, 2)]) },
    ]);
    expect(merged.unfinishedRuns).toEqual([unfinished('b', 0, 2)]);
  });
});
