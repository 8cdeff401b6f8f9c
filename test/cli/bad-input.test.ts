import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runLrCompare, temporaryFolder, TINY } from './helpers.js';

/**
 * Every command answers bad input with one clear line on stderr, exit code 2,
 * no stack trace, and writes nothing.
 */
const folder = temporaryFolder('lr-compare-bad-');
const good = join(folder, 'good.json');
const otherEpochs = join(folder, 'other-epochs.json');
const out = join(folder, 'out', 'never.json');
const shard = join(folder, 'shard-1.json');

function writeJson(name: string, value: unknown): string {
  const path = join(folder, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

beforeAll(async () => {
  const base = ['run', '--epochs', '1', ...TINY, '--schedulers', 'step', '--quiet', '--no-chart'];
  expect((await runLrCompare([...base, '--out', good])).status).toBe(0);
  expect((await runLrCompare([...base, '--epochs', '2', '--out', otherEpochs])).status).toBe(0);
  expect((await runLrCompare([...base, '--shard', '1/2', '--out', shard])).status).toBe(0);
  writeJson('not-json.json', '{"version": 1, "runs": [');
  writeJson('newer.json', { version: 99, runs: [] });
  writeJson('no-version.json', { runs: [] });
  writeJson('incomplete.json', { version: 1, complete: true, runs: [{ label: 'step' }] });
  writeJson('config-unknown-field.json', { epoch: 3 });
  writeJson('config-bad-type.json', { epochs: 'three' });
  writeJson('config-bad-range.json', { valSplit: 1.5 });
  writeJson('config-bad-schedulers.json', { schedulers: 'step' });
  writeJson('config-array.json', [1, 2]);
  mkdirSync(join(folder, 'a-folder.json'));
});

const file = (name: string) => join(folder, name);

const CASES: [string, () => string[], RegExp][] = [
  // run: options
  ['run: epochs below 1', () => ['run', '--epochs', '0'], /--epochs.*must be at least 1/],
  ['run: epochs not a number', () => ['run', '--epochs', 'x'], /--epochs.*expected a whole number, got 'x'/],
  ['run: fractional epochs', () => ['run', '--epochs', '1.5'], /--epochs.*expected a whole number/],
  ['run: lr zero', () => ['run', '--lr', '0'], /--lr.*must be > 0/],
  ['run: lr not a number', () => ['run', '--lr', 'fast'], /--lr.*expected a number, got 'fast'/],
  ['run: batch size 0', () => ['run', '--batch-size', '0'], /--batch-size.*must be at least 1/],
  ['run: val-split 1', () => ['run', '--val-split', '1'], /--val-split.*must be > 0 and < 1/],
  ['run: samples beyond MNIST', () => ['run', '--samples', '60001'], /--samples.*must be from 2 to 60000/],
  ['run: negative seed', () => ['run', '--seed', '-1'], /--seed.*must be from 0 to 4294967295/],
  ['run: repeats 0', () => ['run', '--repeats', '0'], /--repeats.*must be at least 1/],
  ['run: unknown optimizer', () => ['run', '--optimizer', 'adagrad'], /Allowed choices are sgd, momentum, adam, rmsprop/],
  ['run: unknown backend', () => ['run', '--backend', 'gpu'], /Allowed choices are auto, tensorflow, wasm, cpu/],
  ['run: unknown format', () => ['run', '--format', 'html'], /argument 'html' is invalid. Allowed choices are table, markdown, json/],
  ['run: unknown option', () => ['run', '--epoch', '3'], /unknown option '--epoch'/],
  ['run: target accuracy above 1', () => ['run', '--target-acc', '1.5'], /--target-acc.*must be > 0 and <= 1/],
  // run: schedulers
  ['run: unknown scheduler', () => ['run', '--schedulers', 'step,cosin'], /unknown scheduler 'cosin'/],
  ['run: unknown scheduler key', () => ['run', '-s', 'step:gama=0.5'], /gama/],
  ['run: gamma <= 0', () => ['run', '-s', 'exponential:gamma=0'], /gamma/],
  ['run: step_size < 1', () => ['run', '-s', 'step:step_size=0'], /step_size/],
  ['run: max_lr below base_lr', () => ['run', '-s', 'cyclic:base_lr=0.1,max_lr=0.01'], /max_lr/],
  ['run: malformed spec', () => ['run', '-s', 'step:step_size'], /step_size/],
  ['run: onecycle total_steps smaller than the run', () => ['run', '--epochs', '5', '-s', 'onecycle:total_steps=2'], /total_steps/],
  ['run: missing custom module', () => ['run', '-s', 'custom:module=./nowhere.mjs'], /nowhere\.mjs/],
  // run: files and combinations
  ['run: --resume without --out', () => ['run!', '--resume', '--epochs', '1'], /--resume needs --out/],
  ['run: resume with another configuration', () => ['run', '--epochs', '1', '--schedulers', 'step', '--out', otherEpochs, '--resume'], /cannot resume .*configuration differs in epochs/],
  ['run: bad shard', () => ['run', '--shard', '3/2'], /--shard must be i\/n with 1 <= i <= n/],
  ['run: resume another shard', () => ['run', '--epochs', '1', '--schedulers', 'step', '--out', good, '--resume', '--shard', '1/2'], /cannot resume .*good\.json: it holds shard none, this run is shard 1\/2/],
  ['run: shard not a fraction', () => ['run', '--shard', 'half'], /--shard must be i\/n/],
  ['run: missing data folder', () => ['run', '--data-dir', file('no-such-folder')], /missing data file: .*no-such-folder\/train-images-idx3-ubyte/],
  ['run: missing config', () => ['run', '--config', file('missing-config.json')], /cannot read config .*missing-config\.json: no such file/],
  ['run: config not JSON', () => ['run', '--config', file('not-json.json')], /config .*not-json\.json is not JSON/],
  ['run: config that is a list', () => ['run', '--config', file('config-array.json')], /must hold a JSON object/],
  ['run: config unknown field', () => ['run', '--config', file('config-unknown-field.json')], /unknown field 'epoch' \(allowed: schedulers, epochs/],
  ['run: config wrong type', () => ['run', '--config', file('config-bad-type.json')], /field 'epochs' must be a whole number >= 1, got "three"/],
  ['run: config out of range', () => ['run', '--config', file('config-bad-range.json')], /field 'valSplit' must be a number > 0 and < 1, got 1\.5/],
  ['run: config schedulers not a list', () => ['run', '--config', file('config-bad-schedulers.json')], /field 'schedulers' must be "all" or a non-empty list/],
  // schedule and schedules
  ['schedule: unknown scheduler', () => ['schedule', 'warp', '--steps', '10'], /unknown scheduler 'warp'/],
  ['schedule: steps 0', () => ['schedule', 'step', '--steps', '0'], /--steps/],
  ['schedule: bad metrics', () => ['schedule', 'plateau', '--steps', '3', '--metrics', '1,x,2'], /metrics/],
  // report, check, compare, merge: results files
  ['report: missing file', () => ['report', file('missing.json'), '--html', file('r.html')], /cannot read results file .*missing\.json: no such file/],
  ['report: not JSON', () => ['report', file('not-json.json'), '--html', file('r.html')], /not-json\.json is not JSON/],
  ['report: newer version', () => ['report', file('newer.json'), '--html', file('r.html')], /newer lr-compare/],
  ['report: no version', () => ['report', file('no-version.json'), '--html', file('r.html')], /has no results version/],
  ['report: incomplete runs', () => ['report', file('incomplete.json'), '--html', file('r.html')], /is not a complete lr-compare results file/],
  ['report: a folder', () => ['report', file('a-folder.json'), '--html', file('r.html')], /it is a folder/],
  ['check: nothing to check', () => ['check', good], /nothing to check/],
  ['check: baseline without max-drop', () => ['check', good, '--baseline', good], /--baseline and --max-drop go together/],
  ['check: threshold above 1', () => ['check', good, '--min-val-acc', '95'], /--min-val-acc.*must be >= 0 and <= 1/],
  ['check: a shard before merging', () => ['check', shard, '--min-val-acc', '0.5'], /shard-1\.json is shard 1\/2 of a run: combine the shards with lr-compare merge first/],
  ['check: broken results', () => ['check', file('not-json.json'), '--min-val-acc', '0.5'], /is not JSON/],
  ['check: broken baseline', () => ['check', good, '--baseline', file('newer.json'), '--max-drop', '0.01'], /newer lr-compare/],
  ['compare: missing second file', () => ['compare', good, file('missing.json')], /cannot read results file .*missing\.json/],
  ['compare: nothing in common', () => ['compare', good, good, '--format', 'xml'], /argument 'xml' is invalid. Allowed choices are table, markdown, json/],
  ['merge: a single file', () => ['merge', good, '--out', out], /merge needs at least two results files/],
  ['merge: mismatched configurations', () => ['merge', good, otherEpochs, '--out', out], /cannot merge .* configurations differ in epochs/],
  ['merge: the same runs twice', () => ['merge', good, good, '--out', out], /appears in both/],
  ['merge: without --out', () => ['merge', good, otherEpochs], /required option '--out <file>' not specified/],
  // find-lr
  ['find-lr: start >= end', () => ['find-lr', '--start', '1', '--end', '0.1'], /start/],
  ['find-lr: steps < 10', () => ['find-lr', '--steps', '5'], /--steps/],
  ['find-lr: unknown mode', () => ['find-lr', '--mode', 'cubic'], /mode/],
  // the program
  ['unknown command', () => ['train'], /unknown command 'train'/],
];

describe('bad input across all commands', () => {
  it('covers at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('%s: one clear line, exit code 2, nothing written', async (_name, args, message) => {
    const [command, ...rest] = args();
    // For run, tiny defaults come first so that the case's own options win (commander keeps the last).
    // 'run!' is run without those defaults.
    const result = await runLrCompare(command === 'run' ? ['run', '--epochs', '1', ...TINY, '--out', out, ...rest] : [command.replace('!', ''), ...rest]);
    expect(result.status, result.stderr).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });
});
