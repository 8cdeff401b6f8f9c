import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsFile, RunResult } from '../../src/results/results.js';
import { runLrCompare, temporaryFolder, TINY } from './helpers.js';

function readResults(path: string): ResultsFile {
  return JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
}

/** Everything but timings and timestamps: what must not depend on how the runs were spread. */
function untimed(results: ResultsFile) {
  return {
    configuration: results.configuration,
    runs: results.runs.map(({ summary, history, ...run }) => ({
      ...run,
      history: history.map(({ seconds: _seconds, ...epoch }) => epoch),
      testAccuracy: summary.testAccuracy,
      bestValidationAccuracy: summary.bestValidationAccuracy,
    })),
    tuning: results.tuning,
    best: results.statistics.best,
    conclusion: results.statistics.conclusion,
  };
}

const mean = (values: readonly number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

// Two schedulers that differ within one epoch (cosine by batch), two rates, two repeats of each phase.
const TUNED = ['run', '-s', 'none', '-s', 'cosine:unit=batch', '--tune-lr', '0.3,0.03', '--repeats', '2', '--epochs', '1', ...TINY, '--quiet', '--no-chart', '--jobs', '1'];

describe('run --tune-lr', () => {
  const folder = temporaryFolder();
  const single = join(folder, 'single.json');

  it('chooses each scheduler the rate with the best mean validation accuracy of its selection runs', async () => {
    const result = await runLrCompare([...TUNED, '--out', single]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Rates chosen on validation \(seeds 42\.\.43\), confirmed on fresh seeds 44\.\.45/);
    expect(result.stdout).toMatch(/Sensitivity: best val acc % at every rate/);
    const results = readResults(single);
    expect(results.tuning?.grid.lr).toEqual([0.03, 0.3]);
    for (const label of ['none', 'cosine:unit=batch']) {
      // The selection recomputed here from the runs' own histories: best validation accuracy per run, mean per rate.
      const scoreAt = (lr: number) =>
        mean(results.runs.filter((run) => run.label === label && run.phase === 'selection' && run.gridPoint?.lr === lr).map((run) => Math.max(...run.history.map((epoch) => epoch.validationAccuracy))));
      const scores = [0.03, 0.3].map(scoreAt);
      expect(scores.every(Number.isFinite)).toBe(true);
      const best = scores[1] > scores[0] ? 0.3 : 0.03;
      expect(results.tuning?.selected?.[label]).toEqual({ lr: best, selectionScore: Math.max(...scores) });
    }
  }, 300_000);

  it('confirms on fresh seeds, the same for every scheduler, at the chosen rate, and pairs them in the tests', () => {
    const results = readResults(single);
    const selection = results.runs.filter((run) => run.phase === 'selection');
    const confirmation = results.runs.filter((run) => run.phase === 'confirmation');
    expect(selection).toHaveLength(2 * 2 * 2);
    expect(confirmation).toHaveLength(2 * 2);
    const selectionSeeds = new Set(selection.map((run) => run.seed));
    const seedsOf = (label: string) => confirmation.filter((run) => run.label === label).map((run) => run.seed);
    expect(seedsOf('none').some((seed) => selectionSeeds.has(seed))).toBe(false);
    expect(seedsOf('none')).toEqual(seedsOf('cosine:unit=batch'));
    for (const run of confirmation) {
      const chosen = results.tuning?.selected?.[run.label]?.lr;
      expect(run.gridPoint?.lr).toBe(chosen);
      // The rate the run really trained at: its first epoch's rate (float32, as tfjs holds it).
      expect(run.history[0].learningRate).toBeCloseTo(chosen as number, 6);
    }
    // The statistics compare the confirmation runs alone, on test accuracy, paired by repeat.
    const byLabel = (label: string) => confirmation.filter((run: RunResult) => run.label === label);
    for (const entry of results.statistics.schedulers) {
      expect(entry.repeats).toBe(2);
      expect(entry.metrics.testAccuracy.mean).toBeCloseTo(mean(byLabel(entry.label).map((run) => run.summary.testAccuracy)), 12);
    }
    const other = results.statistics.schedulers[1];
    expect(other.versusBest?.pairs).toBe(2);
    const bestRuns = byLabel(results.statistics.best);
    const differences = byLabel(other.label).map((run) => (bestRuns.find((b) => b.seed === run.seed) as RunResult).summary.testAccuracy - run.summary.testAccuracy);
    expect(other.versusBest?.meanDifference).toBeCloseTo(mean(differences), 12);
    expect(results.statistics.method).toMatch(/fresh seeds/);
    expect(results.statistics.rankingMetric).toBe('testAccuracy');
  });

  it('merges sharded stages (select shards, merge, confirm shards from --shard env, merge) into the unsharded file', async () => {
    const selects = [1, 2].map((index) => join(folder, `select-${index}.json`));
    for (const [index, path] of selects.entries()) {
      const shard = await runLrCompare([...TUNED, '--stage', 'select', '--shard', `${index + 1}/2`, '--out', path]);
      expect(shard.status, shard.stderr).toBe(0);
    }
    const selected = join(folder, 'selected.json');
    expect((await runLrCompare(['merge', ...selects, '--out', selected])).status).toBe(0);
    expect(readResults(selected).tuning?.selected).toEqual(readResults(single).tuning?.selected);
    const confirms = [0, 1].map((index) => join(folder, `confirm-${index}.json`));
    for (const [index, path] of confirms.entries()) {
      const env = { JOB_COMPLETION_INDEX: String(index), LR_COMPARE_SHARDS: '2' };
      const shard = await runLrCompare([...TUNED, '--from', selected, '--shard', 'env', '--out', path], { env });
      expect(shard.status, shard.stderr).toBe(0);
      expect(readResults(path).shard).toEqual({ index: index + 1, count: 2 });
    }
    const merged = join(folder, 'merged.json');
    const merge = await runLrCompare(['merge', ...confirms, '--out', merged]);
    expect(merge.stderr).toMatch(/12 of 12 runs/);
    expect(untimed(readResults(merged))).toEqual(untimed(readResults(single)));
    // report, check and compare read the tuned file.
    const report = await runLrCompare(['report', merged]);
    expect(report.status, report.stderr).toBe(0);
    expect(report.stdout).toMatch(/chosen lr/);
    expect((await runLrCompare(['check', merged, '--min-val-acc', '0'])).status).toBe(0);
    expect((await runLrCompare(['compare', merged, single])).status).toBe(0);
  }, 300_000);

  it('refuses bad grids and stages in one line with exit 2, before training', async () => {
    const cases: [string[], RegExp][] = [
      [['--tune-lr', '0.1,-1'], /--tune-lr must be 'auto' or a comma-separated list of rates > 0/],
      [['--tune-lr', '0.1,0.1'], /--tune-lr lists a rate twice/],
      [['--tune-lr', Array.from({ length: 21 }, (_, i) => 0.01 * (i + 1)).join(',')], /--tune-lr has 21 rates; at most 20/],
      [['--tune-lr', '0.1', '-s', 'step:step_size={1,2,3,4,5,6,7,8},gamma={0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9}'], /expands into 72 combinations; at most 64/],
      [['--tune-lr', '0.1', '-s', 'step:step_size={1,2'], /a grid is key=\{v1,v2,...\} with matching braces/],
      [['--tune-lr', '0.1', '--shard', '1/2', '--stage', 'all'], /a sharded tuned comparison runs in two stages/],
      [['--tune-lr', '0.1', '--stage', 'confirm'], /--stage confirm needs --from/],
      [['--stage', 'select'], /--stage needs --tune-lr/],
      [['--shard', 'env'], /--shard env needs JOB_COMPLETION_INDEX/],
    ];
    for (const [args, message] of cases) {
      const out = join(folder, 'refused.json');
      const result = await runLrCompare(['run', '--schedulers', 'none', '--epochs', '1', ...TINY, '--quiet', ...args, '--out', out], { env: { JOB_COMPLETION_INDEX: '' } });
      expect(result.status, args.join(' ')).toBe(2);
      expect(result.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
  }, 300_000);
});
