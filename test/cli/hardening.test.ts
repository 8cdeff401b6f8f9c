/**
 * Issue 11 beyond plain refusals: outputs that are devices, FIFOs or links,
 * a reader that closes the pipe, Ctrl-C during a custom schedule that never
 * returns, and histories too long to spread into Math.min/Math.max.
 */
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../src/results/results.js';
import { readResultsFile } from '../../src/results/results-file.js';
import { runLrCompare, temporaryFolder, TINY } from './helpers.js';

const BIN = resolve(__dirname, '../../bin/lr-compare');
const MODULES = resolve(__dirname, '../fixtures/schedules/modules');
const folder = temporaryFolder('lr-compare-hard-');
const shards = [join(folder, 'shard-1.json'), join(folder, 'shard-2.json')];
const BASE = ['run', '--epochs', '1', ...TINY, '--schedulers', 'step,none', '--quiet', '--no-chart', '--jobs', '1'];

beforeAll(async () => {
  for (const [index, out] of shards.entries()) {
    const result = await runLrCompare([...BASE, '--shard', `${index + 1}/2`, '--out', out]);
    expect(result.status, result.stderr).toBe(0);
  }
});

/** The merged file as merge writes it to a regular file: what a device, FIFO or link must receive too. */
async function mergedText(): Promise<string> {
  const out = join(folder, `reference-${Math.random().toString(36).slice(2)}.json`);
  expect((await runLrCompare(['merge', ...shards, '--out', out])).status).toBe(0);
  return readFileSync(out, 'utf8');
}

function withoutCreatedAt(text: string): unknown {
  const { createdAt: _createdAt, ...rest } = JSON.parse(text) as ResultsFile;
  return rest;
}

describe('output paths that are not regular files', () => {
  it('writes /dev/null as a device: it stays a character device', async () => {
    const result = await runLrCompare(['merge', ...shards, '--out', '/dev/null']);
    expect(result.status, result.stderr).toBe(0);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(readdirNames('/dev').some((name) => name.startsWith('.null.'))).toBe(false);
  });

  it('writes /dev/full directly: one line saying the device is full, exit 2, and /dev/full stays a device', async () => {
    const result = await runLrCompare(['merge', ...shards, '--out', '/dev/full']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('lr-compare: error: cannot write /dev/full: no space left on the device\n');
    expect(statSync('/dev/full').isCharacterDevice()).toBe(true);
  });

  it('follows a symbolic link: the target gets the results, the link stays a link', async () => {
    const target = join(folder, 'target.json');
    const link = join(folder, 'link.json');
    symlinkSync('target.json', link);
    const result = await runLrCompare(['merge', ...shards, '--out', link]);
    expect(result.status, result.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('target.json');
    expect(withoutCreatedAt(readFileSync(target, 'utf8'))).toEqual(withoutCreatedAt(await mergedText()));
  });

  it('writes into a FIFO for the process reading it, and the FIFO stays a FIFO', async () => {
    const fifo = join(folder, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo]);
    let received = '';
    reader.stdout.setEncoding('utf8').on('data', (chunk: string) => (received += chunk));
    const readerDone = new Promise((resolvePromise) => reader.on('close', resolvePromise));
    const result = await runLrCompare(['merge', ...shards, '--out', fifo]);
    const stillFifo = statSync(fifo).isFIFO();
    // A FIFO replaced by a file never gets a writer: stop the reader rather than wait for it.
    if (!stillFifo) reader.kill();
    await readerDone;
    expect(result.status, result.stderr).toBe(0);
    expect(stillFifo).toBe(true);
    expect(withoutCreatedAt(received)).toEqual(withoutCreatedAt(await mergedText()));
  });

  it('run --out /dev/null trains, prints, and leaves the device alone', async () => {
    const result = await runLrCompare([...BASE, '--schedulers', 'none', '--out', '/dev/null']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/│ none /);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });
});

function readdirNames(path: string): string[] {
  return spawnSync('ls', ['-a', path], { encoding: 'utf8' }).stdout.split('\n');
}

describe('a closed pipe', () => {
  it('ends quietly, as cat does, when the reader stops after 20 bytes', async () => {
    const child = spawn(process.execPath, [BIN, 'schedule', 'step', '--steps', '100000', '--json']);
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let read = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read >= 20) child.stdout.destroy();
    });
    const status = await new Promise<number | null>((resolvePromise) => child.on('close', resolvePromise));
    expect(read).toBeGreaterThanOrEqual(20);
    expect(stderr).toBe('');
    expect(status).toBe(0);
  });
});

describe('a custom schedule that never returns', () => {
  it('Ctrl-C still ends the run with 130 and a valid partial file holding the finished runs', async () => {
    const out = join(folder, 'interrupted.json');
    const loads = join(folder, 'loads.log');
    // The module hangs from its second load on: the check before training passes, the run of 'custom' hangs after 'none' finished.
    // One run at a time: a cohort builds every schedule of the repeat before it trains, so 'none' would never finish first.
    const args = [...BASE, '--engine', 'per-run', '--schedulers', 'none', '-s', `custom:module=${MODULES}/hangs-from-second-load.mjs`, '--out', out];
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LR_COMPARE_TEST_LOADS: loads, LR_COMPARE_CUSTOM_TIMEOUT: '600' } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const closed = new Promise<number | null>((resolvePromise) => child.on('close', resolvePromise));
    // Wait until 'none' has finished (the partial file holds it) and 'custom' hangs, then press Ctrl-C;
    // give up (SIGKILL) if SIGINT does not end it.
    const finishedRuns = () => {
      try {
        return (JSON.parse(readFileSync(out, 'utf8')) as ResultsFile).runs.length;
      } catch {
        return 0; // not written yet
      }
    };
    for (let waited = 0; finishedRuns() < 1 && waited < 60_000; waited += 100) await sleep(100);
    await sleep(1500);
    child.kill('SIGINT');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const status = await closed;
    clearTimeout(killer);
    expect(status, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted \(SIGINT\): 1 finished run\(s\) saved in .*interrupted\.json, marked incomplete/);
    const partial = readResultsFile(out);
    expect(partial.complete).toBe(false);
    expect(partial.runs.map((run) => run.label)).toEqual(['none']);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolvePromise) => setTimeout(resolvePromise, ms));
}

describe('long histories', () => {
  it('report draws a run of 130,000 epochs (Math.min(...values) overflowed the stack)', async () => {
    const results = JSON.parse(readFileSync(shards[0], 'utf8')) as { runs: { history: Record<string, number>[]; summary: Record<string, number> }[]; configuration: { epochs: number } };
    const [first] = results.runs[0]!.history;
    const epochs = 130_000;
    results.runs[0]!.history = Array.from({ length: epochs }, (_, index) => ({ ...first, epoch: index + 1, validationLoss: 1 + 1 / (index + 1) }));
    results.runs[0]!.summary.epochsRun = epochs;
    results.configuration.epochs = epochs;
    const file = join(folder, 'long.json');
    writeFileSync(file, JSON.stringify(results));
    const result = await runLrCompare(['report', file]);
    expect(result.stderr).not.toMatch(/RangeError|Maximum call stack/);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/validation loss/i);
  });
});
