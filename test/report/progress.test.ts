import { describe, expect, it } from 'vitest';
import { stopLiveOutput, createTaskProgress } from '../../src/report/live.js';
import { MAX_RUN_LINES, ProgressReporter } from '../../src/report/progress.js';
import type { RunResult, RunSummary } from '../../src/results/results.js';
import { parseSchedulerSpec } from '../../src/schedulers/index.js';
import type { EpochRecord } from '../../src/results/results.js';
import type { RunTask } from '../../src/train/plan.js';
import { VirtualTerminal } from './virtual-terminal.js';

const EPOCHS = 30;

function task(index: number, spec: string, repeat = 0): RunTask {
  return { index, repeat, seed: 42 + repeat, spec: parseSchedulerSpec(spec) };
}

function record(epoch: number, learningRate: number): EpochRecord {
  return { epoch, learningRate, loss: 1 / epoch, accuracy: 0.5, validationLoss: 1.1 / epoch, validationAccuracy: 0.8 + epoch / 200, seconds: 0.1 };
}

function result(spec: RunTask, epochs: number, divergedAtEpoch: number | null = null): RunResult {
  const history = Array.from({ length: epochs }, (_, i) => record(i + 1, 0.1));
  const summary = { epochsRun: epochs, bestValidationAccuracy: 0.9, divergedAtEpoch, seconds: 12.5 } as unknown as RunSummary;
  return { label: spec.spec.label, scheduler: spec.spec.name, spec: spec.spec.spec, params: {}, repeat: spec.repeat, seed: spec.seed, history, summary };
}

/** The width-checking and in-place checks after every event of a comparison. */
function expectBlock(terminal: VirtualTerminal, finishedLines: readonly string[], running: ReadonlyMap<string, number>, runs: { done: number; total: number }) {
  expect(terminal.overflows, `text past column ${terminal.columns}`).toEqual([]);
  const rows = terminal.text();
  for (const row of rows) expect(row.length).toBeLessThanOrEqual(terminal.columns - 1);
  // Finished results stay on top, in order, each once; below them the block: a line per run, then the overall line.
  expect(rows.slice(0, finishedLines.length)).toEqual(finishedLines);
  const block = rows.slice(finishedLines.length);
  expect(block).toHaveLength(running.size + 1);
  // The cursor waits on the line below the block: the block was redrawn where it was, it did not move down.
  expect(terminal.row).toBe(rows.length);
  const labels = [...running.keys()];
  block.slice(0, -1).forEach((line, i) => {
    // Long labels are cut (at 28 columns) in the live block.
    expect(line).toContain(labels[i].slice(0, 20));
    expect(Number(/epoch\s+(\d+)\/30/.exec(line)?.[1])).toBe(running.get(labels[i]));
  });
  expect(block[block.length - 1]).toContain(`${runs.done}/${runs.total} runs done`);
}

