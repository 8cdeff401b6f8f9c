/**
 * The results-file reader (report, check, compare, merge, resume): a valid file
 * is read back with its statistics recomputed; every broken one is refused
 * with one exact line naming the file and the first bad field.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { readResultsFile } from '../../src/results/results-file.js';

const folder = mkdtempSync(join(tmpdir(), 'lr-compare-results-file-'));

function epoch(n: number): Record<string, unknown> {
  return { epoch: n, learningRate: 0.1, loss: 0.5, accuracy: 0.8, validationLoss: 0.6, validationAccuracy: 0.75 + n / 100, seconds: 0.2 };
}

function summary(accuracy: number): Record<string, unknown> {
  return {
    epochsRun: 2,
    finalValidationAccuracy: accuracy,
    bestValidationAccuracy: accuracy,
    bestValidationAccuracyEpoch: 2,
    lowestValidationLoss: 0.5,
    lowestValidationLossEpoch: 2,
    finalValidationLoss: 0.5,
    testAccuracy: 0.7,
    testAccuracyAtBestValidationLoss: 0.7,
    finalLearningRate: 0.1,
    epochsToTarget: null,
    divergedAtEpoch: null,
    seconds: 1,
    secondsPerEpoch: 0.5,
  };
}

function run(label: string, repeat: number, accuracy: number): Record<string, unknown> {
  return { label, scheduler: label, spec: label, params: {}, repeat, seed: 42 + repeat, history: [epoch(1), epoch(2)], summary: summary(accuracy) };
}

function valid(): Record<string, any> {
  return {
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    complete: true,
    configuration: { schedulers: ['a', 'b'], epochs: 2, repeats: 2, targetAcc: 0.9, validationSamples: 100 },
    environment: { backend: 'wasm' },
    runs: [run('a', 0, 0.8), run('b', 0, 0.7), run('a', 1, 0.82), run('b', 1, 0.71)],
    statistics: 'stale, recomputed on reading',
  };
}

let count = 0;
function file(content: unknown): string {
  const path = join(folder, `r${count++}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function refusal(content: unknown): string {
  const path = file(content);
  try {
    readResultsFile(path);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message.replace(path, 'FILE');
  }
  throw new Error('the file was accepted');
}

const broken = (change: (data: Record<string, any>) => void) => {
  const data = valid();
  change(data);
  return refusal(data);
};

describe('readResultsFile', () => {
  it('reads a valid file and recomputes its statistics from its runs', () => {
    const results = readResultsFile(file(valid()));
    expect(results.runs).toEqual(valid().runs);
    expect(results.statistics.best).toBe('a');
    expect(results.statistics.repeats).toBe(2);
    expect(results.statistics.schedulers.map((entry) => entry.label)).toEqual(['a', 'b']);
    expect(results.statistics.schedulers[1].versusBest?.meanDifference).toBeCloseTo((0.1 + 0.11) / 2, 12);
  });

  it('reads a partial file without runs as it is', () => {
    const data = { ...valid(), complete: false, runs: [] };
    expect(readResultsFile(file(data))).toEqual(data);
  });

  it('accepts null metrics (a diverged epoch) and null epochs-to-target', () => {
    const data = valid();
    data.runs[0].history[1].loss = null;
    data.runs[0].summary.finalValidationAccuracy = null;
    data.runs[0].summary.epochsToTarget = 2;
    data.runs[0].summary.divergedAtEpoch = 2;
    expect(readResultsFile(file(data)).runs[0]).toEqual(data.runs[0]);
  });

  it.each([
    ['no file', () => join(folder, 'missing.json'), 'cannot read results file FILE: no such file'],
    ['a folder', () => { const path = join(folder, 'a-folder.json'); mkdirSync(path); return path; }, 'cannot read results file FILE: it is a folder'],
  ])('names %s', (_what, make, message) => {
    const path = make();
    expect(() => readResultsFile(path)).toThrow(new UsageError(message.replace('FILE', path)));
  });

  it.each([
    ['not JSON', '{"version": 1,\n', /^FILE is not JSON \([^\n]{1,100}\); give the results file that 'lr-compare run' wrote$/],
  ])('refuses %s in one line', (_what, content, pattern) => {
    expect(refusal(content)).toMatch(pattern);
  });

  it.each([
    ['a list', [], 'FILE is not an lr-compare results file: it holds no JSON object'],
    ['null', null, 'FILE is not an lr-compare results file: it holds no JSON object'],
    ['no version', { ...valid(), version: undefined }, 'FILE is not an lr-compare results file: it has no results version'],
    ['version 0', { ...valid(), version: 0 }, 'FILE: version 0 is not supported (this lr-compare reads versions 1 to 2)'],
    ['version 1.5', { ...valid(), version: 1.5 }, 'FILE: version 1.5 is not supported (this lr-compare reads versions 1 to 2)'],
    ['version "1"', { ...valid(), version: '1' }, 'FILE: version "1" is not supported (this lr-compare reads versions 1 to 2)'],
    ['version 3', { ...valid(), version: 3 }, 'FILE was written by a newer lr-compare (results version 3; this one reads versions 1 to 2): upgrade lr-compare'],
  ])('refuses %s', (_what, content, message) => {
    expect(refusal(content)).toBe(message);
  });

  const PREFIX = 'FILE is not a complete lr-compare results file: ';
  it.each([
    ['complete missing', (d: Record<string, any>) => delete d.complete, 'results.complete is missing'],
    ['complete not boolean', (d: Record<string, any>) => (d.complete = 'yes'), 'results.complete has a wrong value ("yes")'],
    ['createdAt not a string', (d: Record<string, any>) => (d.createdAt = 5), 'results.createdAt has a wrong value (5)'],
    ['configuration a list', (d: Record<string, any>) => (d.configuration = []), 'results.configuration has a wrong value ([])'],
    ['configuration null', (d: Record<string, any>) => (d.configuration = null), 'results.configuration has a wrong value (null)'],
    ['environment a string', (d: Record<string, any>) => (d.environment = 'x'), 'results.environment has a wrong value ("x")'],
    ['runs an object', (d: Record<string, any>) => (d.runs = {}), 'results.runs has a wrong value ({})'],
    ['schedulers with a number', (d: Record<string, any>) => (d.configuration.schedulers = ['a', 1]), 'configuration.schedulers has a wrong value (["a",1])'],
    ['schedulers a string', (d: Record<string, any>) => (d.configuration.schedulers = 'a'), 'configuration.schedulers has a wrong value ("a")'],
    ['epochs 0', (d: Record<string, any>) => (d.configuration.epochs = 0), 'configuration.epochs has a wrong value (0)'],
    ['epochs 1.5', (d: Record<string, any>) => (d.configuration.epochs = 1.5), 'configuration.epochs has a wrong value (1.5)'],
    ['repeats 0', (d: Record<string, any>) => (d.configuration.repeats = 0), 'configuration.repeats has a wrong value (0)'],
    ['repeats 2.5', (d: Record<string, any>) => (d.configuration.repeats = 2.5), 'configuration.repeats has a wrong value (2.5)'],
    ['targetAcc a string', (d: Record<string, any>) => (d.configuration.targetAcc = '0.9'), 'configuration.targetAcc has a wrong value ("0.9")'],
    ['validationSamples missing', (d: Record<string, any>) => delete d.configuration.validationSamples, 'configuration.validationSamples is missing'],
    ['no backend', (d: Record<string, any>) => (d.environment = { backend: 3 }), 'environment.backend is missing'],
    ['a run that is a list', (d: Record<string, any>) => (d.runs[1] = []), 'runs[1] is not an object'],
    ['a run that is null', (d: Record<string, any>) => (d.runs[1] = null), 'runs[1] is not an object'],
    ['an empty label', (d: Record<string, any>) => (d.runs[0].label = ''), 'runs[0].label has a wrong value ("")'],
    ['a label that is a number', (d: Record<string, any>) => (d.runs[0].label = 7), 'runs[0].label has a wrong value (7)'],
    ['scheduler missing', (d: Record<string, any>) => delete d.runs[0].scheduler, 'runs[0].scheduler is missing'],
    ['repeat -1', (d: Record<string, any>) => (d.runs[2].repeat = -1), 'runs[2].repeat has a wrong value (-1)'],
    ['repeat 0.5', (d: Record<string, any>) => (d.runs[2].repeat = 0.5), 'runs[2].repeat has a wrong value (0.5)'],
    ['history an object', (d: Record<string, any>) => (d.runs[0].history = {}), 'runs[0].history has a wrong value ({})'],
    ['summary a list', (d: Record<string, any>) => (d.runs[0].summary = []), 'runs[0].summary has a wrong value ([])'],
    ['summary field missing', (d: Record<string, any>) => delete d.runs[3].summary.secondsPerEpoch, 'runs[3].summary.secondsPerEpoch is missing'],
    ['summary count a string', (d: Record<string, any>) => (d.runs[0].summary.epochsRun = '2'), 'runs[0].summary.epochsRun has a wrong value ("2")'],
    ['summary metric a string', (d: Record<string, any>) => (d.runs[0].summary.testAccuracy = 'high'), 'runs[0].summary.testAccuracy has a wrong value ("high")'],
    ['epochsToTarget 0', (d: Record<string, any>) => (d.runs[0].summary.epochsToTarget = 0), 'runs[0].summary.epochsToTarget has a wrong value (0)'],
    ['divergedAtEpoch 1.5', (d: Record<string, any>) => (d.runs[0].summary.divergedAtEpoch = 1.5), 'runs[0].summary.divergedAtEpoch has a wrong value (1.5)'],
    ['an empty history', (d: Record<string, any>) => (d.runs[1].history = []), 'runs[1].history is empty'],
    ['an epoch that is a number', (d: Record<string, any>) => (d.runs[0].history[1] = 3), 'runs[0].history[1] is not an object'],
    ['an epoch that is null', (d: Record<string, any>) => (d.runs[0].history[1] = null), 'runs[0].history[1] is not an object'],
    ['epoch 0', (d: Record<string, any>) => (d.runs[0].history[0].epoch = 0), 'runs[0].history[0].epoch has a wrong value (0)'],
    ['epoch 1.5', (d: Record<string, any>) => (d.runs[0].history[0].epoch = 1.5), 'runs[0].history[0].epoch has a wrong value (1.5)'],
    ['seconds null', (d: Record<string, any>) => (d.runs[0].history[1].seconds = null), 'runs[0].history[1].seconds has a wrong value (null)'],
    ['a metric that is a string', (d: Record<string, any>) => (d.runs[0].history[1].validationLoss = 'x'), 'runs[0].history[1].validationLoss has a wrong value ("x")'],
    ['a long wrong value, cut at 40 characters', (d: Record<string, any>) => (d.runs[0].history[1].loss = 'y'.repeat(60)), `runs[0].history[1].loss has a wrong value ("${'y'.repeat(39)})`],
    ['no runs although complete', (d: Record<string, any>) => (d.runs = []), 'results.runs is empty although the run is marked complete'],
  ])('refuses %s', (_what, change, problem) => {
    expect(broken(change)).toBe(PREFIX + problem);
  });
});
