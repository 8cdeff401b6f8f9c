import type * as tf from '@tensorflow/tfjs';
import { YieldToEventLoop } from '../train/yield.js';
import { writeFileAtomic } from '../report/atomic.js';
import { resultsJson, type ResultsFile } from '../results/results.js';
import { stopLiveOutput } from '../report/live.js';

export interface InterruptHandler {
  /** The newest results; written, marked incomplete, when a signal arrives (unless `current` is set). */
  latest: ResultsFile | undefined;
  /**
   * Builds the results of the moment the signal arrives, with the epochs of
   * the runs still training (the comparison's `onSnapshot`); preferred to `latest`.
   */
  current: (() => ResultsFile) | undefined;
  readonly callback: tf.Callback;
  remove(): void;
}

const EXIT_CODES: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * On Ctrl-C (SIGINT) or SIGTERM: stop at once, leave a valid partial results
 * file (the finished runs, and the finished epochs of the runs still
 * training), say how to resume, exit 130 or 143.
 */
export function installInterruptHandler(options: { out: string; resumeHint: string }): InterruptHandler {
  const handler: InterruptHandler = {
    latest: undefined,
    current: undefined,
    callback: new YieldToEventLoop(),
    remove: () => {
      for (const signal of Object.keys(EXIT_CODES)) process.off(signal, listeners[signal as keyof typeof EXIT_CODES]);
    },
  };
  const onSignal = (signal: keyof typeof EXIT_CODES) => {
    let latest = handler.latest;
    try {
      latest = handler.current?.() ?? latest;
    } catch {
      // The finished runs (written after each one) are still worth saving.
    }
    if (latest) {
      try {
        writeFileAtomic(options.out, resultsJson({ ...latest, complete: false }));
      } catch (error) {
        // Still one line and the signal's exit code: the handler must not end in a stack trace.
        process.stderr.write(`\ninterrupted (${signal}): ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(EXIT_CODES[signal]);
      }
    }
    const finished = latest?.runs.length ?? 0;
    const unfinished = latest?.unfinishedRuns?.length ?? 0;
    // The message goes below the last finished run, not into a half-drawn progress block; the cursor comes back.
    stopLiveOutput();
    process.stderr.write(
      `\ninterrupted (${signal}): ${finished} finished run(s) saved in ${options.out}, marked incomplete.\n` +
        (unfinished > 0 ? `also saved: the finished epochs of ${unfinished} unfinished run(s) (unfinishedRuns); --resume trains them again from epoch 1.\n` : '') +
        `resume with: lr-compare ${options.resumeHint}\n`,
    );
    process.exit(EXIT_CODES[signal]);
  };
  const listeners = { SIGINT: () => onSignal('SIGINT'), SIGTERM: () => onSignal('SIGTERM') };
  for (const signal of Object.keys(EXIT_CODES) as (keyof typeof EXIT_CODES)[]) process.on(signal, listeners[signal]);
  return handler;
}