describe('live progress on a terminal', () => {
  it.each([60, 80, 120])('three parallel runs on a %i-column terminal: every line fits, the block is redrawn in place', (columns) => {
    const terminal = new VirtualTerminal(columns);
    const reporter = new ProgressReporter(terminal, EPOCHS, false, { env: {} });
    const tasks = [task(0, 'step'), task(1, 'exponential'), task(2, 'cosine:label=cosine with a rather long label'), task(3, 'onecycle')];
    reporter.start(tasks.length, 0);
    const running = new Map<string, number>();
    const finished: string[] = [];
    const done = { done: 0, total: tasks.length };
    const begin = (t: RunTask) => {
      reporter.runStarted(t);
      running.set(t.spec.label, 0);
      expectBlock(terminal, finished, running, done);
    };
    const finish = (t: RunTask, epochs: number, diverged: number | null = null) => {
      reporter.runFinished(t, result(t, epochs, diverged));
      running.delete(t.spec.label);
      done.done += 1;
      // The run's line became a result line above the block.
      const rows = terminal.text();
      const line = rows[finished.length];
      expect(line).toMatch(new RegExp(`^[✓✗] \\[\\d/4\\] ${t.spec.label.slice(0, 12)}`));
      finished.push(line);
      expectBlock(terminal, finished, running, done);
    };
    for (const t of tasks.slice(0, 3)) begin(t);
    for (let epoch = 1; epoch <= EPOCHS; epoch++) {
      for (const t of tasks.slice(0, 3)) {
        if (!running.has(t.spec.label)) continue;
        reporter.epoch(t, record(epoch, 0.1 / epoch));
        running.set(t.spec.label, epoch);
        expectBlock(terminal, finished, running, done);
      }
      if (epoch === 10) {
        finish(tasks[1], 10, 10);
        begin(tasks[3]);
      }
      if (epoch > 10 && epoch <= 20) {
        reporter.epoch(tasks[3], record(epoch - 10, 0.05));
        running.set(tasks[3].spec.label, epoch - 10);
        expectBlock(terminal, finished, running, done);
      }
      if (epoch === 20) finish(tasks[3], 10);
    }
    finish(tasks[0], EPOCHS);
    finish(tasks[2], EPOCHS);
    expect(finished[0]).toContain('diverged at epoch 10');
    expect(finished[1]).toContain('best val acc 90.00%');
    expect(terminal.cursorHidden).toBe(true);
    reporter.stop();
    expect(terminal.text()).toEqual(finished);
    expect(terminal.cursorHidden).toBe(false);
    expect(terminal.overflows).toEqual([]);
    // Redrawn in place: every line drawn below the finished results was moved back over.
    expect(terminal.newlines - terminal.linesUp + terminal.linesDown).toBe(finished.length);
  });

  it('fits the new width after a resize', () => {
    const terminal = new VirtualTerminal(120);
    const reporter = new ProgressReporter(terminal, EPOCHS, false, { env: {} });
    const tasks = [task(0, 'step'), task(1, 'exponential')];
    reporter.start(2, 0);
    for (const t of tasks) reporter.runStarted(t);
    for (const t of tasks) reporter.epoch(t, record(1, 0.1));
    const wide = terminal.text();
    expect(Math.max(...wide.map((line) => line.length))).toBeGreaterThan(60);
    terminal.resize(60);
    expect(terminal.overflows).toEqual([]);
    const narrow = terminal.text();
    expect(narrow).toHaveLength(3);
    for (const line of narrow) expect(line.length).toBeLessThanOrEqual(59);
    expect(narrow[0]).toContain('step');
    reporter.stop();
  });

  it('shows at most MAX_RUN_LINES runs and counts the others (sweeps)', () => {
    const terminal = new VirtualTerminal(80);
    const reporter = new ProgressReporter(terminal, EPOCHS, false, { env: {} });
    const count = 20;
    reporter.start(50, 3);
    for (let i = 0; i < count; i++) reporter.runStarted(task(i, `step:step_size=${i + 1}`));
    const rows = terminal.text();
    expect(rows).toHaveLength(MAX_RUN_LINES + 1);
    expect(rows[MAX_RUN_LINES - 1]).toContain(`… and ${count - (MAX_RUN_LINES - 1)} more running`);
    expect(rows[MAX_RUN_LINES]).toContain('3/50 runs done');
    reporter.stop();
  });

  it('stopLiveOutput (the interrupt handler) erases the block and shows the cursor', () => {
    const terminal = new VirtualTerminal(80);
    const reporter = new ProgressReporter(terminal, EPOCHS, false, { env: {} });
    const t = task(0, 'step');
    reporter.start(2, 0);
    reporter.runStarted(t);
    reporter.epoch(t, record(1, 0.1));
    expect(terminal.text()).toHaveLength(2);
    stopLiveOutput();
    expect(terminal.text()).toEqual([]);
    expect(terminal.cursorHidden).toBe(false);
    expect(terminal.row).toBe(0);
    // A late epoch (a worker's message already on its way) does not draw the block again.
    reporter.epoch(t, record(2, 0.1));
    expect(terminal.text()).toEqual([]);
    reporter.stop();
  });

  it('NO_COLOR: redrawn in place without colour codes; colour otherwise', () => {
    for (const [env, colored] of [[{ NO_COLOR: '1' }, false], [{}, true]] as const) {
      const terminal = new VirtualTerminal(80);
      const reporter = new ProgressReporter(terminal, EPOCHS, false, { env });
      const t = task(0, 'step');
      reporter.start(1, 0);
      reporter.epoch(t, record(1, 0.1));
      reporter.epoch(t, record(2, 0.1));
      expect(terminal.writes.join('').includes('\x1b[36m')).toBe(colored);
      expect(terminal.text()).toHaveLength(2);
      reporter.stop();
    }
  });
});

