import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHART_IDS } from '../../src/report/charts/specs.js';
import type { ResultsFile } from '../../src/results/results.js';
import { interrupted, lrCompare, realRun, temporaryFolder } from './helpers.js';

let resultsPath: string;
let results: ResultsFile;

beforeAll(() => {
  ({ path: resultsPath, results } = realRun(['--epochs', '2', '--schedulers', 'step,none']));
});

/** Writes `content` (JSON unless a string) to a fresh file and returns its path. */
function file(content: unknown, name = 'results.json'): string {
  const path = join(temporaryFolder(), name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

/** The CLI's answer to a bad results file: exit 2 and one line, no stack trace. */
function rejects(path: string, message: RegExp): void {
  const result = lrCompare(['report', path, '--html', join(temporaryFolder(), 'r.html')]);
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^lr-compare: error: /);
  expect(lines[0]).toMatch(message);
}

function without(key: string, from: Record<string, unknown>): Record<string, unknown> {
  const { [key]: _gone, ...rest } = from;
  return rest;
}

describe('lr-compare report: bad input exits 2 with one clear line', () => {
  it('a missing file', () => rejects(join(temporaryFolder(), 'nope.json'), /cannot read results file .*nope\.json: no such file/));

  it('a folder', () => rejects(temporaryFolder(), /cannot read results file .*: it is a folder/));

  it('a file that is not JSON', () => rejects(file('step,none\n0.1,0.2\n', 'results.csv'), /results\.csv is not JSON/));

  it('JSON that is not a results file', () => {
    rejects(file([1, 2, 3]), /not an lr-compare results file: it holds no JSON object/);
    rejects(file({ hello: 'world' }), /not an lr-compare results file: it has no results version/);
  });

  it('a file from a newer lr-compare', () => rejects(file({ ...results, version: 3 }), /written by a newer lr-compare \(results version 3; this one reads versions 1 to 2\)/));

  it('a run without its history field', () => {
    const runs = results.runs.map((run, index) => (index === 1 ? without('history', run as never) : run));
    rejects(file({ ...results, runs }), /runs\[1\]\.history is missing/);
  });

  it('an epoch without its validation loss', () => {
    const run = results.runs[0];
    const history = run.history.map((record, index) => (index === 1 ? without('validationLoss', record as never) : record));
    rejects(file({ ...results, runs: [{ ...run, history }, results.runs[1]] }), /runs\[0\]\.history\[1\]\.validationLoss is missing/);
  });

  it('a run without a summary, a summary without a field, a wrong type', () => {
    rejects(file({ ...results, runs: [without('summary', results.runs[0] as never)] }), /runs\[0\]\.summary is missing/);
    const summary = without('bestValidationAccuracy', results.runs[0].summary as never);
    rejects(file({ ...results, runs: [{ ...results.runs[0], summary }] }), /runs\[0\]\.summary\.bestValidationAccuracy is missing/);
    rejects(file({ ...results, runs: [{ ...results.runs[0], label: 42 }] }), /runs\[0\]\.label has a wrong value \(42\)/);
  });

  it('no configuration, no runs', () => {
    rejects(file(without('configuration', results as never)), /results\.configuration is missing/);
    rejects(file(without('runs', results as never)), /results\.runs is missing/);
    rejects(file({ ...results, runs: [] }), /runs is empty although the run is marked complete/);
  });
});

describe('lr-compare report: outputs', () => {
  it('writes one self-contained HTML page: summary, configuration, environment, every chart', () => {
    const html = join(temporaryFolder(), 'report.html');
    const result = lrCompare(['report', resultsPath, '--html', html]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(html);
    const page = readFileSync(html, 'utf8');
    // Offline: nothing is fetched, everything is inline.
    expect(page).not.toMatch(/<script[^>]+src=/i);
    expect(page).not.toMatch(/<link[^>]+href=/i);
    expect(page).not.toMatch(/<img[^>]+src="?https?:/i);
    expect(page).toContain('vegaEmbed');
    for (const id of CHART_IDS) expect(page).toContain(`id="chart-${id}"`);
    // The summary holds the terminal table's numbers.
    const step = results.runs.find((run) => run.label === 'step')!.summary;
    expect(page).toContain(`${(step.finalValidationAccuracy * 100).toFixed(2)}%`);
    expect(page).toContain(step.lowestValidationLoss.toFixed(4));
    expect(page).toContain('<code>batchSize</code>');
    expect(page).toContain('@tensorflow/tfjs-backend-wasm');
    expect(page).not.toMatch(/Partial results/);
  });

  it('reports a partial (interrupted) run with a banner, showing what finished', () => {
    const partial = file(interrupted(results, 1));
    const html = join(temporaryFolder(), 'partial.html');
    const result = lrCompare(['report', partial, '--html', html]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/holds partial results .* reporting the 1 runs that finished/);
    const page = readFileSync(html, 'utf8');
    expect(page).toMatch(/<div class="partial" role="alert"><strong>Partial results\.<\/strong> This run was interrupted: 1 of 2 runs finished/);
    expect(page).toContain('>step</td>');
  });

  it('reports a run interrupted before any run finished', () => {
    const empty = file(interrupted(results, 0));
    const html = join(temporaryFolder(), 'empty.html');
    const result = lrCompare(['report', empty, '--html', html]);
    expect(result.status, result.stderr).toBe(0);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('This run was interrupted: 0 of 2 runs finished');
    expect(page).toContain('No run has finished yet: there is nothing to draw.');
    const text = lrCompare(['report', empty]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toBe('No run has finished yet: there is nothing to report.\n');
  });

  it('writes each chart as its own SVG and PNG file', () => {
    const folder = temporaryFolder();
    const result = lrCompare(['report', resultsPath, '--svg', join(folder, 'svg'), '--png', join(folder, 'png')]);
    expect(result.status, result.stderr).toBe(0);
    expect(readdirSync(join(folder, 'svg')).sort()).toEqual(CHART_IDS.map((id) => `${id}.svg`).sort());
    expect(readdirSync(join(folder, 'png')).sort()).toEqual(CHART_IDS.map((id) => `${id}.png`).sort());
    const svg = readFileSync(join(folder, 'svg', 'validation-loss.svg'), 'utf8');
    expect(svg).toMatch(/^<svg/);
    expect(svg).toContain('>step</text>');
    expect(svg).toContain('>cross-entropy loss (nats), log scale</text>');
    const png = readFileSync(join(folder, 'png', 'learning-rates.png'));
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('prints the table and the terminal charts when no output is asked for', () => {
    const result = lrCompare(['report', resultsPath]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('final val acc');
    expect(result.stdout).toContain('Validation loss per epoch');
    expect(result.stdout).toContain('Learning rate per epoch');
  });

  it('cannot write into a file that is in the way of the output folder', () => {
    const blocker = file('x', 'blocker');
    const result = lrCompare(['report', resultsPath, '--svg', join(blocker, 'svg')]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^lr-compare: error: cannot write .*blocker\/svg\/.*: a part of the path is not a folder/);
    expect(existsSync(join(blocker, 'svg'))).toBe(false);
  });
});
