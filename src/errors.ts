/**
 * A problem with what the user asked for: bad option, bad spec, unreadable file.
 * The CLI prints its message alone (no stack trace) and exits with code 2.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

export function isUsageError(error: unknown): error is UsageError {
  return error instanceof UsageError;
}
