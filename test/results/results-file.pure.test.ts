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
    ['cut JSON', '{"version": 1,\n'],
    // V8 quotes the text it choked on, newlines and tabs included: the line keeps single spaces.
    ['text with line breaks', '  \n\n\t\t  x  \n\n\t\t  x'],
    ['an empty file', ''],
  ])('refuses %s as not JSON, in one line with the parser\'s reason', (_what, content) => {
    let parserMessage = '';
    try {
      JSON.parse(content);
    } catch (error) {
      parserMessage = (error as Error).message;
    }
    expect(parserMessage.length).toBeGreaterThan(0);
    const reason = parserMessage.split(/\s+/).join(' ');
    expect(refusal(content)).toBe(`FILE is not JSON (${reason}); give the results file that 'lr-compare run' wrote`);
  });

  it('keeps the line break out of a parser message that quotes one', () => {
    expect(refusal('  \n\n\t\t  x  \n\n\t\t  x')).not.toMatch(/[\n\t]|  /);
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
    // every top-level, configuration, run, summary and epoch field: missing, and of the wrong kind
    ['createdAt missing', (d: Record<string, any>) => delete d.createdAt, 'results.createdAt is missing'],
    ['configuration missing', (d: Record<string, any>) => delete d.configuration, 'results.configuration is missing'],
    ['environment missing', (d: Record<string, any>) => delete d.environment, 'results.environment is missing'],
    ['environment null', (d: Record<string, any>) => (d.environment = null), 'results.environment has a wrong value (null)'],
    ['runs missing', (d: Record<string, any>) => delete d.runs, 'results.runs is missing'],
    ['schedulers missing', (d: Record<string, any>) => delete d.configuration.schedulers, 'configuration.schedulers is missing'],
    ['epochs a string', (d: Record<string, any>) => (d.configuration.epochs = '2'), 'configuration.epochs has a wrong value ("2")'],
    ['repeats missing', (d: Record<string, any>) => delete d.configuration.repeats, 'configuration.repeats is missing'],
    ['validationSamples a string', (d: Record<string, any>) => (d.configuration.validationSamples = '100'), 'configuration.validationSamples has a wrong value ("100")'],
    ['an empty environment', (d: Record<string, any>) => (d.environment = {}), 'environment.backend is missing'],
    ['a run that is a string', (d: Record<string, any>) => (d.runs[2] = 'a'), 'runs[2] is not an object'],
    ['label missing', (d: Record<string, any>) => delete d.runs[1].label, 'runs[1].label is missing'],
    ['a label with a newline', (d: Record<string, any>) => (d.runs[0].label = 'a\nb'), 'runs[0].label has a wrong value ("a\\nb")'],
    ['a label with a NUL', (d: Record<string, any>) => (d.runs[0].label = 'a\u0000'), 'runs[0].label has a wrong value ("a\\u0000")'],
    ['a label with a unit separator', (d: Record<string, any>) => (d.runs[0].label = '\u001fa'), 'runs[0].label has a wrong value ("\\u001fa")'],
    ['a label with a DEL', (d: Record<string, any>) => (d.runs[0].label = 'a\u007f'), 'runs[0].label has a wrong value ("a\u007f")'],
    ['scheduler a number', (d: Record<string, any>) => (d.runs[0].scheduler = 1), 'runs[0].scheduler has a wrong value (1)'],
    ['repeat missing', (d: Record<string, any>) => delete d.runs[0].repeat, 'runs[0].repeat is missing'],
    ['repeat a string', (d: Record<string, any>) => (d.runs[0].repeat = '0'), 'runs[0].repeat has a wrong value ("0")'],
    ['history missing', (d: Record<string, any>) => delete d.runs[0].history, 'runs[0].history is missing'],
    ['summary missing', (d: Record<string, any>) => delete d.runs[0].summary, 'runs[0].summary is missing'],
    ['summary null', (d: Record<string, any>) => (d.runs[0].summary = null), 'runs[0].summary has a wrong value (null)'],
    ['an accuracy above 1', (d: Record<string, any>) => (d.runs[0].summary.bestValidationAccuracy = 1.01), 'runs[0].summary.bestValidationAccuracy has a wrong value (1.01)'],
    ['an accuracy below 0', (d: Record<string, any>) => (d.runs[0].summary.finalValidationAccuracy = -0.01), 'runs[0].summary.finalValidationAccuracy has a wrong value (-0.01)'],
    ['a negative loss', (d: Record<string, any>) => (d.runs[0].summary.lowestValidationLoss = -0.5), 'runs[0].summary.lowestValidationLoss has a wrong value (-0.5)'],
    ['a loss that is a string', (d: Record<string, any>) => (d.runs[0].summary.finalValidationLoss = '0.5'), 'runs[0].summary.finalValidationLoss has a wrong value ("0.5")'],
    ['a negative final rate', (d: Record<string, any>) => (d.runs[0].summary.finalLearningRate = -0.1), 'runs[0].summary.finalLearningRate has a wrong value (-0.1)'],
    ['a final rate of null', (d: Record<string, any>) => (d.runs[0].summary.finalLearningRate = null), 'runs[0].summary.finalLearningRate has a wrong value (null)'],
    ['epochsToTarget a string', (d: Record<string, any>) => (d.runs[0].summary.epochsToTarget = '3'), 'runs[0].summary.epochsToTarget has a wrong value ("3")'],
    ['divergedAtEpoch 0', (d: Record<string, any>) => (d.runs[0].summary.divergedAtEpoch = 0), 'runs[0].summary.divergedAtEpoch has a wrong value (0)'],
    ['secondsPerEpoch a string', (d: Record<string, any>) => (d.runs[0].summary.secondsPerEpoch = 'fast'), 'runs[0].summary.secondsPerEpoch has a wrong value ("fast")'],
    ['an epoch that is a list', (d: Record<string, any>) => (d.runs[0].history[0] = []), 'runs[0].history[0] is not an object'],
    ['epoch missing', (d: Record<string, any>) => delete d.runs[0].history[0].epoch, 'runs[0].history[0].epoch is missing'],
    ['an epoch accuracy above 1', (d: Record<string, any>) => (d.runs[0].history[1].accuracy = 1.5), 'runs[0].history[1].accuracy has a wrong value (1.5)'],
    ['an epoch validation accuracy below 0', (d: Record<string, any>) => (d.runs[0].history[1].validationAccuracy = -0.25), 'runs[0].history[1].validationAccuracy has a wrong value (-0.25)'],
    ['a negative epoch loss', (d: Record<string, any>) => (d.runs[0].history[1].loss = -1), 'runs[0].history[1].loss has a wrong value (-1)'],
    ['a negative rate', (d: Record<string, any>) => (d.runs[0].history[1].learningRate = -0.1), 'runs[0].history[1].learningRate has a wrong value (-0.1)'],
    ['a rate that is a string', (d: Record<string, any>) => (d.runs[0].history[1].learningRate = '0.1'), 'runs[0].history[1].learningRate has a wrong value ("0.1")'],
    ['a rate of null', (d: Record<string, any>) => (d.runs[0].history[1].learningRate = null), 'runs[0].history[1].learningRate has a wrong value (null)'],
    ['seconds missing', (d: Record<string, any>) => delete d.runs[1].history[0].seconds, 'runs[1].history[0].seconds is missing'],
    // epochs must count 1, 2, 3, ... as the writer records them
    ['epochs 2, 1', (d: Record<string, any>) => (d.runs[0].history = [epoch(2), epoch(1)]), 'runs[0].history[0].epoch is 2, but epochs must run 1, 2, 3, ... in order (expected 1)'],
    ['epochs 1, 1', (d: Record<string, any>) => (d.runs[3].history = [epoch(1), epoch(1)]), 'runs[3].history[1].epoch is 1, but epochs must run 1, 2, 3, ... in order (expected 2)'],
    ['epochs 1, 3', (d: Record<string, any>) => (d.runs[0].history = [epoch(1), epoch(3)]), 'runs[0].history[1].epoch is 3, but epochs must run 1, 2, 3, ... in order (expected 2)'],
    // each (label, repeat) is one run
    ['a run twice', (d: Record<string, any>) => d.runs.push(run('a', 1, 0.9)), "runs[4] repeats runs[2]: both are 'a' repeat 1; each (label, repeat) is one run"],
    ['a run twice, the first at its place', (d: Record<string, any>) => (d.runs[3] = run('b', 0, 0.9)), "runs[3] repeats runs[1]: both are 'b' repeat 0; each (label, repeat) is one run"],
  ])('refuses %s', (_what, change, problem) => {
    expect(broken(change)).toBe(PREFIX + problem);
  });

  it('refuses a rate too large for a number (1e999 reads as Infinity)', () => {
    const text = JSON.stringify(valid()).replace('"learningRate":0.1', '"learningRate":1e999');
    expect(refusal(text)).toBe(`${PREFIX}runs[0].history[0].learningRate has a wrong value (null)`);
  });

  it('reports the first problem of a file that has several', () => {
    expect(broken((d) => {
      d.runs[2].summary.testAccuracy = 2;
      d.runs[1].history[0].loss = -1;
      d.runs[0].summary.seconds = 'x';
    })).toBe(`${PREFIX}runs[0].summary.seconds has a wrong value ("x")`);
    // a run's own fields before its summary, its summary before its history
    expect(broken((d) => {
      d.runs[0].history[0].loss = -1;
      d.runs[0].summary.testAccuracy = 2;
      d.runs[0].repeat = -3;
    })).toBe(`${PREFIX}runs[0].repeat has a wrong value (-3)`);
    expect(broken((d) => {
      d.runs[0].history[0].loss = -1;
      d.runs[0].summary.testAccuracy = 2;
    })).toBe(`${PREFIX}runs[0].summary.testAccuracy has a wrong value (2)`);
  });

  it('accepts the edges of every range: fractions 0 and 1, loss and rate 0, epoch 1, repeat 0, one epoch and one repeat, versions 1 and 2', () => {
    const data = valid();
    data.version = 2;
    data.configuration.epochs = 1;
    data.configuration.repeats = 1;
    data.runs = [run('a', 0, 1), run('b', 0, 0)];
    data.runs[0].history = [{ ...epoch(1), learningRate: 0, loss: 0, accuracy: 1, validationLoss: 0, validationAccuracy: 0 }];
    data.runs[1].history = [{ ...epoch(1), accuracy: 0, validationAccuracy: 1 }];
    Object.assign(data.runs[0].summary, { testAccuracy: 0, testAccuracyAtBestValidationLoss: 1, lowestValidationLoss: 0, finalValidationLoss: 0 });
    Object.assign(data.runs[0].summary, { finalLearningRate: 0, epochsToTarget: 1, divergedAtEpoch: 1, secondsPerEpoch: null });
    // Any printable label, spaces and non-ASCII included.
    data.runs[1].label = 'step (γ=0.5) ~';
    const results = readResultsFile(file(data));
    expect(results.runs).toEqual(data.runs);
    expect(results.statistics.best).toBe('a');
    expect(readResultsFile(file({ ...valid(), version: 1 })).runs).toEqual(valid().runs);
  });

  it('reads a partial file with runs and recomputes its statistics too', () => {
    const data = { ...valid(), complete: false, runs: valid().runs.slice(0, 2) };
    const results = readResultsFile(file(data));
    expect(results.complete).toBe(false);
    expect(results.statistics.repeats).toBe(1);
    expect(results.statistics.best).toBe('a');
    expect('tuning' in results).toBe(false);
  });
});

