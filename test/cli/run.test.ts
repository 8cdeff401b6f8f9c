import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../src/results/results.js';
import { expectCliRefuses } from '../helpers/refused.js';
import { runLrCompare, temporaryFolder, TINY } from './helpers.js';

function readResults(path: string): ResultsFile {
  return JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
}

/** A history without its timings, which are the only thing allowed to differ between identical runs. */
function untimed(results: ResultsFile) {
  return results.runs.map((run) => ({
    label: run.label,
    history: run.history.map(({ seconds: _seconds, ...record }) => record),
    test: run.summary.testAccuracy,
  }));
}

describe('lr-compare run, end to end', () => {
  it('trains the article five, prints the table and writes a complete results file', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'nested', 'results.json');
    const result = await runLrCompare(['run', '--epochs', '2', ...TINY, '--out', out]);
    expect(result.stderr).toMatch(/^backend: wasm \(@tensorflow\/tfjs-backend-wasm 4\.\d+\.\d+\)/m);
    expect(result.status).toBe(0);
    for (const name of ['step', 'exponential', 'cosine', 'plateau', 'cyclic']) expect(result.stdout).toMatch(new RegExp(`│ ${name} `));
    expect(result.stdout).toMatch(/best val acc \(epoch\)/);
    expect(result.stdout).toMatch(/No significance can be judged from one run/);

    const results = readResults(out);
    expect(results.version).toBe(2);
    expect(results.complete).toBe(true);
    expect(results.configuration).toMatchObject({ epochs: 2, lr: 0.1, batchSize: 32, optimizer: 'sgd', seed: 42, samples: 600, valSplit: 0.2 });
    expect(results.configuration.trainSamples).toBe(480);
    expect(results.environment.backend).toBe('wasm');
    expect(results.environment.tfjs).toMatch(/^4\./);
    expect(results.environment.node).toBe(process.version);
    expect(results.runs).toHaveLength(5);
    for (const run of results.runs) {
      expect(run.history).toHaveLength(2);
      for (const record of run.history) {
        for (const key of ['learningRate', 'loss', 'accuracy', 'validationLoss', 'validationAccuracy', 'seconds'] as const) {
          expect(Number.isFinite(record[key])).toBe(true);
        }
      }
    }
    const byLabel = Object.fromEntries(results.runs.map((run) => [run.label, run]));
    expect(byLabel.exponential.history.map((record) => record.learningRate)).toEqual([0.1, 0.1 * 0.95]);
    expect(byLabel.cyclic.history[0].learningRate).toBeCloseTo(0.001, 12);
    // No temporary file is left beside the results.
    expect(readdirSync(join(folder, 'nested'))).toEqual(['results.json']);
  });

  it('prints the results JSON on stdout with --json', async () => {
    const folder = temporaryFolder();
    const result = await runLrCompare(['run', '--epochs', '1', ...TINY, '--schedulers', 'none', '--json', '--quiet', '--out', join(folder, 'r.json')]);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(readResults(join(folder, 'r.json'))).toEqual(JSON.parse(result.stdout));
  });
});

describe('identical conditions and reproducibility', () => {
  it('gives identical histories to two none runs, and to step and none before the first step', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'r.json');
    const result = await runLrCompare(['run', '--epochs', '3', ...TINY, '--quiet', '--out', out, '-s', 'none:label=first', '-s', 'none:label=second', '-s', 'step:step_size=2']);
    expect(result.status).toBe(0);
    const [first, second, step] = untimed(readResults(out));
    expect(second.history).toEqual(first.history);
    expect(step.history.slice(0, 2)).toEqual(first.history.slice(0, 2));
    expect(step.history[2]).not.toEqual(first.history[2]);
    expect(step.history[2].learningRate).toBeCloseTo(0.05, 12);
  });

  it('reproduces the results file with the same seed, and differs with another', async () => {
    const folder = temporaryFolder();
    const args = ['run', '--epochs', '2', ...TINY, '--quiet', '--schedulers', 'plateau,exponential'];
    expect((await runLrCompare([...args, '--out', join(folder, 'a.json')])).status).toBe(0);
    expect((await runLrCompare([...args, '--out', join(folder, 'b.json')])).status).toBe(0);
    expect((await runLrCompare([...args, '--seed', '7', '--out', join(folder, 'c.json')])).status).toBe(0);
    const a = untimed(readResults(join(folder, 'a.json')));
    expect(untimed(readResults(join(folder, 'b.json')))).toEqual(a);
    expect(untimed(readResults(join(folder, 'c.json')))).not.toEqual(a);
  });

  it('pairs repeats across schedulers: repeat k uses seed + k for every scheduler', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'r.json');
    const result = await runLrCompare(['run', '--epochs', '2', ...TINY, '--out', out, '--repeats', '3', '--schedulers', 'step,cyclic', '--quiet']);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/± /);
    expect(result.stdout).toMatch(/Best: step .*over 3 repeats/);
    const results = readResults(out);
    expect(results.runs.map((run) => `${run.label}:${run.seed}`)).toEqual(['step:42', 'cyclic:42', 'step:43', 'cyclic:43', 'step:44', 'cyclic:44']);
    expect(results.statistics.method).toBe(
      'paired t-test across repeats (repeat k of every scheduler shares seed k), two-sided, ' +
        'on best validation accuracy against the best scheduler, p-values Holm-adjusted for the number of comparisons',
    );
    // The p-value of the three paired differences, from the runs themselves: with 2 degrees of
    // freedom Student's t has the closed form P(|T| > t) = 1 - t / sqrt(2 + t^2).
    const [best, other] = results.statistics.schedulers.map((entry) => entry.label);
    const accuracy = (label: string, repeat: number) => results.runs.find((run) => run.label === label && run.repeat === repeat)!.summary.bestValidationAccuracy;
    const differences = [0, 1, 2].map((repeat) => accuracy(best, repeat) - accuracy(other, repeat));
    const mean = differences.reduce((a, b) => a + b, 0) / 3;
    const sd = Math.sqrt(differences.reduce((sum, d) => sum + (d - mean) ** 2, 0) / 2);
    const t = Math.abs(mean) / (sd / Math.sqrt(3));
    const versusBest = results.statistics.schedulers[1].versusBest!;
    if (sd === 0) expect(versusBest.pValue).toBe(mean === 0 ? 1 : null);
    else expect(versusBest.pValue).toBeCloseTo(1 - t / Math.sqrt(2 + t * t), 10);
    expect(versusBest.meanDifference).toBeCloseTo(mean, 15);
  });
});

