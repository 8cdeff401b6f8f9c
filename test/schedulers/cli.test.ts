/**
 * The schedule and schedules commands through the built CLI (bin/lr-compare ->
 * dist/cli.js). `npm test` runs tsc before vitest, so dist is current.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/lr-compare');

function lrCompare(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, COLUMNS: '80' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function jsonRates(...args: string[]): { spec: string; lr: number[] } {
  const result = lrCompare('schedule', ...args, '--json');
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return JSON.parse(result.stdout) as { spec: string; lr: number[] };
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm test`, which builds with tsc first');
});

describe('lr-compare schedule', () => {
  it('draws the warmup-stable-decay schedule people ask for, as transformers computes it (golden fixture)', () => {
    const spec = 'wsd:num_warmup_steps=10,num_stable_steps=60,num_decay_steps=30';
    const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/schedules/wsd.json'), 'utf8')) as { cases: { spec: string; lr: number[] }[] };
    const golden = fixture.cases.find((candidate) => candidate.spec === spec)!;
    const { lr } = jsonRates(spec, '--steps', '100');
    expect(lr).toHaveLength(100);
    lr.forEach((rate, step) => expect(Math.abs(rate - golden.lr[step]!), `step ${step}`).toBeLessThanOrEqual(1e-9 * golden.lr[step]! + 1e-15));
    const chart = lrCompare('schedule', spec, '--steps', '100');
    expect(chart.status).toBe(0);
    expect(chart.stdout).toContain(`${spec}: learning rate per epoch, steps 0..99`);
  });

  it('with --optimizer momentum adds the momentum cyclic and onecycle cycle, as PyTorch cycles it (golden fixtures); plain sgd gets none', () => {
    for (const [scheduler, spec, steps] of [
      ['cyclic', 'cyclic:step_size_up=5,step_size_down=7', 40],
      ['onecycle', 'onecycle', 50],
    ] as const) {
      type Case = { spec: string; optimizer?: string; lr: number[]; momentum?: number[] };
      const fixture = JSON.parse(readFileSync(join(ROOT, `test/fixtures/schedules/${scheduler}.json`), 'utf8')) as { cases: Case[] };
      const golden = fixture.cases.find((candidate) => candidate.spec === spec && candidate.optimizer === 'momentum')!;
      const result = lrCompare('schedule', spec, '--steps', String(steps), '--optimizer', 'momentum', '--json');
      expect(result.status).toBe(0);
      const { lr, momentum } = JSON.parse(result.stdout) as { lr: number[]; momentum?: number[] };
      expect(momentum).toHaveLength(steps);
      lr.forEach((rate, step) => expect(Math.abs(rate - golden.lr[step]!), `lr at ${step}`).toBeLessThanOrEqual(1e-9 * golden.lr[step]! + 1e-15));
      momentum!.forEach((value, step) => expect(Math.abs(value - golden.momentum![step]!), `momentum at ${step}`).toBeLessThanOrEqual(1e-9 * golden.momentum![step]!));
      expect(Object.keys(jsonRates(spec, '--steps', String(steps)))).toEqual(['spec', 'lr']);
    }
    expect(lrCompare('schedule', 'cyclic:optimizer=lion', '--steps', '3').stderr).toMatch(/optimizer must be one of sgd, momentum, adam, rmsprop, adamw, schedulefree_sgd, schedulefree_adamw, got 'lion'/);
  });

  it('takes composite specs, whose parts keep their own : , and |', () => {
    const { lr } = jsonRates('sequential(multistep:milestones=1|2,gamma=0.5; constant:factor=0.25,total_iters=1):milestones=3', '--steps', '5');
    expect(lr).toEqual([0.1, 0.05, 0.025, 0.025, 0.1]);
    const bad = lrCompare('schedule', 'sequential(step; cosine):milestones=2|3', '--steps', '5');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('milestones needs one entry fewer than the parts (2 parts, 2 milestones)');
  });

  it('prints {"spec", "lr"} with --json', () => {
    const result = lrCompare('schedule', 'step:step_size=2,gamma=0.5', '--steps', '5', '--json');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('{"spec": "step:step_size=2,gamma=0.5", "lr": [0.1, 0.1, 0.05, 0.05, 0.025]}\n');
  });

  it('takes --lr, and defaults the run to --steps steps (cosine reaches eta_min on the last+1 step)', () => {
    const { lr } = jsonRates('cosine', '--steps', '10', '--lr', '0.5');
    expect(lr[0]).toBe(0.5);
    expect(lr[5]).toBeCloseTo(0.25, 15);
  });

  it('builds for a longer or shorter run with --epochs (showing past t_max)', () => {
    const { lr } = jsonRates('cosine', '--steps', '30', '--epochs', '10');
    expect(lr[10]).toBeCloseTo(0, 15);
    expect(lr[20]).toBeCloseTo(0.1, 15);
  });

  it('counts batches for unit=batch', () => {
    const { lr } = jsonRates('onecycle:unit=batch', '--steps', '100', '--epochs', '4');
    expect(lr).toHaveLength(100);
    expect(lr[0]).toBeCloseTo(0.004, 15);
  });

  it('feeds --metrics to plateau', () => {
    const { lr } = jsonRates('plateau:patience=0', '--steps', '4', '--metrics', '1,1,1');
    expect(lr).toEqual([0.1, 0.1, 0.05, 0.025]);
  });

  it('draws a chart with axis labels and first/last values', () => {
    const result = lrCompare('schedule', 'exponential', '--steps', '40');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('exponential: learning rate per epoch, steps 0..39');
    expect(result.stdout).toContain('learning rate\n');
    expect(result.stdout).toMatch(/ 0\.1┼/);
    expect(result.stdout).toMatch(/epoch 0 +5 +10 +15 +20 +25 +30 +35\n/);
    expect(result.stdout).toMatch(/─── exponential 0\.0135\n/);
    expect(result.stdout).toContain('first: lr 0.1 at epoch 0');
    expect(result.stdout).toContain(`last:  lr ${0.1 * 0.95 ** 39} at epoch 39`);
  });

  it('samples long schedules to the terminal width', () => {
    const result = lrCompare('schedule', 'cyclic', '--steps', '1000');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('cyclic: learning rate per epoch, steps 0..999');
    expect(result.stdout).toContain('learning rate, log scale');
    for (const line of result.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it.each([
    [['step:gamma=0', '--steps', '5'], "scheduler 'step': gamma must be > 0, got 0"],
    [['stepp', '--steps', '5'], "unknown scheduler 'stepp'"],
    [['onecycle:total_steps=5', '--steps', '10'], 'total_steps=5 is smaller than the 10 steps'],
    [['plateau', '--steps', '5'], 'needs a metric for each of the first 4 steps'],
    [['cosine', '--steps', '5', '--metrics', '1,2'], '--metrics only feeds metric-driven schedulers'],
    [['custom:module=test/fixtures/schedules/modules/negative-at-step-5.mjs', '--steps', '10'], 'returned -0.1 at step 5'],
  ])('exits 2 with one line for bad input: %j', (args, message) => {
    const result = lrCompare('schedule', ...args);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.startsWith('lr-compare: error: ')).toBe(true);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 on a bad option value', () => {
    expect(lrCompare('schedule', 'step', '--steps', '0').status).toBe(2);
    expect(lrCompare('schedule', 'plateau', '--steps', '3', '--metrics', '1,x').status).toBe(2);
    expect(lrCompare('schedule', 'step').status).toBe(2);
  });

  it('documents the run-dependent defaults and the catalogue in --help', () => {
    const result = lrCompare('schedule', '--help');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--epochs <n>');
    expect(result.stdout).toContain('Run-dependent defaults');
    expect(result.stdout).toContain("Schedulers by origin (* = in 'all'");
  });
});

describe('lr-compare schedules', () => {
  it('lists the catalogue', () => {
    const result = lrCompare('schedules');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('step - Multiplies the rate by gamma every step_size steps.');
    expect(result.stdout).toContain('Every scheduler also takes:');
  });

  it('prints docs/schedulers.md with --markdown', () => {
    const result = lrCompare('schedules', '--markdown');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(readFileSync(join(ROOT, 'docs/schedulers.md'), 'utf8'));
  });
});
