import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectCliRefuses } from '../helpers/refused.js';
import { runLrCompare, temporaryFolder, TINY } from './helpers.js';

/**
 * Every command answers bad input with one clear line on stderr, exit code 2,
 * no stack trace, and writes nothing: no output path it was given exists
 * afterwards (nor folders made for it) and every input is byte-identical.
 */
const folder = temporaryFolder('lr-compare-bad-');
const good = join(folder, 'good.json');
const otherEpochs = join(folder, 'other-epochs.json');
const out = join(folder, 'out', 'never.json');
const shard = join(folder, 'shard-1.json');
const MODULES = resolve(__dirname, '../fixtures/schedules/modules');

/** An IDX file of unsigned bytes with the given shape (values all zero). */
function idx(shape: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * shape.length);
  header[2] = 0x08;
  header[3] = shape.length;
  shape.forEach((size, d) => header.writeUInt32BE(size, 4 + 4 * d));
  return Buffer.concat([header, Buffer.alloc(shape.reduce((a, b) => a * b, 1))]);
}

/** A data folder of four IDX files: train and test images of the given rows x cols. */
function dataFolder(name: string, train: [number, number], test: [number, number]): void {
  const dir = join(folder, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx([700, ...train]));
  writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx([700]));
  writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx([300, ...test]));
  writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx([300]));
}

/** good.json (or another results file) changed by `edit`: a results file that lies. */
function lyingResults(name: string, edit: (results: any) => void, from = good): string {
  const results = JSON.parse(readFileSync(from, 'utf8'));
  edit(results);
  return writeJson(name, results);
}

