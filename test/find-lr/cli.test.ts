import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// These run the built CLI: `npx tsc -p tsconfig.json` first (npm test does).
const root = resolve(import.meta.dirname, '../..');
const bin = join(root, 'bin', 'lr-compare');
const scratch = mkdtempSync(join(tmpdir(), 'lr-compare-find-lr-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function findLr(...args: string[]) {
  if (!existsSync(join(root, 'dist', 'commands', 'find-lr.js'))) throw new Error('dist/ is missing find-lr: run npx tsc -p tsconfig.json first');
  return spawnSync(process.execPath, [bin, 'find-lr', ...args], { cwd: scratch, encoding: 'utf8', timeout: 120_000 });
}

describe('find-lr on bad input', () => {
  it.each([
    [['--start', '1', '--end', '0.1'], '--start (1) must be smaller than --end (0.1)'],
    [['--start', '0.5', '--end', '0.5'], '--start (0.5) must be smaller than --end (0.5)'],
    [['--start', '0'], "option '--start <rate>' argument '0' is invalid. must be > 0."],
    [['--start', '-1e-3'], "argument '-1e-3' is invalid. must be > 0."],
    [['--start', 'abc'], "expected a number, got 'abc'"],
    [['--end', 'ten'], "expected a number, got 'ten'"],
    [['--steps', '9'], "option '--steps <n>' argument '9' is invalid. must be at least 10 (and at most 100000)."],
    [['--steps', '100001'], "option '--steps <n>' argument '100001' is invalid. 100001 is too large: at most 100000."],
    [['--steps', '1e2x'], "expected a whole number, got '1e2x'"],
    [['--mode', 'cosine'], 'expected one of exp, linear.'],
    [['--optimizer', 'lion'], 'expected one of sgd, momentum, adam, rmsprop, adamw, schedulefree_sgd, schedulefree_adamw.'],
  ])('%j exits 2 with one line and no stack trace', (args, message) => {
    const run = findLr(...args, '--backend', 'cpu');
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toContain(message);
    expect(lines[0]).toMatch(/^(lr-compare: )?error: /);
    // Commander adds its '(run with --help for usage)' hint (cli.ts' showHelpAfterError); nothing else.
    expect(lines.slice(1).every((line) => line === '(run with --help for usage)'), run.stderr).toBe(true);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });
});

describe('find-lr on real data', () => {
  it('draws the curve, names each rule, and writes the same JSON to --out and stdout', () => {
    const out = join(scratch, 'nested', 'curve.json');
    const common = ['--samples', '500', '--start', '1e-3', '--steps', '60', '--backend', 'wasm', '--out', out];
    const text = findLr(...common);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stderr).toMatch(/^backend: wasm \(@tensorflow\/tfjs-backend-wasm /);
    expect(text.stderr).toContain(`curve written to ${out}`);
    expect(text.stdout).toContain('learning rate (log scale)');
    const rules = [['V', 'valley'], ['S', 'steepest'], ['M', 'min/10'], ['D', 'slide'], ['L', 'lightning'], ['3', 'min/3']];
    for (const [marker, rule] of rules) expect(text.stdout).toMatch(new RegExp(`^[ *] ${marker} ${rule} +\\d`, 'm'));
    expect(text.stdout).toContain('most negative slope of the smoothed loss against log10(lr)');
    expect(text.stdout).toContain('divided by 10');
    // Exactly one rule is starred, and one line says it is the one --lr auto takes, and why.
    const starred = text.stdout.split('\n').filter((line) => /^\* [A-Z3] /.test(line));
    expect(starred).toHaveLength(1);
    const autoLine = text.stdout.split('\n').filter((line) => line.startsWith('* run --lr auto takes '));
    expect(autoLine).toHaveLength(1);
    expect(autoLine[0]).toContain(`takes ${starred[0].slice(4).trim().split(' ')[0]} for sgd: `);

    const file = JSON.parse(readFileSync(out, 'utf8'));
    expect(file.kind).toBe('lr-range-test');
    expect(file.configuration).toMatchObject({ start: 1e-3, end: 10, steps: 60, mode: 'exp', optimizer: 'sgd', batchSize: 32, seed: 42, samples: 500 });
    expect(file.environment.backend).toBe('wasm');
    expect(file.curve[0]).toEqual({ step: 0, lr: 1e-3, loss: expect.any(Number), smoothedLoss: file.curve[0].loss });
    expect(file.suggestions.valley.lr).toBeGreaterThan(1e-3);
    expect(file.lrAuto.learningRate).toBe(file.suggestions[file.lrAuto.rule].lr);
    // Written atomically: no temporary file left beside it.
    expect(readdirSync(join(scratch, 'nested'))).toEqual(['curve.json']);

    const json = findLr(...common, '--json', '--quiet');
    expect(json.status, json.stderr).toBe(0);
    expect(json.stderr).toBe('');
    const printed = JSON.parse(json.stdout);
    expect(printed.curve).toEqual(file.curve);
    expect(printed.suggestions).toEqual(file.suggestions);
  });
});
