/**
 * A problem with what the user asked for: bad option, bad spec, unreadable file.
 * The CLI prints its message alone (no stack trace) and exits with code 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** What was wrong with a schedule, for code that catches ScheduleSpecError and reacts to the kind. */
export type ScheduleErrorCode =
  /** No scheduler of that name in the registry. */
  | 'unknown-scheduler'
  /** The spec text does not follow `name:key=value,...`. */
  | 'syntax'
  /** A key the scheduler does not have. */
  | 'unknown-parameter'
  /** A parameter without default that was not given. */
  | 'missing-parameter'
  /** A value of the wrong type, out of range, or at odds with another parameter. */
  | 'invalid-value'
  /** The context (base rate, epochs, steps per epoch, warmup against the run) cannot hold the schedule. */
  | 'invalid-context'
  /** The schedule's values over the run are not usable rates (e.g. 0, NaN, past onecycle's total_steps). */
  | 'invalid-rate'
  /** A custom schedule's module cannot be loaded, or its function misbehaves. */
  | 'custom-module';

/**
 * A schedule that cannot be built: thrown by the library (`schedule`,
 * `schedules.*`, `learningRateScheduler`) and by the scheduler core under the
 * CLI. The message is one line naming what was wrong and what is allowed, the
 * same text the CLI prints; `code` and `parameter` say it to code.
 */
export class ScheduleSpecError extends Error {
  override readonly name = 'ScheduleSpecError';
  readonly code: ScheduleErrorCode;
  /** The parameter at fault (registry spelling, e.g. `step_size`), when one is. */
  readonly parameter: string | undefined;

  constructor(message: string, details: { readonly code: ScheduleErrorCode; readonly parameter?: string }) {
    super(message);
    this.code = details.code;
    this.parameter = details.parameter;
  }
}

/**
 * Bad input that the CLI reports in one line with exit code 2: its own
 * UsageErrors and the scheduler core's ScheduleSpecErrors.
 */
export function isUsageError(error: unknown): error is UsageError | ScheduleSpecError {
  return error instanceof UsageError || error instanceof ScheduleSpecError;
}
