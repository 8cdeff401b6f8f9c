import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, statSync, symlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../src/results/results.js';
import { runLrCompare, temporaryFolder, TINY } from './helpers.js';

const BIN = resolve(__dirname, '../../bin/lr-compare');

function readResults(path: string): ResultsFile {
  return JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
}

function untimed(results: ResultsFile) {
  return results.runs.map((run) => ({ label: run.label, history: run.history.map(({ seconds: _s, ...rest }) => rest), test: run.summary.testAccuracy }));
}

/** Starts a run, waits until its results file holds `runs` finished runs, then sends `signal`. */
function interruptAfter(args: string[], out: string, runs: number, signal: NodeJS.Signals): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--out', out]);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const poll = setInterval(() => {
      try {
        if (existsSync(out) && readResults(out).runs.length >= runs) {
          clearInterval(poll);
          child.kill(signal);
        }
      } catch {
        // Never half-written, but it may not exist yet.
      }
    }, 50);
    child.on('error', reject);
    child.on('close', (status) => {
      clearInterval(poll);
      resolvePromise({ status, stderr });
    });
  });
}

describe('interrupted runs, one run at a time', () => {
  const args = ['run', '--epochs', '4', '--samples', '2000', '--test-samples', '200', '--backend', 'wasm', '--schedulers', 'step,cosine,cyclic', '--no-chart', '--jobs', '1', '--engine', 'per-run'];

  it('Ctrl-C stops at once with exit 130, leaves a valid partial file, and --resume finishes it as if never stopped', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'results.json');
    const stopped = await interruptAfter(args, out, 1, 'SIGINT');
    expect(stopped.status).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted \(SIGINT\): 1 finished run\(s\) saved in .*results\.json, marked incomplete/);
    expect(stopped.stderr).toMatch(/resume with: lr-compare run .* --resume$/m);
    const partial = readResults(out);
    expect(partial.complete).toBe(false);
    expect(partial.runs.map((run) => run.label)).toEqual(['step']);
    expect(readdirSync(folder)).toEqual(['results.json']);

    const resumed = await runLrCompare([...args, '--quiet', '--out', out, '--resume']);
    expect(resumed.status, resumed.stderr).toBe(0);
    const finished = readResults(out);
    expect(finished.complete).toBe(true);
    expect(finished.runs[0]).toEqual(partial.runs[0]);

    const uninterrupted = join(folder, 'uninterrupted.json');
    expect((await runLrCompare([...args, '--quiet', '--out', uninterrupted])).status).toBe(0);
    expect(untimed(finished)).toEqual(untimed(readResults(uninterrupted)));
  });

  it('SIGTERM exits 143 with the partial file, also while worker processes train', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'results.json');
    const stopped = await interruptAfter([...args, '--jobs', '2'], out, 1, 'SIGTERM');
    expect(stopped.status).toBe(143);
    const partial = readResults(out);
    expect(partial.complete).toBe(false);
    expect(partial.runs.length).toBeGreaterThanOrEqual(1);
  });
});

