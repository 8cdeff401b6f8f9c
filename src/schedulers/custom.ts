/**
 * A user's schedule function, loaded from a JavaScript module (like LambdaLR /
 * Keras' LearningRateScheduler).
 *
 * The module runs in a worker thread, never on the main thread: a function
 * that never returns would otherwise hang the run beyond the reach of Ctrl-C
 * and SIGTERM (their handlers are JavaScript and need the event loop). Every
 * step of the run is computed there once, while the main thread waits
 * asynchronously (so signals are handled) under a deadline; the worker is then
 * ended and the rates are read from the table. A step beyond the table (the
 * `schedule` command shown past the run it was built for, or a run longer than
 * LIMITS.scheduleSteps) is computed synchronously in blocks, still in a worker
 * and under the same deadline.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import { ScheduleSpecError, UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { readDecimal } from '../parse-number.js';
import { openInput } from '../read-input.js';
import { closeSync } from 'node:fs';
import type { SchedulerDefinition } from './definition.js';
import { stringParam } from './params.js';

/** What the module must export: the rate used during the schedule's step `step` (0-based). */
export type CustomScheduleFunction = (step: number, baseLr: number) => number;

/** Seconds the module has to load and return the rates of the run (LR_COMPARE_CUSTOM_TIMEOUT overrides). */
export const CUSTOM_TIMEOUT_SECONDS = 30;
const MAX_TIMEOUT_SECONDS = 3600;
/** Steps computed per synchronous call beyond the table. */
const BLOCK_STEPS = 4096;

function timeoutSeconds(): number {
  const text = process.env.LR_COMPARE_CUSTOM_TIMEOUT;
  if (text === undefined || text === '') return CUSTOM_TIMEOUT_SECONDS;
  const reading = readDecimal(text);
  if (!reading.ok || reading.value <= 0 || reading.value > MAX_TIMEOUT_SECONDS) {
    throw new ScheduleSpecError(`LR_COMPARE_CUSTOM_TIMEOUT must be seconds > 0 and <= ${MAX_TIMEOUT_SECONDS}, got '${text}'`, { code: 'custom-module', parameter: 'module' });
  }
  return reading.value;
}

/** What the worker answers for steps [from, to): the rates, or the first problem. */
type Outcome =
  | { readonly kind: 'rates'; readonly rates: Float64Array }
  | { readonly kind: 'returned'; readonly step: number; readonly description: string }
  | { readonly kind: 'threw'; readonly step: number; readonly message: string }
  | { readonly kind: 'load-failed'; readonly message: string }
  | { readonly kind: 'no-function' };

/**
 * The worker's code, CommonJS evaluated as a string so that it runs the same
 * from dist/ and from the TypeScript sources under vitest. It answers each
 * request on its port and then raises a flag, for a caller that waits with
 * Atomics.wait instead of the event loop.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, flag: flagBuffer, url } = workerData;
const flag = new Int32Array(flagBuffer);
const firstLine = (error) => String(error instanceof Error ? error.message : error).split('\\n')[0];
function describe(value) {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return "the string '" + value.slice(0, 40) + "'";
  if (typeof value === 'boolean') return 'the boolean ' + value;
  if (typeof value === 'bigint') return 'the bigint ' + value + 'n';
  if (value === undefined) return 'undefined (nothing)';
  if (value === null) return 'null';
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  return 'an object';
}
let schedule;
let problem;
const ready = import(url).then(
  (module) => {
    const candidate = typeof module.default === 'function' ? module.default : module.lr;
    if (typeof candidate === 'function') schedule = candidate;
    else problem = { kind: 'no-function' };
  },
  (error) => { problem = { kind: 'load-failed', message: firstLine(error) }; },
);
port.on('message', async ({ from, to, baseLr }) => {
  await ready;
  let reply = problem;
  if (!reply) {
    const rates = new Float64Array(to - from);
    reply = { kind: 'rates', rates };
    for (let step = from; step < to; step++) {
      let value;
      try {
        value = schedule(step, baseLr);
      } catch (error) {
        reply = { kind: 'threw', step, message: firstLine(error) };
        break;
      }
      if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
        reply = { kind: 'returned', step, description: describe(value) };
        break;
      }
      rates[step - from] = value;
    }
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

/** One worker thread with the module loaded in it. */
class ModuleWorker {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));

  constructor(url: string) {
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, flag: this.flag.buffer, url }, transferList: [port2] });
    // It must not keep the process alive, nor print a crash of its own on the parent's stderr.
    this.worker.unref();
    this.worker.on('error', () => undefined);
  }

  /** Waits on the event loop: Ctrl-C and SIGTERM are handled meanwhile. Null: the deadline passed. */
  async rates(from: number, to: number, baseLr: number, seconds: number): Promise<Outcome | null> {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ from, to, baseLr });
    return new Promise((resolvePromise) => {
      const timer = setTimeout(() => resolvePromise(null), seconds * 1000);
      this.port.once('message', (outcome: Outcome) => {
        clearTimeout(timer);
        resolvePromise(outcome);
      });
    });
  }

  /** Blocks the calling thread until the answer or the deadline. Null: the deadline passed. */
  ratesNow(from: number, to: number, baseLr: number, seconds: number): Outcome | null {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage({ from, to, baseLr });
    if (Atomics.wait(this.flag, 0, 0, seconds * 1000) === 'timed-out') return null;
    return (receiveMessageOnPort(this.port)?.message as Outcome | undefined) ?? null;
  }

  stop(): void {
    this.port.close();
    void this.worker.terminate();
  }
}

