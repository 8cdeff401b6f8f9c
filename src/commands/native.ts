import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describeNativeStatus, nativeLocations, nativeStatus } from '../native/status.js';
import { tryBackend } from '../train/backend/select.js';

/**
 * Runs the shipped provisioning script (the same one `npm install` runs as
 * postinstall) for this installed lr-compare; resolves with its exit code.
 * Ctrl-C reaches the script too (same process group): it stops its step,
 * cleans up and says so, and this process waits for that instead of dying first.
 */
function runProvisioning(force: boolean): Promise<number> {
  const where = nativeLocations();
  if (!existsSync(where.script)) {
    process.stderr.write(`lr-compare native install: ${where.script} is missing from this lr-compare package; reinstall lr-compare\n`);
    return Promise.resolve(1);
  }
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [where.script, '--package-dir', where.packageDir, ...(force ? ['--force'] : [])], { stdio: 'inherit' });
    // Passed on for a signal sent to this process alone (kill); the script ignores the repeat from a terminal's Ctrl-C.
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const done = (code: number) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code);
    };
    child.on('error', (error) => {
      process.stderr.write(`lr-compare native install: cannot start node: ${error.message}\n`);
      done(1);
    });
    child.on('close', (code, signal) => done(code ?? (signal === 'SIGINT' ? 130 : 1)));
  });
}

export function register(program: Command): void {
  const native = program
    .command('native')
    .description('provision or inspect the native TensorFlow backend (@tensorflow/tfjs-node)');
  native
    .command('install')
    .description("build tfjs-node against PyPI's tensorflow-cpu wheel (downloads about 200 MB once, cached); exit 1 when the environment is at fault, 2 when the input is")
    .option('--force', 'rebuild even if the backend already loads')
    .action(async (options: { force?: boolean }) => {
      process.exitCode = await runProvisioning(options.force === true);
    });
  native
    .command('status')
    .description('say whether the native backend loads, where its pieces are and how to remove them; exit 0 when it loads, 1 when not')
    .action(async () => {
      const failure = await tryBackend('tensorflow');
      process.stdout.write(`${describeNativeStatus(nativeStatus(), failure).join('\n')}\n`);
      process.exitCode = failure === undefined ? 0 : 1;
    });
}
