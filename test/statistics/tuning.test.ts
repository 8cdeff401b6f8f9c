import { describe, expect, it } from 'vitest';
import type { RunConfiguration, RunResult, RunSummary } from '../../src/results/results.js';
import { compareSchedulers } from '../../src/results/statistics.js';
import { tuningRecord, type TuningConfiguration } from '../../src/results/tuning.js';

const GRID = [0.01, 0.1, 1];

/** A run whose only meaningful numbers are the ones selection and comparison read. */
function run(label: string, phase: 'selection' | 'confirmation', lr: number, repeat: number, accuracy: number, loss: number, test = accuracy): RunResult {
  const summary = { bestValidationAccuracy: accuracy, lowestValidationLoss: loss, testAccuracy: test, epochsToTarget: null, divergedAtEpoch: null } as unknown as RunSummary;
  return { label, scheduler: label, spec: label, params: {}, repeat, seed: 42 + repeat, phase, gridPoint: { lr }, history: [], summary };
}

function configuration(tuning: TuningConfiguration): Pick<RunConfiguration, 'seed' | 'repeats' | 'tuning'> {
  return { seed: 42, repeats: 2, tuning };
}

// Per label and rate, the selection score of repeats 0 and 1.
const ACCURACY: Record<string, number[][]> = {
  a: [[0.5, 0.6], [0.9, 0.7], [0.8, 0.7]], // means 0.55, 0.8, 0.75: the middle rate
  b: [[0.6, 0.6], [0.7, 0.7], [0.99, Number.NaN]], // the top rate diverged once: not chosen though its other repeat is best
};
const LOSS: Record<string, number[][]> = {
  a: [[0.4, 0.5], [0.3, 0.2], [0.1, 0.2]], // lowest mean at the top rate
  b: [[0.9, 0.9], [0.5, 0.7], [0.2, Number.NaN]],
};

function selectionRuns(): RunResult[] {
  return ['a', 'b'].flatMap((label) =>
    GRID.flatMap((lr, i) => [0, 1].map((repeat) => run(label, 'selection', lr, repeat, ACCURACY[label][i][repeat], LOSS[label][i][repeat]))),
  );
}

describe('tuningRecord: the selection', () => {
  it('chooses the best mean validation accuracy per scheduler, never a rate where a repeat diverged', () => {
    const record = tuningRecord(configuration({ lr: GRID, select: 'val_acc', confirmRepeats: 2 }), selectionRuns());
    expect(record?.selected?.a.lr).toBe(0.1);
    expect(record?.selected?.a.selectionScore).toBeCloseTo((0.9 + 0.7) / 2, 12);
    expect(record?.selected?.b.lr).toBe(0.1);
    expect(record?.sensitivity.a.map((point) => point.mean)).toEqual([(0.5 + 0.6) / 2, (0.9 + 0.7) / 2, (0.8 + 0.7) / 2].map((value) => expect.closeTo(value, 12)));
    expect(record?.sensitivity.a[0].std).toBeCloseTo(Math.sqrt(((0.5 - 0.55) ** 2 + (0.6 - 0.55) ** 2) / 1), 12);
    expect(record?.seeds).toEqual({ selection: [42, 43], confirmation: [44, 45] });
  });

  it('with val_loss chooses the lowest mean validation loss and reports it as a loss', () => {
    const record = tuningRecord(configuration({ lr: GRID, select: 'val_loss', confirmRepeats: 2 }), selectionRuns());
    expect(record?.selected?.a).toEqual({ lr: 1, selectionScore: expect.closeTo(0.15, 12) });
    expect(record?.selected?.b.lr).toBe(0.1);
  });

  it('has no selection while a selection run is missing', () => {
    const runs = selectionRuns().slice(1);
    const record = tuningRecord(configuration({ lr: GRID, select: 'val_acc', confirmRepeats: 2 }), runs);
    expect(record?.selected).toBeUndefined();
    expect(record?.sensitivity.a[0].n).toBe(1);
  });

  it('leaves selection runs out of the comparison, which ranks confirmation runs on test accuracy', () => {
    const confirmation = [2, 3].flatMap((repeat) => [run('a', 'confirmation', 0.1, repeat, 0.5, 1, 0.9 + repeat / 100), run('b', 'confirmation', 0.1, repeat, 0.99, 1, 0.8)]);
    const statistics = compareSchedulers([...selectionRuns(), ...confirmation], 100);
    // b has the better validation accuracy, a the better test accuracy: a tuned comparison goes by test.
    expect(statistics.best).toBe('a');
    expect(statistics.schedulers.map((entry) => entry.repeats)).toEqual([2, 2]);
    expect(statistics.schedulers[1].versusBest?.pairs).toBe(2);
    expect(statistics.schedulers[1].versusBest?.meanDifference).toBeCloseTo((0.92 - 0.8 + 0.93 - 0.8) / 2, 12);
    expect(statistics.rankingMetric).toBe('testAccuracy');
  });
});