/** Checks the module file can be read, with the one-line messages of every file lr-compare reads. */
function checkModuleFile(modulePath: string, where: string): string {
  const absolute = resolve(modulePath);
  try {
    closeSync(openInput(absolute, 'custom schedule module'));
  } catch (error) {
    if (error instanceof UsageError && error.message.endsWith('no such file')) {
      throw new ScheduleSpecError(`${where}: module file '${modulePath}' not found (looked at ${absolute})`, { code: 'custom-module', parameter: 'module' });
    }
    throw new ScheduleSpecError(`${where}: ${error instanceof Error ? error.message : String(error)}`, { code: 'custom-module', parameter: 'module' });
  }
  return pathToFileURL(absolute).href;
}

function failure(outcome: Outcome | null, modulePath: string, where: string, from: number, to: number, seconds: number): ScheduleSpecError | null {
  if (outcome === null) {
    return new ScheduleSpecError(
      `${where}: module '${modulePath}' did not return the rates of steps ${from}..${to - 1} within ${seconds} s ` +
        '(a schedule must be a quick, pure function; LR_COMPARE_CUSTOM_TIMEOUT=<seconds> allows more)', { code: 'custom-module', parameter: 'module' });
  }
  switch (outcome.kind) {
    case 'rates':
      return null;
    case 'no-function':
      return new ScheduleSpecError(`${where}: module '${modulePath}' must export a function (step, baseLr) => lr as its default export or as 'lr'`, { code: 'custom-module', parameter: 'module' });
    case 'load-failed':
      return new ScheduleSpecError(`${where}: cannot load module '${modulePath}': ${outcome.message}`, { code: 'custom-module', parameter: 'module' });
    case 'threw':
      return new ScheduleSpecError(`${where}: module '${modulePath}' threw at step ${outcome.step}: ${outcome.message}`, { code: 'custom-module', parameter: 'module' });
    case 'returned':
      return new ScheduleSpecError(
        `${where}: module '${modulePath}' returned ${outcome.description} at step ${outcome.step}; it must return a positive finite number`, { code: 'custom-module', parameter: 'module' });
  }
}

export const customScheduler: SchedulerDefinition = {
  name: 'custom',
  summary: "Your own function (step, baseLr) => lr from a JavaScript module.",
  pytorch: 'torch.optim.lr_scheduler.LambdaLR (which multiplies; here the function returns the rate itself)',
  notes: [
    "module is a path (relative to the working directory) to an ES module whose default export, or export named 'lr', is (step, baseLr) => lr.",
    'step counts from 0 in the schedule\'s unit (after warmup); baseLr is the run\'s --lr. The function must be pure and return a positive finite number: lr-compare checks every step of the run before training and each call during it.',
  ],
  params: [
    { key: 'module', type: 'string', required: true, description: "Path to the JavaScript module (.js/.mjs) exporting the schedule." },
  ],
  async build({ params, baseLr, scheduleSteps, where }) {
    const modulePath = stringParam(params, 'module');
    const url = checkModuleFile(modulePath, where);
    const seconds = timeoutSeconds();
    const tableSteps = Math.max(1, Math.min(scheduleSteps, LIMITS.scheduleSteps));
    const loader = new ModuleWorker(url);
    let outcome: Outcome | null;
    try {
      outcome = await loader.rates(0, tableSteps, baseLr, seconds);
    } finally {
      loader.stop();
    }
    const problem = failure(outcome, modulePath, where, 0, tableSteps, seconds);
    if (problem) throw problem;
    const table = (outcome as { rates: Float64Array }).rates;

    // Steps past the table: computed on demand in blocks by a worker started then.
    let lateWorker: ModuleWorker | undefined;
    let block: { from: number; rates: Float64Array } | undefined;
    return {
      kind: 'closed-form',
      warmupTarget: baseLr,
      lrAt(step) {
        if (step < table.length) return table[step]!;
        if (block && step >= block.from && step < block.from + block.rates.length) return block.rates[step - block.from]!;
        lateWorker ??= new ModuleWorker(url);
        const from = step;
        const to = step + BLOCK_STEPS;
        let late = lateWorker.ratesNow(from, to, baseLr, seconds);
        // A problem later in the block is not this step's: keep the good steps before it, report it when it is asked for.
        if (late && (late.kind === 'returned' || late.kind === 'threw') && late.step > from) late = lateWorker.ratesNow(from, late.step, baseLr, seconds);
        const lateProblem = failure(late, modulePath, where, from, to, seconds);
        if (lateProblem) {
          lateWorker.stop();
          lateWorker = undefined;
          throw lateProblem;
        }
        block = { from, rates: (late as { rates: Float64Array }).rates };
        return block.rates[0]!;
      },
    };
  },
};