function writeJson(name: string, value: unknown): string {
  const path = join(folder, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

beforeAll(async () => {
  const base = ['run', '--epochs', '1', ...TINY, '--schedulers', 'step', '--quiet', '--no-chart'];
  expect((await runLrCompare([...base, '--out', good])).status).toBe(0);
  expect((await runLrCompare([...base, '--epochs', '2', '--out', otherEpochs])).status).toBe(0);
  expect((await runLrCompare([...base, '--schedulers', 'step,exponential', '--shard', '1/2', '--out', shard])).status).toBe(0);
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
  // Inputs and outputs
  writeJson('config-valid.json', { epochs: 1 });
  writeJson('config-huge-number.json', '{"epochs": 1e999}');
  writeJson('config-too-many-repeats.json', { repeats: 5000 });
  writeFileSync(join(folder, 'module.mjs'), 'export default (step, baseLr) => baseLr;\n');
  // Data folders
  mkdirSync(join(folder, 'idx-folder'));
  mkdirSync(join(folder, 'idx-folder', 'train-images-idx3-ubyte'));
  dataFolder('zero-rows', [0, 28], [0, 28]);
  dataFolder('zero-cols', [28, 0], [28, 0]);
  dataFolder('transposed', [2, 3], [3, 2]);
  // Results files that lie
  lyingResults('duplicate-run.json', (r) => r.runs.push(r.runs[0]));
  lyingResults('accuracy-above-1.json', (r) => (r.runs[0].history[0].validationAccuracy = 1.5));
  lyingResults('negative-accuracy.json', (r) => (r.runs[0].summary.testAccuracy = -0.1));
  lyingResults('negative-rate.json', (r) => (r.runs[0].history[0].learningRate = -0.1));
  lyingResults('non-finite-rate.json', (r) => (r.runs[0].history[0].learningRate = null));
  lyingResults('negative-loss.json', (r) => (r.runs[0].history[0].loss = -1));
  lyingResults('epochs-out-of-order.json', (r) => r.runs[0].history.reverse(), otherEpochs);
  lyingResults('version-0.json', (r) => (r.version = 0));
  lyingResults('label-newline.json', (r) => (r.runs[0].label = 'step\nbest'));
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
  ['run: samples beyond MNIST', () => ['run', '--samples', '60001'], /--samples.*60001 is too large: at most 60000/],
  ['run: negative seed', () => ['run', '--seed', '-1'], /--seed.*must be at least 0 \(and at most 4294967295\)/],
  ['run: repeats 0', () => ['run', '--repeats', '0'], /--repeats.*must be at least 1/],
  ['run: unknown optimizer', () => ['run', '--optimizer', 'adagrad'], /Allowed choices are sgd, momentum, adam, rmsprop/],
  ['run: unknown backend', () => ['run', '--backend', 'gpu'], /Allowed choices are auto, tensorflow, wasm, cpu/],
  ['run: unknown format', () => ['run', '--format', 'html'], /argument 'html' is invalid. Allowed choices are table, markdown, json/],
  ['run: unknown option', () => ['run', '--epoch', '3'], /unknown option '--epoch'/],
  ['run: target accuracy above 1', () => ['run', '--target-acc', '1.5'], /--target-acc.*must be > 0 and <= 1/],
  // run: schedulers
  ['run: unknown scheduler', () => ['run', '--schedulers', 'step,cosin'], /unknown scheduler 'cosin'/],
  ['run: unknown scheduler key', () => ['run', '-s', 'step:gama=0.5'], /^lr-compare: error: scheduler 'step' has no parameter 'gama'; valid keys: step_size, gamma, unit, warmup, warmup_start, label, optimizer\n$/],
  ['run: gamma <= 0', () => ['run', '-s', 'exponential:gamma=0'], /^lr-compare: error: scheduler 'exponential': gamma must be > 0, got 0\n$/],
  ['run: step_size < 1', () => ['run', '-s', 'step:step_size=0'], /^lr-compare: error: scheduler 'step': step_size must be >= 1, got 0\n$/],
  ['run: max_lr below base_lr', () => ['run', '-s', 'cyclic:base_lr=0.1,max_lr=0.01'], /^lr-compare: error: scheduler 'cyclic': max_lr \(0\.01\) must not be below base_lr \(0\.1\)\n$/],
  ['run: malformed spec', () => ['run', '-s', 'step:step_size'], /^lr-compare: error: scheduler 'step': expected key=value, got 'step_size'; valid keys: step_size, gamma, unit, warmup, warmup_start, label, optimizer\n$/],
  ['run: onecycle total_steps smaller than the run', () => ['run', '--epochs', '5', '-s', 'onecycle:total_steps=2'], /^lr-compare: error: scheduler 'onecycle': total_steps=2 is smaller than the 5 steps the schedule must cover \(the run's steps in its unit, less warmup\); raise total_steps or leave it to its default\n$/],
  ['run: missing custom module', () => ['run', '-s', 'custom:module=./nowhere.mjs'], /nowhere\.mjs/],
  // run: files and combinations
  ['run: --resume without --out', () => ['run!', '--resume', '--epochs', '1'], /--resume needs --out/],
  ['run: resume with another configuration', () => ['run', '--epochs', '1', '--schedulers', 'step', '--out', otherEpochs, '--resume'], /cannot resume .*configuration differs in epochs/],
  ['run: bad shard', () => ['run', '--shard', '3/2'], /--shard must be i\/n with 1 <= i <= n/],
  ['run: resume another shard', () => ['run', '--epochs', '1', '--schedulers', 'step,exponential', '--out', good, '--resume', '--shard', '1/2'], /cannot resume .*good\.json: it holds shard none, this run is shard 1\/2/],
  ['run: shard not a fraction', () => ['run', '--shard', 'half'], /--shard must be i\/n/],
  ['run: missing data folder', () => ['run', '--data-dir', file('no-such-folder')], /missing data file: .*no-such-folder\/train-images-idx3-ubyte/],
  ['run: missing config', () => ['run', '--config', file('missing-config.json')], /cannot read config .*missing-config\.json: no such file/],
  ['run: config not JSON', () => ['run', '--config', file('not-json.json')], /config .*not-json\.json is not JSON/],
  ['run: config that is a list', () => ['run', '--config', file('config-array.json')], /must hold a JSON object/],
  ['run: config unknown field', () => ['run', '--config', file('config-unknown-field.json')], /unknown field 'epoch' \(allowed: schedulers, epochs/],
  ['run: config wrong type', () => ['run', '--config', file('config-bad-type.json')], /field 'epochs' must be a whole number from 1 to 100000, got "three"/],
  ['run: config out of range', () => ['run', '--config', file('config-bad-range.json')], /field 'valSplit' must be a number > 0 and < 1, got 1\.5/],
  ['run: config schedulers not a list', () => ['run', '--config', file('config-bad-schedulers.json')], /field 'schedulers' must be "all" or a non-empty list/],
  // schedule and schedules
  ['schedule: unknown scheduler', () => ['schedule', 'warp', '--steps', '10'], /unknown scheduler 'warp'/],
  ['schedule: steps 0', () => ['schedule', 'step', '--steps', '0'], /--steps/],
  ['schedule: bad metrics', () => ['schedule', 'plateau', '--steps', '3', '--metrics', '1,x,2'], /^error: option '--metrics <m0,m1,\.\.\.>' argument '1,x,2' is invalid\. expected a number, got 'x' at position 2 \(comma-separated numbers\)\.\n$/],
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
  ['find-lr: start >= end', () => ['find-lr', '--start', '1', '--end', '0.1'], /^lr-compare: error: --start \(1\) must be smaller than --end \(0\.1\)\n$/],
  ['find-lr: steps < 10', () => ['find-lr', '--steps', '5'], /--steps/],
  ['find-lr: unknown mode', () => ['find-lr', '--mode', 'cubic'], /^error: option '--mode <mode>' argument 'cubic' is invalid\. expected one of exp, linear\.\n$/],
  // issue 11, output paths: never a folder, never an input, never another output
  ['run: --out with a trailing slash', () => ['run', '--out', join(folder, 'new-folder') + '/'], /--out .*new-folder\/ is a folder; give a file name/],
  ['run: --out an existing folder', () => ['run', '--out', file('a-folder.json')], /--out .*a-folder\.json is a folder/],
  ['run: --out and --report the same file', () => ['run', '--out', file('x.json'), '--report', file('x.json')], /--out and --report both name .*x\.json/],
  ['run: --out over the config', () => ['run', '--config', file('config-valid.json'), '--out', file('config-valid.json')], /--out .*config-valid\.json names an input of this command \(--config/],
  ['run: --out over a custom module', () => ['run', '-s', `custom:module=${file('module.mjs')}`, '--out', file('module.mjs')], /--out .*module\.mjs names an input of this command/],
  ['report: --html over the results file', () => ['report', good, '--html', good], /--html .*good\.json names an input of this command \(results file/],
  ['report: --svg is a file', () => ['report', good, '--svg', file('not-json.json')], /--svg .*not-json\.json must be a folder, but it is a file/],
  ['merge: --out over an input', () => ['merge', good, shard, '--out', shard], /--out .*shard-1\.json names an input of this command/],
  ['find-lr: --out a folder', () => ['find-lr', '--out', file('a-folder.json')], /--out .*a-folder\.json is a folder/],
  // issue 11, bounds: every count has a maximum, and too large says so
  ['run: epochs far too large', () => ['run', '--epochs', '99999999999999999999'], /--epochs.*99999999999999999999 is too large: at most 100000/],
  ['run: repeats 1e9', () => ['run', '--repeats', '1e9'], /--repeats.*1e9 is too large: at most 1000/],
  ['run: batch size beyond the data', () => ['run', '--batch-size', '60001'], /--batch-size.*too large: at most 60000/],
  ['run: jobs', () => ['run', '--jobs', '1000'], /--jobs.*1000 is too large: at most 256/],
  ['run: shards', () => ['run', '--shard', '1/1000000'], /--shard 1\/1000000: 1000000 shards is too large: at most 100000/],
  ['run: label too long', () => ['run', '-s', `step:label=${'x'.repeat(101)}`], /label 'x{20}\.\.\.' is 101 characters, which is too long: at most 100/],
  ['run: spec too long', () => ['run', '-s', `multistep:milestones=${Array.from({ length: 300 }, (_, i) => i + 1).join('|')}`], /scheduler spec 'multistep:milestones\.\.\.' is \d+ characters, which is too long: at most 1000/],
  ['run: too many schedulers', () => ['run', ...Array.from({ length: 101 }, (_, i) => ['-s', `none:label=n${i}`]).flat()], /101 scheduler runs per repeat is too many: at most 100/],
  ['run: config repeats too large', () => ['run', '--config', file('config-too-many-repeats.json')], /field 'repeats' is too large: at most 1000, got 5000/],
  ['schedule: steps 1e9', () => ['schedule', 'step', '--steps', '1e9'], /--steps.*1e9 is too large: at most 1000000/],
  ['schedule: epochs too large', () => ['schedule', 'step', '--steps', '10', '--epochs', '1e6'], /--epochs.*too large: at most 100000/],
  ['schedule: a run too long to build', () => ['schedule', 'step:unit=batch', '--steps', '10', '--epochs', '1000', '--batches-per-epoch', '10000'], /has 10000000 batchs, which is too large: at most 1000000/],
  ['find-lr: steps 1e9', () => ['find-lr', '--steps', '1e9'], /--steps.*1e9 is too large: at most 100000/],
  ['merge: too many files', () => ['merge', ...Array.from({ length: 10001 }, () => good), '--out', out], /10001 results files are too many to merge at once: at most 10000/],
  // issue 11, numbers read one way and echoed as written
  ['run: hex lr', () => ['run', '--lr', '0x10'], /--lr.*expected a number, got '0x10'/],
  ['run: hex seed', () => ['run', '--seed', '0x10'], /--seed.*expected a whole number, got '0x10'/],
  ['run: hex epochs', () => ['run', '--epochs', '0x2'], /--epochs.*expected a whole number, got '0x2'/],
  ['run: lr 1e999', () => ['run', '--lr', '1e999'], /--lr.*1e999 is not a finite number/],
  ['run: gamma 1e999', () => ['run', '-s', 'step:gamma=1e999'], /scheduler 'step': gamma: 1e999 is not a finite number/],
  ['run: config epochs 1e999', () => ['run', '--config', file('config-huge-number.json')], /config-huge-number\.json: 1e999 is not a finite number/],
  ['schedule: hex metric', () => ['schedule', 'plateau', '--steps', '3', '--metrics', '1,0x1'], /--metrics.*expected a number, got '0x1' at position 2/],
  ['run: label with a newline', () => ['run', '-s', 'step:label=a\nb'], /label "a\\nb" contains the control character U\+000A/],
  ['run: spec with a tab', () => ['run', '-s', 'step:gamma=0.5,\tstep_size=2'], /contains the control character U\+0009/],
  ['run: custom module returning a string', () => ['run', '-s', `custom:module=${MODULES}/returns-string.mjs`], /returned the string '0\.1' at step 0; it must return a positive finite number/],
  // issue 11, faults
  ['run: custom module that never returns', () => ['run', '-s', `custom:module=${MODULES}/never-returns.mjs`], /never-returns\.mjs' did not return the rates of steps 0\.\.0 within 1 s/],
  ['run: config is a folder', () => ['run', '--config', file('a-folder.json')], /cannot read config .*a-folder\.json: it is a folder/],
  ['run: IDX file is a folder', () => ['run', '--data-dir', file('idx-folder')], /cannot read data file .*train-images-idx3-ubyte: it is a folder/],
  ['run: images of 0 rows', () => ['run', '--data-dir', file('zero-rows')], /dimension 2 of \[700 x 0 x 28\] is 0; .* at least 1x1 pixel/],
  ['run: images of 0 columns', () => ['run', '--data-dir', file('zero-cols')], /dimension 3 of \[700 x 28 x 0\] is 0/],
  ['run: train and test images disagree', () => ['run', '--data-dir', file('transposed')], /training images are 2x3 pixels but test images are 3x2; they must agree/],
  ['run: an empty shard', () => ['run', '--schedulers', 'step,cosine', '--shard', '3/3'], /--shard 3\/3: the plan has only 2 run\(s\) \(2 scheduler\(s\) x 1 repeat\(s\)\), so it splits into at most 2 shard\(s\)/],
  // issue 11, results files that lie
  ['report: the same (label, repeat) twice', () => ['report', file('duplicate-run.json')], /runs\[1\] repeats runs\[0\]: both are 'step' repeat 0/],
  ['report: accuracy above 1', () => ['report', file('accuracy-above-1.json')], /runs\[0\]\.history\[0\]\.validationAccuracy has a wrong value \(1\.5\)/],
  ['report: negative test accuracy', () => ['report', file('negative-accuracy.json')], /runs\[0\]\.summary\.testAccuracy has a wrong value \(-0\.1\)/],
  ['report: negative learning rate', () => ['report', file('negative-rate.json')], /history\[0\]\.learningRate has a wrong value \(-0\.1\)/],
  ['report: non-finite learning rate', () => ['report', file('non-finite-rate.json')], /history\[0\]\.learningRate has a wrong value \(null\)/],
  ['report: negative loss', () => ['report', file('negative-loss.json')], /history\[0\]\.loss has a wrong value \(-1\)/],
  ['report: epochs out of order', () => ['report', file('epochs-out-of-order.json')], /history\[0\]\.epoch is 2, but epochs must run 1, 2, 3, \.\.\. in order/],
  ['report: version 0', () => ['report', file('version-0.json')], /version 0 is not supported \(this lr-compare reads versions 1 to 2\)/],
  ['check: a label with a newline', () => ['check', file('label-newline.json'), '--min-val-acc', '0.1'], /runs\[0\]\.label has a wrong value/],
  // the program
  ['unknown command', () => ['train'], /unknown command 'train'/],
];

describe('bad input across all commands', () => {
  it('covers at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('%s: refused cleanly (one line, exit code 2, no output, inputs unchanged)', async (name, args, message) => {
    const [command, ...rest] = args();
    // For run, tiny defaults come first so that the case's own options win (commander keeps the last).
    // 'run!' is run without those defaults. Each run case has its own --out in a folder of its own,
    // so a folder left behind by one case cannot hide behind the next.
    const caseOut = join(folder, `out-${CASES.findIndex((entry) => entry[0] === name)}`, 'never.json');
    const full = command === 'run' ? ['run', '--epochs', '1', ...TINY, '--out', caseOut, ...rest] : [command.replace('!', ''), ...rest];
    await expectCliRefuses(full, message, { env: { LR_COMPARE_CUSTOM_TIMEOUT: '1' } });
  });
});
