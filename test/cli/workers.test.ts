/**
 * Regression tests for the worker processes of `run --jobs` (landed fix
 * 4b228bd): a worker stops when its parent is gone, however the parent ended
 * (SIGTERM, Ctrl-C to the whole process group, SIGKILL, where the parent runs
 * no handler at all), and a worker ignores Ctrl-C itself: the parent decides.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../src/results/results.js';
import { temporaryFolder } from './helpers.js';

const BIN = resolve(__dirname, '../../bin/lr-compare');
const ARGS = ['run', '--epochs', '200', '--samples', '2000', '--test-samples', '100', '--backend', 'wasm', '--schedulers', 'step,cosine', '--no-chart', '--jobs', '2'];

/** The processes whose parent is `pid`, from /proc. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid ...: comm may hold spaces and parentheses.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

function alive(pid: number): boolean {
  // A zombie has exited; only its parent's wait is missing.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until<T>(what: string, probe: () => T | undefined, seconds = 90): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a run with two workers in its own process group and waits until both train. */
interface Started {
  readonly parent: ChildProcess;
  readonly workers: number[];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The progress lines (stderr) so far. */
  readonly stderr: () => string;
}

async function startWithWorkers(out: string): Promise<Started> {
  const parent = spawn(process.execPath, [BIN, ...ARGS, '--out', out], { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  parent.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => parent.on('exit', (code, signal) => r({ code, signal })));
  const workers = await until('two workers', () => {
    const children = childrenOf(parent.pid as number);
    return children.length === 2 ? children : undefined;
  });
  await until('the results file', () => (existsSync(out) ? true : undefined));
  // Both workers are past their start-up (their handlers are installed): each has finished an epoch.
  await until('an epoch of each run', () => (/\[1\/2\] step epoch 1\//.test(stderr) && /\[2\/2\] cosine epoch 1\//.test(stderr) ? true : undefined));
  return { parent, workers, exited, stderr: () => stderr };
}

describe('worker processes of run --jobs', () => {
  it.each([
    ['SIGTERM to the parent', (pid: number) => process.kill(pid, 'SIGTERM'), { code: 143, signal: null }],
    ['Ctrl-C (SIGINT to the whole process group)', (pid: number) => process.kill(-pid, 'SIGINT'), { code: 130, signal: null }],
    ['SIGKILL to the parent', (pid: number) => process.kill(pid, 'SIGKILL'), { code: null, signal: 'SIGKILL' }],
  ] as const)('after %s, no worker is left running', async (_what, stop, expected) => {
    const out = join(temporaryFolder(), 'results.json');
    const { parent, workers, exited } = await startWithWorkers(out);
    expect(workers.every(alive)).toBe(true);
    stop(parent.pid as number);
    expect(await exited).toEqual(expected);
    const orphans = await until('the workers to end', () => (workers.some(alive) ? undefined : []), 30).catch(() => workers.filter(alive));
    for (const pid of orphans) process.kill(pid, 'SIGKILL');
    expect(orphans).toEqual([]);
    if (expected.signal === null) expect((JSON.parse(readFileSync(out, 'utf8')) as ResultsFile).complete).toBe(false);
  });

  it('a worker ignores Ctrl-C sent to it alone and goes on training', async () => {
    const out = join(temporaryFolder(), 'results.json');
    const { parent, workers, exited, stderr } = await startWithWorkers(out);
    process.kill(workers[0], 'SIGINT');
    const linesBefore = stderr().split('\n').length;
    // Both runs go on: two more epoch lines of each after the signal.
    await until('more epochs of both runs', () => {
      const later = stderr().split('\n').slice(linesBefore);
      return later.filter((line) => line.startsWith('[1/2]')).length >= 2 && later.filter((line) => line.startsWith('[2/2]')).length >= 2 ? true : undefined;
    }).catch(() => undefined);
    const stillAlive = workers.map(alive);
    if (alive(parent.pid as number)) process.kill(parent.pid as number, 'SIGTERM');
    await exited;
    expect(stillAlive).toEqual([true, true]);
    expect(stderr()).not.toMatch(/worker ended|Error/);
  });
});