describe('bad input to run', () => {
  const folder = temporaryFolder();
  const out = join(folder, 'never-written.json');
  it.each([
    [['--epochs', '0'], /--epochs.*must be at least 1/],
    [['--epochs', 'ten'], /--epochs.*expected a whole number, got 'ten'/],
    [['--lr', '0'], /--lr.*must be > 0/],
    [['--lr', '-1'], /--lr.*must be > 0/],
    [['--batch-size', '0'], /--batch-size.*must be at least 1/],
    [['--val-split', '1'], /--val-split.*must be > 0 and < 1/],
    [['--val-split', '0'], /--val-split.*must be > 0 and < 1/],
    [['--samples', '70000'], /--samples.*70000 is too large: at most 60000/],
    [['--test-samples', '10001'], /--test-samples.*10001 is too large: at most 10000/],
    [['--optimizer', 'adagrad'], /--optimizer.*Allowed choices are sgd, momentum, adam, rmsprop/],
    [['--backend', 'gpu'], /--backend.*Allowed choices are auto, tensorflow, wasm, cpu/],
    [['--schedulers', 'stepp'], /unknown scheduler 'stepp'/],
    [['-s', 'step:gamma=0'], /^lr-compare: error: scheduler 'step': gamma must be > 0, got 0\n$/],
    [['--out', '/proc/lr-compare/results.json'], /cannot write \/proc\/lr-compare\/results\.json/],
    [['--out', `${__filename}/results.json`], /cannot write .*run\.test\.ts\/results\.json: a part of the path is not a folder/],
    [['--data-dir', '/nonexistent-folder'], /missing data file: \/nonexistent-folder\/train-images-idx3-ubyte/],
    [['--frobnicate'], /unknown option '--frobnicate'/],
  ])('%j: refused cleanly (one line, exit code 2, no output, inputs unchanged)', async (args, message) => {
    // Every --out given is checked (the case's own, which commander keeps, and the default before it).
    await expectCliRefuses(['run', '--epochs', '1', ...TINY, '--out', out, ...args], message);
  });
});

describe('run --lr auto', () => {
  it("runs the range test first and uses the suggestion of find-lr's --lr auto rule as the base rate and cyclic's max_lr", async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'r.json');
    const data = ['--samples', '600', '--backend', 'wasm'];
    const result = await runLrCompare(['run', '--lr', 'auto', '--epochs', '1', ...data, '--test-samples', '100', '--schedulers', 'step,cyclic', '--no-chart', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    const finder = await runLrCompare(['find-lr', ...data, '--json', '--quiet']);
    expect(finder.status, finder.stderr).toBe(0);
    const found = JSON.parse(finder.stdout) as { lrAuto: { rule: string }; suggestions: Record<string, { lr: number }> };
    const rule = found.lrAuto.rule;
    expect(result.stderr).toContain(`--lr auto: the range test suggests `);
    expect(result.stderr).toContain(`(${rule}: `);
    const results = readResults(out);
    const suggested = results.configuration.lrAuto?.learningRate;
    expect(results.configuration.lrAuto?.rule).toBe(rule);
    expect(results.configuration.lr).toBe(suggested);
    expect(found.suggestions[rule].lr).toBe(suggested);
    const [step, cyclic] = results.runs;
    expect(step.history[0].learningRate).toBe(suggested);
    expect(cyclic.label).toBe('cyclic');
    expect(cyclic.params.max_lr).toBe(suggested);
  });
});

describe('run --jobs', () => {
  it('trains in parallel worker processes with results identical to one process', async () => {
    const folder = temporaryFolder();
    const args = ['run', '--epochs', '2', ...TINY, '--quiet', '--no-chart', '--schedulers', 'all', '--repeats', '2'];
    const [parallel, serial] = await Promise.all([
      runLrCompare([...args, '--jobs', '3', '--out', join(folder, 'parallel.json')]),
      runLrCompare([...args, '--jobs', '1', '--out', join(folder, 'serial.json')]),
    ]);
    expect(parallel.status, parallel.stderr).toBe(0);
    expect(serial.status, serial.stderr).toBe(0);
    expect(untimed(readResults(join(folder, 'parallel.json')))).toEqual(untimed(readResults(join(folder, 'serial.json'))));
  });
});
