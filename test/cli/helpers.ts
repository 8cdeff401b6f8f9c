import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(__dirname, '../../bin/lr-compare');

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built CLI (npm test compiles it first) as a user would. */
export function lrCompare(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    timeout: 300_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function temporaryFolder(prefix = 'lr-compare-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A tiny but real training configuration: hundreds of samples, a few epochs. */
export const TINY = ['--samples', '600', '--test-samples', '200', '--backend', 'wasm'] as const;