describe('progress in logs', () => {
  const plainTarget = (isTTY: boolean) => {
    const writes: string[] = [];
    return { writes, target: { isTTY, columns: 80, write: (text: string) => writes.push(text) } };
  };

  it.each([
    ['not a terminal', false, {}],
    ['TERM=dumb', true, { TERM: 'dumb' }],
  ] as const)('%s: one plain line per epoch, no escape codes', (_, isTTY, env) => {
    const { writes, target } = plainTarget(isTTY);
    const reporter = new ProgressReporter(target, 3, false, { env });
    const tasks = [task(0, 'step'), task(1, 'cosine')];
    reporter.start(2, 0);
    for (const t of tasks) reporter.runStarted(t);
    for (let epoch = 1; epoch <= 3; epoch++) for (const t of tasks) reporter.epoch(t, record(epoch, 0.1));
    for (const t of tasks) reporter.runFinished(t, result(t, 3));
    reporter.stop();
    const text = writes.join('');
    expect(text).not.toContain('\x1b');
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[5]).toMatch(/^\[2\/2\] cosine epoch 3\/3 lr 0\.1 loss .* val_acc .* ETA /);
  });

  it('--quiet writes nothing', () => {
    const { writes, target } = plainTarget(true);
    const reporter = new ProgressReporter(target, 3, true, { env: {} });
    const t = task(0, 'step');
    reporter.start(1, 0);
    reporter.runStarted(t);
    reporter.epoch(t, record(1, 0.1));
    reporter.runFinished(t, result(t, 1));
    reporter.stop();
    expect(writes).toEqual([]);
  });
});

describe('one-task progress (downloads, range tests)', () => {
  it.each([60, 80, 120])('a bar that fits %i columns, then a result line that stays', (columns) => {
    const terminal = new VirtualTerminal(columns);
    const progress = createTaskProgress({ label: 'downloading libtensorflow', total: 50e6, unit: 'bytes', stream: terminal, env: {} });
    for (let received = 0; received <= 50e6; received += 5e6) {
      progress.update(received);
      expect(terminal.overflows).toEqual([]);
      expect(terminal.text()).toHaveLength(1);
      expect(terminal.text()[0]).toContain(`${(received / 1e6).toFixed(1)}/50.0 MB`);
    }
    progress.finish('downloaded libtensorflow (50.0 MB)');
    expect(terminal.text()).toEqual(['downloaded libtensorflow (50.0 MB)']);
    expect(terminal.cursorHidden).toBe(false);
  });

  it('in a log: a line per quarter and the result', () => {
    const writes: string[] = [];
    const progress = createTaskProgress({ label: 'range test', total: 100, stream: { isTTY: false, write: (text: string) => writes.push(text) } });
    for (let step = 1; step <= 100; step++) progress.update(step);
    progress.finish('range test done');
    expect(writes.join('')).toBe('range test: 25/100\nrange test: 50/100\nrange test: 75/100\nrange test done\n');
  });
});
