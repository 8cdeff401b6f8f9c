import { selectBackend, type BackendName } from './backend/select.js';
import type { RunTask } from './plan.js';
import { TaskRunner, type TrainingSetup } from './task-runner.js';
import { YieldToEventLoop } from './yield.js';
import type { EpochRecord } from '../results/results.js';
import type { RunResult } from '../results/results.js';
import { isUsageError } from '../errors.js';

/** Messages between the parent (parallel.ts) and a worker process. */
/** `run` sends one unit of work: one task, or the tasks of one cohort (engine.ts). */
export type ToWorker = { type: 'setup'; setup: TrainingSetup; backend: BackendName } | { type: 'run'; tasks: RunTask[] };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'epoch'; taskIndex: number; record: EpochRecord }
  | { type: 'done'; taskIndex: number; result: RunResult }
  | { type: 'failed'; message: string; usage: boolean };

function send(message: FromWorker): void {
  // After Ctrl-C the parent may be gone between two epochs: a message that cannot be sent is dropped
  // (the 'disconnect' handler ends us) rather than thrown as EPIPE onto the terminal.
  if (process.connected) process.send?.(message, undefined, undefined, () => undefined);
}

/** A worker process: sets up once, then trains the units it is sent (one run or one cohort), one at a time. */
async function serve(): Promise<void> {
  let runner: TaskRunner | undefined;
  let queue = Promise.resolve();
  // The parent going away (Ctrl-C, SIGTERM, a crash) ends the worker too.
  process.on('disconnect', () => process.exit(0));
  // Ctrl-C reaches the whole process group: the parent saves the results and then disconnects us.
  process.on('SIGINT', () => undefined);
  process.on('message', (message: ToWorker) => {
    queue = queue.then(async () => {
      try {
        if (message.type === 'setup') {
          await selectBackend(message.backend, { patchKernels: true });
          // Yielding lets the 'disconnect' handler stop a worker whose parent is gone, mid-run.
          runner = new TaskRunner(message.setup, [new YieldToEventLoop()]);
          send({ type: 'ready' });
        } else if (runner) {
          await runner.runCohort(
            message.tasks,
            (task, record) => send({ type: 'epoch', taskIndex: task.index, record }),
            (task, result) => send({ type: 'done', taskIndex: task.index, result }),
          );
          send({ type: 'ready' });
        }
      } catch (error) {
        send({ type: 'failed', message: error instanceof Error ? error.message : String(error), usage: isUsageError(error) });
      }
    });
  });
}

void serve();