/** A tuned comparison (run --tune-lr): one selection repeat at two rates, then one confirmation repeat. */
function tuned(): Record<string, any> {
  const at = (label: string, repeat: number, phase: string, lr: number, accuracy: number) => ({ ...run(label, repeat, accuracy), phase, gridPoint: { lr } });
  return {
    ...valid(),
    version: 2,
    configuration: { ...valid().configuration, seed: 42, repeats: 1, tuning: { lr: [0.1, 0.3], select: 'val_acc', confirmRepeats: 1 } },
    runs: [
      at('a', 0, 'selection', 0.1, 0.8),
      at('a', 0, 'selection', 0.3, 0.85),
      at('b', 0, 'selection', 0.1, 0.7),
      at('b', 0, 'selection', 0.3, 0.6),
      at('a', 1, 'confirmation', 0.3, 0.84),
      at('b', 1, 'confirmation', 0.1, 0.69),
    ],
  };
}

describe('readResultsFile: tuned comparisons', () => {
  it('reads a tuned file, recomputing the selection: each scheduler at the rate of its best selection accuracy', () => {
    const results = readResultsFile(file(tuned()));
    // a: 0.8 at 0.1, 0.85 at 0.3 -> 0.3; b: 0.7 at 0.1, 0.6 at 0.3 -> 0.1. Seeds: selection 42, confirmation 43.
    expect(results.tuning?.selected).toEqual({ a: { lr: 0.3, selectionScore: 0.85 }, b: { lr: 0.1, selectionScore: 0.7 } });
    expect(results.tuning?.seeds).toEqual({ selection: [42, 42], confirmation: [43, 43] });
    // Only the confirmation runs are compared, on test accuracy (0.7 for both here).
    expect(results.statistics.repeats).toBe(1);
    expect(results.statistics.rankingMetric).toBe('testAccuracy');
  });

  const PREFIX = 'FILE is not a complete lr-compare results file: ';
  it.each([
    ['tuning a number', (d: Record<string, any>) => (d.configuration.tuning = 5), 'configuration.tuning.lr is missing'],
    ['tuning null', (d: Record<string, any>) => (d.configuration.tuning = null), 'configuration.tuning.lr is missing'],
    ['tuning a list', (d: Record<string, any>) => (d.configuration.tuning = [0.1]), 'configuration.tuning.lr is missing'],
    ['an empty grid', (d: Record<string, any>) => (d.configuration.tuning.lr = []), 'configuration.tuning.lr has a wrong value ([])'],
    ['a grid with 0', (d: Record<string, any>) => (d.configuration.tuning.lr = [0.1, 0]), 'configuration.tuning.lr has a wrong value ([0.1,0])'],
    ['a grid with a negative rate', (d: Record<string, any>) => (d.configuration.tuning.lr = [-0.1]), 'configuration.tuning.lr has a wrong value ([-0.1])'],
    ['a grid with a string', (d: Record<string, any>) => (d.configuration.tuning.lr = [0.1, '0.3']), 'configuration.tuning.lr has a wrong value ([0.1,"0.3"])'],
    ['a grid that is a number', (d: Record<string, any>) => (d.configuration.tuning.lr = 0.1), 'configuration.tuning.lr has a wrong value (0.1)'],
    ['select missing', (d: Record<string, any>) => delete d.configuration.tuning.select, 'configuration.tuning.select is missing'],
    ['select unknown', (d: Record<string, any>) => (d.configuration.tuning.select = 'accuracy'), 'configuration.tuning.select has a wrong value ("accuracy")'],
    ['confirmRepeats 0', (d: Record<string, any>) => (d.configuration.tuning.confirmRepeats = 0), 'configuration.tuning.confirmRepeats has a wrong value (0)'],
    ['confirmRepeats 1.5', (d: Record<string, any>) => (d.configuration.tuning.confirmRepeats = 1.5), 'configuration.tuning.confirmRepeats has a wrong value (1.5)'],
    ['a run without phase', (d: Record<string, any>) => delete d.runs[3].phase, 'runs[3].phase is missing'],
    ['a run of an unknown phase', (d: Record<string, any>) => (d.runs[0].phase = 'tuning'), 'runs[0].phase has a wrong value ("tuning")'],
    ['a run without grid point', (d: Record<string, any>) => delete d.runs[4].gridPoint, 'runs[4].gridPoint is missing'],
    ['a grid point without rate', (d: Record<string, any>) => (d.runs[4].gridPoint = { momentum: 0.9 }), 'runs[4].gridPoint has a wrong value ({"momentum":0.9})'],
    ['a grid point that is a list', (d: Record<string, any>) => (d.runs[4].gridPoint = [0.1]), 'runs[4].gridPoint has a wrong value ([0.1])'],
    ['a grid point of null', (d: Record<string, any>) => (d.runs[4].gridPoint = null), 'runs[4].gridPoint has a wrong value (null)'],
    ['a grid rate that is a string', (d: Record<string, any>) => (d.runs[4].gridPoint = { lr: '0.3' }), 'runs[4].gridPoint has a wrong value ({"lr":"0.3"})'],
    ['a selection run twice at one rate', (d: Record<string, any>) => d.runs.push({ ...d.runs[1] }), "runs[6] repeats runs[1]: both are 'a' at lr 0.3 repeat 0; each (label, repeat) is one run"],
    ['a confirmation run twice', (d: Record<string, any>) => d.runs.push({ ...d.runs[5], gridPoint: { lr: 0.3 } }), "runs[6] repeats runs[5]: both are 'b' repeat 1; each (label, repeat) is one run"],
  ])('refuses %s', (_what, change, problem) => {
    const data = tuned();
    change(data);
    expect(refusal(data)).toBe(PREFIX + problem);
  });

  it('still checks the history of a tuned run whose phase and grid point are right', () => {
    const data = tuned();
    data.runs[0].history = [];
    expect(refusal(data)).toBe(`${PREFIX}runs[0].history is empty`);
  });

  it('checks phase and grid point before the history', () => {
    const data = tuned();
    delete data.runs[0].phase;
    data.runs[0].history = [];
    expect(refusal(data)).toBe(`${PREFIX}runs[0].phase is missing`);
  });
});

