import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../results/results.js';
import type { BackendName } from './backend/select.js';
import type { EpochRecord } from '../results/results.js';
import type { RunTask } from './plan.js';
import type { TrainingSetup } from './task-runner.js';
import type { FromWorker, ToWorker } from './worker.js';
import { UsageError } from '../errors.js';

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

export interface ParallelHooks {
  readonly onRunStarted?: (task: RunTask) => void;
  readonly onEpochEnd?: (task: RunTask, record: EpochRecord) => void;
  readonly onRunFinished?: (task: RunTask, result: RunResult) => void;
}

/**
 * Trains the units of work (one task, or the tasks of a cohort, see
 * engine.ts) in `jobs` worker processes, each taking the next unit when it
 * finishes one. Every run is computed exactly as in one process (same code,
 * same seeds, same backend, same units), so results do not depend on `jobs`.
 * The native library gets one thread per worker so the workers do not fight
 * over cores.
 */
export async function runInWorkers(
  setup: TrainingSetup,
  backend: BackendName,
  units: readonly (readonly RunTask[])[],
  jobs: number,
  hooks: ParallelHooks = {},
): Promise<void> {
  const tasks = units.flat();
  const queue = [...units];
  const byIndex = new Map(tasks.map((task) => [task.index, task]));
  const workers: ChildProcess[] = [];
  const env = { ...process.env, TF_NUM_INTRAOP_THREADS: '1', TF_NUM_INTEROP_THREADS: '1', TF_CPP_MIN_LOG_LEVEL: process.env.TF_CPP_MIN_LOG_LEVEL ?? '2' };
  try {
    await Promise.all(
      Array.from({ length: Math.min(jobs, units.length) }, () =>
        new Promise<void>((resolve, reject) => {
          const worker = fork(WORKER, [], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
          workers.push(worker);
          let finished = false;
          const next = () => {
            const unit = queue.shift();
            if (!unit) {
              finished = true;
              worker.disconnect();
              resolve();
              return;
            }
            for (const task of unit) hooks.onRunStarted?.(task);
            worker.send({ type: 'run', tasks: [...unit] } satisfies ToWorker);
          };
          worker.on('message', (message: FromWorker) => {
            // 'ready' comes once set up and again after each unit.
            if (message.type === 'ready') next();
            else if (message.type === 'epoch') hooks.onEpochEnd?.(byIndex.get(message.taskIndex) as RunTask, message.record);
            else if (message.type === 'done') hooks.onRunFinished?.(byIndex.get(message.taskIndex) as RunTask, message.result);
            else reject(message.usage ? new UsageError(message.message) : new Error(`a worker failed: ${message.message}`));
          });
          // A worker that ends before it was told there is nothing left has lost its runs.
          worker.on('exit', (code, signal) => {
            if (!finished) reject(new Error(`a worker ended before finishing its runs (${signal ?? `exit code ${code}`})`));
          });
          worker.send({ type: 'setup', setup, backend } satisfies ToWorker);
        }),
      ),
    );
  } finally {
    for (const worker of workers) if (worker.connected) worker.kill();
  }
}
