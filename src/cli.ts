import { Command, CommanderError } from 'commander';
import { isUsageError } from './errors.js';
import { LR_COMPARE_VERSION } from './version.js';
import { register as registerRun } from './commands/run.js';
import { register as registerSchedule } from './commands/schedule.js';
import { register as registerSchedules } from './commands/schedules.js';
import { register as registerFindLr } from './commands/find-lr.js';
import { register as registerReport } from './commands/report.js';
import { register as registerCheck } from './commands/check.js';
import { register as registerCompare } from './commands/compare.js';
import { register as registerMerge } from './commands/merge.js';
import { register as registerDoctor } from './commands/doctor.js';
import { register as registerNative } from './commands/native.js';

/** Commander wiring only: each command lives in src/commands/ and registers itself here. */
export function buildProgram(): Command {
  const program = new Command('lr-compare')
    .description('Which learning-rate scheduler should I use, and is the difference real?')
    .version(LR_COMPARE_VERSION)
    .exitOverride()
    // Commander puts "(Did you mean --epochs?)" on a line of its own; keep bad input to one line.
    .configureOutput({ outputError: (text, write) => write(text.replace(/\n\((Did you mean [^)]*)\)/, ' ($1)')) });
  registerRun(program);
  registerSchedule(program);
  registerSchedules(program);
  registerFindLr(program);
  registerReport(program);
  registerCheck(program);
  registerCompare(program);
  registerMerge(program);
  registerDoctor(program);
  registerNative(program);
  return program;
}

/** Runs the CLI; bad input exits 2 with one line, anything else is a bug and keeps its stack trace. */
export async function main(argv: string[]): Promise<void> {
  endQuietlyOnClosedPipe();
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its message; help and version are not errors.
      process.exitCode = error.exitCode === 0 ? 0 : 2;
      return;
    }
    if (isUsageError(error)) {
      process.stderr.write(`lr-compare: error: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}

/**
 * `lr-compare schedule ... --json | head -c 20`: when the reader closes the
 * pipe, stop as `cat` does, without a message (exit 0: the reader had what it
 * wanted). Any other stream error is still a bug and is rethrown.
 */
function endQuietlyOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
}