/** An interrupted file: one finished run, and the epochs each run still training had finished. */
function interrupted(): Record<string, any> {
  const { summary: _summary, ...training } = run('b', 0, 0.7);
  return { ...valid(), complete: false, runs: [run('a', 0, 0.8)], unfinishedRuns: [{ ...training, history: [epoch(1)] }] };
}

describe('readResultsFile: runs still training when the comparison stopped (unfinishedRuns)', () => {
  const PREFIX = 'FILE is not a complete lr-compare results file: ';
  it('reads them as they are, without counting them in the statistics', () => {
    const data = interrupted();
    const results = readResultsFile(file(data));
    expect(results.unfinishedRuns).toEqual(data.unfinishedRuns);
    expect(results.statistics.schedulers.map((entry) => entry.label)).toEqual(['a']);
  });

  it.each([
    ['that are not a list', (d: Record<string, any>) => (d.unfinishedRuns = { b: 1 }), 'results.unfinishedRuns has a wrong value ({"b":1})'],
    // The value is cut to its first 40 characters, so that the message stays one short line.
    [
      'that are a long object',
      (d: Record<string, any>) => (d.unfinishedRuns = { label: 'x'.repeat(60) }),
      'results.unfinishedRuns has a wrong value ({"label":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx)',
    ],
    ['in a complete file', (d: Record<string, any>) => (d.complete = true), 'results.unfinishedRuns is not empty although the run is marked complete'],
    ['of a run that is not an object', (d: Record<string, any>) => (d.unfinishedRuns = [3]), 'unfinishedRuns[0] is not an object'],
    ['of a run without a label', (d: Record<string, any>) => delete d.unfinishedRuns[0].label, 'unfinishedRuns[0].label is missing'],
    ['of a run with a negative repeat', (d: Record<string, any>) => (d.unfinishedRuns[0].repeat = -1), 'unfinishedRuns[0].repeat has a wrong value (-1)'],
    ['of a run with no epoch', (d: Record<string, any>) => (d.unfinishedRuns[0].history = []), 'unfinishedRuns[0].history is empty'],
    ['of a run with an accuracy above 1', (d: Record<string, any>) => (d.unfinishedRuns[0].history[0].accuracy = 1.5), 'unfinishedRuns[0].history[0].accuracy has a wrong value (1.5)'],
    ['of a run whose epochs skip one', (d: Record<string, any>) => d.unfinishedRuns[0].history.push(epoch(3)), 'unfinishedRuns[0].history[1].epoch is 3, but epochs must run 1, 2, 3, ... in order (expected 2)'],
    ['whose second run has no epoch', (d: Record<string, any>) => d.unfinishedRuns.push({ ...d.unfinishedRuns[0], label: 'c', history: [] }), 'unfinishedRuns[1].history is empty'],
  ])('refuses runs still training %s', (_what, change, problem) => {
    const data = interrupted();
    change(data);
    expect(refusal(data)).toBe(PREFIX + problem);
  });

  it('asks a tuned file\'s runs still training for their phase too', () => {
    const data = tuned();
    const { summary: _summary, ...training } = data.runs[5];
    data.complete = false;
    data.runs = data.runs.slice(0, 5);
    data.unfinishedRuns = [{ ...training }];
    delete data.unfinishedRuns[0].phase;
    expect(refusal(data)).toBe(`${PREFIX}unfinishedRuns[0].phase is missing`);
  });

  it('reads a complete file with an empty list (nothing was training)', () => {
    const data = { ...valid(), unfinishedRuns: [] };
    expect(readResultsFile(file(data)).runs).toEqual(valid().runs);
  });
});
