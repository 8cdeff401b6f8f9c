/**
 * The one assertion for "bad input was refused cleanly", shared by every
 * bad-input case: exit code 2, exactly one line on stderr that matches the
 * expected message, nothing on stdout, no stack trace, every output path the
 * command was given absent afterwards (with any parent folders that did not
 * exist before), and every input file byte-identical.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { expect } from 'vitest';
import { runLrCompare, type CliResult } from '../cli/helpers.js';

/** Options whose value is a path the command writes (a file, or a folder of files for --svg/--png). */
export const OUTPUT_OPTIONS = ['--out', '--report', '--html', '--svg', '--png'] as const;

interface PathsBefore {
  readonly cwd: string;
  /** Output paths that did not exist, and their missing ancestor folders. */
  readonly absent: readonly string[];
  /** Files that existed before (inputs, and outputs that were already there): their bytes. */
  readonly files: ReadonlyMap<string, Buffer>;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Every value given to an output option (all of them: commander keeps the last, a test must not care which). */
export function outputPathsOf(args: readonly string[]): string[] {
  const paths: string[] = [];
  for (let i = 0; i < args.length - 1; i++) if ((OUTPUT_OPTIONS as readonly string[]).includes(args[i]!)) paths.push(args[i + 1]!);
  return paths;
}

/**
 * Records, before the command runs, what must not change: each argument that
 * names an existing file (inputs: results files, configs, modules) and any
 * `extraInputs`; each output path that does not exist yet and its missing folders.
 */
export function recordPaths(args: readonly string[], extraInputs: readonly string[] = [], cwd = process.cwd()): PathsBefore {
  const files = new Map<string, Buffer>();
  const absent: string[] = [];
  const candidates = [...args.flatMap((arg) => [arg, ...(arg.includes('=') ? arg.split(/[=,:]/) : [])]), ...extraInputs];
  for (const candidate of candidates) {
    const path = resolve(cwd, candidate);
    // Devices (/dev/null) are outputs that stay devices, not inputs to compare.
    if (candidate !== '' && isFile(path) && !path.startsWith('/dev/')) files.set(path, readFileSync(path));
  }
  for (const output of outputPathsOf(args)) {
    let path = resolve(cwd, output);
    if (existsSync(path)) continue;
    for (; !existsSync(path); path = dirname(path)) absent.push(path);
  }
  return { cwd, absent, files };
}

/** The assertion itself, for a command already run. */
export function expectRefusedCleanly(result: CliResult, message: RegExp, before: PathsBefore): void {
  expect(result.status, `exit code (stderr: ${result.stderr})`).toBe(2);
  expect(result.stdout, 'stdout').toBe('');
  expect(result.stderr).not.toMatch(/\n\s+at /);
  expect(result.stderr.endsWith('\n'), 'stderr ends with a newline').toBe(true);
  expect(result.stderr.slice(0, -1).split('\n'), 'stderr is exactly one line').toHaveLength(1);
  expect(result.stderr).toMatch(message);
  for (const path of before.absent) expect(existsSync(path), `${path} must not exist after a refused command`).toBe(false);
  for (const [path, bytes] of before.files) {
    expect(existsSync(path), `input ${path} still exists`).toBe(true);
    expect(readFileSync(path).equals(bytes), `input ${path} is byte-identical`).toBe(true);
  }
}

/** Runs the CLI with `args` and asserts it refused cleanly. */
export async function expectCliRefuses(
  args: readonly string[],
  message: RegExp,
  options: { readonly inputs?: readonly string[]; readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  const before = recordPaths(args, options.inputs, options.cwd);
  const result = await runLrCompare(args, { cwd: options.cwd, env: options.env });
  expectRefusedCleanly(result, message, before);
  return result;
}
