/**
 * Every file lr-compare writes goes through this module, so the rules for an
 * output path hold for every command at once:
 * - a regular file (or a path that does not exist yet) is written atomically:
 *   readers see the old content or the new, never half;
 * - a character device or FIFO (/dev/null, /dev/full, a named pipe) is written
 *   directly, never replaced by a file;
 * - a symbolic link is followed: its target is written, the link stays;
 * - a folder, or a path written with a trailing slash, is refused;
 * - no output may be an input, or another output, of the same command
 *   (checkOutputPaths, called by each command before any work).
 */
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readlinkSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { describeFsError } from '../read-input.js';

function describe(error: unknown): string {
  // A missing folder here means one that could not be created (see ensureFolder).
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'its folder does not exist and could not be created';
  return describeFsError(error);
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/**
 * The path that writing `path` really changes: symbolic links are followed
 * (also a dangling one, whose target is then created), so the link survives.
 */
export function followLinks(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let link: Stats;
    try {
      link = lstatSync(current);
    } catch {
      return current; // does not exist yet: written as a new file
    }
    if (!link.isSymbolicLink()) return current;
    const target = readlinkSync(current);
    current = isAbsolute(target) ? target : resolve(dirname(current), target);
  }
  throw new UsageError(`cannot write ${path}: too many symbolic links`);
}

/** A device or FIFO: written in place, with no temporary file beside it. */
export function isStreamTarget(path: string): boolean {
  const stats = statOrUndefined(followLinks(path));
  return stats !== undefined && !stats.isFile() && !stats.isDirectory();
}

/**
 * Creates the missing folders of a path one by one and returns them, outermost
 * first. Node's own `mkdirSync(path, { recursive: true })` loops forever under /proc.
 */
function ensureFolder(folder: string, created: string[] = []): string[] {
  if (existsSync(folder)) return created;
  const parent = dirname(folder);
  if (parent !== folder) ensureFolder(parent, created);
  mkdirSync(folder);
  created.push(folder);
  return created;
}

function writeAll(fd: number, content: string | Uint8Array): void {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
}

/**
 * Writes an output file under the rules at the top of this module. The parent
 * folder of a new file is created when missing.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array, nameInErrors = path): void {
  const target = followLinks(path);
  const stats = statOrUndefined(target);
  if (stats?.isDirectory()) throw new UsageError(`cannot write ${nameInErrors}: it is a folder`);
  if (stats && !stats.isFile()) {
    // /dev/null must stay a device and /dev/full must say it is full: write, do not rename over it.
    try {
      const fd = openSync(target, 'w');
      try {
        writeAll(fd, content);
      } finally {
        closeSync(fd);
      }
    } catch (error) {
      throw new UsageError(`cannot write ${nameInErrors}: ${describe(error)}`);
    }
    return;
  }
  const folder = dirname(target);
  const temporary = join(folder, `.${basename(target)}.${process.pid}.tmp`);
  try {
    ensureFolder(folder);
    const fd = openSync(temporary, 'w');
    try {
      writeAll(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
  } catch (error) {
    removeQuietly(temporary);
    throw new UsageError(`cannot write ${nameInErrors}: ${describe(error)}`);
  }
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch {
    // Nothing was created there (the path cannot even be a file).
  }
}

/**
 * Fails early, before hours of training, when the output cannot be written;
 * leaves nothing behind, not even the folders it had to create to find out.
 */
export function assertWritable(path: string): void {
  const target = followLinks(path);
  const stats = statOrUndefined(target);
  if (stats?.isDirectory()) throw new UsageError(`cannot write ${path}: it is a folder`);
  if (stats && !stats.isFile()) {
    try {
      accessSync(target, constants.W_OK);
    } catch (error) {
      throw new UsageError(`cannot write ${path}: ${describe(error)}`);
    }
    return;
  }
  let created: string[] = [];
  const probe = join(dirname(target), `.${basename(target)}.${process.pid}.probe`);
  try {
    created = ensureFolder(dirname(target));
    closeSync(openSync(probe, 'w'));
  } catch (error) {
    throw new UsageError(`cannot write ${path}: ${describe(error)}`);
  } finally {
    removeQuietly(probe);
    for (const folder of created.reverse()) {
      try {
        rmdirSync(folder);
      } catch {
        // Something else put a file there meanwhile: leave it.
      }
    }
  }
}

/** An output or input path as the user gave it, and the option that gave it. */
export interface NamedPath {
  /** How messages name it: `--out`, `--html`, `the results file`. */
  readonly option: string;
  /** As given on the command line (a trailing slash matters). */
  readonly given: string;
  /** A folder that receives files (report --svg): may exist as a folder, must not be a file. */
  readonly folder?: boolean;
}

/** The identity of a file: device and inode when it exists, else its link-free absolute path. */
function identity(path: string): string {
  const target = followLinks(path);
  const stats = statOrUndefined(target);
  return stats ? `inode ${stats.dev}:${stats.ino}` : `path ${target}`;
}

/**
 * Refuses, before any work, outputs that would destroy something: a folder
 * (or a trailing slash) where a file is expected, an output that is one of the
 * command's inputs, two outputs that are the same file. Devices and FIFOs may
 * be named more than once: writing them replaces nothing.
 */
export function checkOutputPaths(outputs: readonly NamedPath[], inputs: readonly NamedPath[]): void {
  const seen = new Map<string, NamedPath>();
  for (const input of inputs) seen.set(identity(input.given), input);
  const outputIds = new Map<string, NamedPath>();
  for (const output of outputs) {
    const stats = statOrUndefined(followLinks(output.given));
    if (output.folder) {
      if (stats && !stats.isDirectory()) throw new UsageError(`${output.option} ${output.given} must be a folder, but it is a file`);
      continue;
    }
    if (output.given.endsWith('/') || output.given.endsWith(sep) || stats?.isDirectory()) {
      throw new UsageError(`${output.option} ${output.given} is a folder; give a file name (e.g. ${join(output.given, 'results.json')})`);
    }
    if (stats && !stats.isFile()) continue;
    const id = identity(output.given);
    const input = seen.get(id);
    if (input) {
      throw new UsageError(`${output.option} ${output.given} names an input of this command (${input.option} ${input.given}); writing it would destroy it: choose another path`);
    }
    const other = outputIds.get(id);
    if (other) throw new UsageError(`${other.option} and ${output.option} both name ${output.given}; give each output its own file`);
    outputIds.set(id, output);
  }
}
