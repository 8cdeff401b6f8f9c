import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EpochRecord, ResultsFile, RunResult, UnfinishedRun } from '../../src/results/results.js';
import { readResultsFile } from '../../src/results/results-file.js';
import { runLrCompare, temporaryFolder } from './helpers.js';

/**
 * Ctrl-C in the middle of training: every run still training keeps the epochs
 * it finished (`unfinishedRuns`), whether it trains in a cohort (where no run
 * finishes before the cohort's last epoch) or alone, in this process or in
 * worker processes, sharded or not; `--resume` trains those runs again and
 * ends with what an uninterrupted run gives.
 *
 * Same seed, same backend (wasm), same `--jobs` and shard: the numbers are
 * compared exactly. The resumed cohorts are the interrupted ones (every run of
 * them was unfinished), so nothing about them changes.
 */

const BIN = resolve(__dirname, '../../bin/lr-compare');
const EPOCHS = 10;
const BASE = ['run', '--epochs', String(EPOCHS), '--samples', '600', '--test-samples', '200', '--backend', 'wasm', '--schedulers', 'step,cosine,cyclic', '--no-chart'];

/**
 * Starts a run and sends SIGINT as soon as every one of `labels` has reported
 * epoch `epoch` (the progress lines on stderr, one per epoch when stderr is not a terminal).
 */
function interruptAtEpoch(args: string[], labels: readonly string[], epoch: number): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args]);
    let stderr = '';
    let sent = false;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const reached = (label: string) => [...stderr.matchAll(new RegExp(`\\] ${label} epoch (\\d+)/`, 'g'))].some((match) => Number(match[1]) >= epoch);
      if (!sent && labels.every(reached)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stderr }));
  });
}

const untimedHistory = (history: readonly EpochRecord[]) => history.map(({ seconds: _seconds, ...rest }) => rest);
function untimedRun(run: RunResult) {
  const { seconds: _seconds, secondsPerEpoch: _perEpoch, ...summary } = run.summary;
  return { ...run, history: untimedHistory(run.history), summary };
}
const untimed = (results: ResultsFile) => results.runs.map(untimedRun);

/** The interrupted file against an uninterrupted run of the same command: what an unfinished run holds is that run's start. */
function expectUnfinishedPrefixes(partial: ResultsFile, uninterrupted: ResultsFile, labels: readonly string[]): void {
  expect(partial.complete).toBe(false);
  const unfinished = partial.unfinishedRuns ?? [];
  expect(unfinished.map((run) => run.label)).toEqual(labels);
  for (const run of unfinished) {
    expect(run.history.length, run.label).toBeGreaterThanOrEqual(1);
    expect(run.history.length, run.label).toBeLessThan(EPOCHS);
    const whole = uninterrupted.runs.find((other) => other.label === run.label && other.repeat === run.repeat) as RunResult;
    const { history: _history, summary: _summary, ...identity } = whole;
    const { history: _partialHistory, ...partialIdentity } = run as UnfinishedRun & { summary?: unknown };
    expect(partialIdentity).toEqual(identity);
    expect(untimedHistory(run.history)).toEqual(untimedHistory(whole.history.slice(0, run.history.length)));
  }
}

describe('Ctrl-C keeps the finished epochs of every run still training', () => {
  it('a cohort in this process: every run keeps its epochs, exit 130, and --resume ends as if never stopped', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'results.json');
    const args = [...BASE, '--engine', 'cohort', '--jobs', '1'];
    const stopped = await interruptAtEpoch([...args, '--out', out], ['step', 'cosine', 'cyclic'], 2);
    expect(stopped.status, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted \(SIGINT\): 0 finished run\(s\) saved in .*results\.json, marked incomplete\.\n/);
    expect(stopped.stderr).toMatch(/also saved: the finished epochs of 3 unfinished run\(s\) \(unfinishedRuns\); --resume trains them again from epoch 1\.\n/);
    expect(stopped.stderr).toMatch(/resume with: lr-compare run .* --resume$/m);
    // A valid results file (the reader checks every field), with no finished run.
    const partial = readResultsFile(out);
    expect(partial.runs).toEqual([]);
    // The runs of a cohort train in step: each has finished the same epochs.
    expect(new Set(partial.unfinishedRuns?.map((run) => run.history.length)).size).toBe(1);

    const uninterrupted = join(folder, 'uninterrupted.json');
    expect((await runLrCompare([...args, '--quiet', '--out', uninterrupted])).status).toBe(0);
    const whole = readResultsFile(uninterrupted);
    expectUnfinishedPrefixes(partial, whole, ['step', 'cosine', 'cyclic']);

    const resumed = await runLrCompare([...args, '--quiet', '--out', out, '--resume']);
    expect(resumed.status, resumed.stderr).toBe(0);
    const finished = readResultsFile(out);
    expect(finished.complete).toBe(true);
    expect(finished.unfinishedRuns).toBeUndefined();
    expect(untimed(finished)).toEqual(untimed(whole));
  });

  it('cohorts in worker processes, one shard: the parent keeps what the workers reported', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'results.json');
    // Shard 1/2 of 3 schedulers x 2 repeats: step#0 and cyclic#0 (one cohort), cosine#1 (another), one per worker.
    const args = [...BASE, '--engine', 'cohort', '--jobs', '2', '--repeats', '2', '--shard', '1/2'];
    const stopped = await interruptAtEpoch([...args, '--out', out], ['step', 'cyclic', 'cosine'], 2);
    expect(stopped.status, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted \(SIGINT\): 0 finished run\(s\) saved in .*results\.json, marked incomplete\.\n/);
    const partial = readResultsFile(out);
    expect(partial.shard).toEqual({ index: 1, count: 2 });
    expect(partial.unfinishedRuns?.map((run) => `${run.label}#${run.repeat}`)).toEqual(['step#0', 'cyclic#0', 'cosine#1']);

    const uninterrupted = join(folder, 'uninterrupted.json');
    expect((await runLrCompare([...args, '--quiet', '--out', uninterrupted])).status).toBe(0);
    const whole = readResultsFile(uninterrupted);
    expectUnfinishedPrefixes(partial, whole, ['step', 'cyclic', 'cosine']);

    const resumed = await runLrCompare([...args, '--quiet', '--out', out, '--resume']);
    expect(resumed.status, resumed.stderr).toBe(0);
    const finished = readResultsFile(out);
    expect(finished.complete).toBe(true);
    expect(untimed(finished)).toEqual(untimed(whole));
  }, 300_000);

  it('one run at a time: the run in progress keeps its epochs beside the finished runs, as a cohort does', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'results.json');
    const args = [...BASE, '--engine', 'per-run', '--jobs', '1'];
    const stopped = await interruptAtEpoch([...args, '--out', out], ['cosine'], 2);
    expect(stopped.status, stopped.stderr).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted \(SIGINT\): 1 finished run\(s\) saved in .*results\.json, marked incomplete\.\n/);
    expect(stopped.stderr).toMatch(/also saved: the finished epochs of 1 unfinished run\(s\)/);
    const partial = readResultsFile(out);
    expect(partial.runs.map((run) => run.label)).toEqual(['step']);
    expect(JSON.parse(readFileSync(out, 'utf8')).unfinishedRuns).toHaveLength(1);

    const uninterrupted = join(folder, 'uninterrupted.json');
    expect((await runLrCompare([...args, '--quiet', '--out', uninterrupted])).status).toBe(0);
    const whole = readResultsFile(uninterrupted);
    expectUnfinishedPrefixes(partial, whole, ['cosine']);
    expect(untimedRun(partial.runs[0])).toEqual(untimedRun(whole.runs[0]));
  });
});