describe('interrupted runs, cohorts (the runs of a repeat train together)', () => {
  const args = ['run', '--epochs', '4', '--samples', '2000', '--test-samples', '200', '--backend', 'wasm', '--schedulers', 'step,cosine,cyclic', '--no-chart', '--jobs', '1', '--repeats', '2', '--engine', 'cohort'];

  it('Ctrl-C saves every finished run of the finished cohorts, and --resume finishes the file as if never stopped', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'results.json');
    const stopped = await interruptAfter(args, out, 3, 'SIGINT');
    expect(stopped.status).toBe(130);
    expect(stopped.stderr).toMatch(/interrupted \(SIGINT\): 3 finished run\(s\) saved in .*results\.json, marked incomplete/);
    const partial = readResults(out);
    expect(partial.complete).toBe(false);
    expect(partial.runs.map((run) => `${run.label}#${run.repeat}`)).toEqual(['step#0', 'cosine#0', 'cyclic#0']);
    for (const run of partial.runs) expect(run.history).toHaveLength(4);

    const resumed = await runLrCompare([...args, '--quiet', '--out', out, '--resume']);
    expect(resumed.status, resumed.stderr).toBe(0);
    const finished = readResults(out);
    expect(finished.complete).toBe(true);
    expect(finished.runs.slice(0, 3)).toEqual(partial.runs);

    const uninterrupted = join(folder, 'uninterrupted.json');
    expect((await runLrCompare([...args, '--quiet', '--out', uninterrupted])).status).toBe(0);
    expect(untimed(finished)).toEqual(untimed(readResults(uninterrupted)));
  });

  it('SIGTERM exits 143 with the partial file while worker processes train cohorts', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'results.json');
    const stopped = await interruptAfter([...args, '--jobs', '2', '--repeats', '3'], out, 3, 'SIGTERM');
    expect(stopped.status).toBe(143);
    const partial = readResults(out);
    expect(partial.complete).toBe(false);
    expect(partial.runs.length).toBeGreaterThanOrEqual(3);
    expect(partial.runs.length).toBeLessThan(9);
  });
});

describe('divergence', () => {
  it('stops a run whose loss explodes, marks it diverged at that epoch, and goes on with the others', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'results.json');
    // cyclic sets its own rates (0.001 to 0.1), so only step feels --lr 50.
    const result = await runLrCompare(['run', '--lr', '50', '--epochs', '3', ...TINY, '--schedulers', 'step,cyclic', '--quiet', '--no-chart', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    const [step, cyclic] = readResults(out).runs;
    expect(step.summary.divergedAtEpoch).toBe(1);
    expect(step.history).toHaveLength(1);
    expect(cyclic.summary.divergedAtEpoch).toBeNull();
    expect(cyclic.history).toHaveLength(3);
    expect(result.stdout).toMatch(/step \(diverged at epoch 1\)/);
  });
});

/** A 32 KiB file system to fill up, when this machine lets the tests mount one (root, as in CI). */
function tinyFileSystem(): string | null {
  const folder = temporaryFolder('lr-compare-full-');
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=32k', 'tmpfs', folder]);
  return mounted.status === 0 ? folder : null;
}

const full = tinyFileSystem();
afterAll(() => {
  if (full) spawnSync('umount', [full]);
});

describe('out of disk', () => {
  // /dev/full fails every write with ENOSPC, and needs no mount. The output is a
  // link to it: a writer that replaced the link instead of writing through it
  // would leave /dev/full alone (and fail this test by exiting 0).
  it('on a device that is full: says so in one line, exits 2, prints nothing, leaves nothing behind', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'results.json');
    symlinkSync('/dev/full', out);
    const result = await runLrCompare(['run', '--epochs', '1', ...TINY, '--quiet', '--no-chart', '--jobs', '1', '--out', out]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`lr-compare: error: cannot write ${out}: no space left on the device\n`);
    expect(readdirSync(folder)).toEqual(['results.json']);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  // In CI (CI=true, root) the mount must work: a skip there would hide a broken test.
  const cannotMount = full === null && process.env.CI !== 'true';
  it.skipIf(cannotMount)(
    cannotMount ? 'SKIPPED: cannot mount a small tmpfs here (needs root; required when CI=true)' : 'on a full file system: says so in one line, exits 2, and leaves the last complete results file',
    async () => {
      expect(full, 'CI=true but a 32k tmpfs could not be mounted (run the tests as root)').not.toBeNull();
      const out = join(full as string, 'results.json');
      const result = await runLrCompare(['run', '--epochs', '2', ...TINY, '--quiet', '--no-chart', '--jobs', '1', '--out', out]);
      expect(result.status).toBe(2);
      expect(result.stderr).toBe(`lr-compare: error: cannot write ${out}: no space left on the device\n`);
      const last = readResults(out);
      expect(last.complete).toBe(false);
      expect(readdirSync(full as string)).toEqual(['results.json']);
    },
  );
});
