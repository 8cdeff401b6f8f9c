import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UsageError } from '../errors.js';

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOSPC') return 'no space left on the device';
  if (code === 'EROFS') return 'read-only file system';
  if (code === 'ENOTDIR') return 'a part of the path is not a folder';
  if (code === 'EISDIR') return 'it is a folder';
  if (code === 'ENOENT') return 'its folder does not exist and could not be created';
  return code ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Creates the missing folders of a path one by one. Node's own
 * `mkdirSync(path, { recursive: true })` loops forever under /proc.
 */
function ensureFolder(folder: string): void {
  if (existsSync(folder)) return;
  const parent = dirname(folder);
  if (parent !== folder) ensureFolder(parent);
  mkdirSync(folder);
}

/**
 * Writes a file so that readers see the old content or the new, never half:
 * write a temporary file in the same folder, flush it to disk, rename it over
 * the target. The parent folder is created when missing.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array, nameInErrors = path): void {
  const folder = dirname(path);
  const temporary = join(folder, `.${basename(path)}.${process.pid}.tmp`);
  try {
    ensureFolder(folder);
    const fd = openSync(temporary, 'w');
    try {
      const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
      for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
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

/** Fails early, before hours of training, when the output cannot be written. */
export function assertWritable(path: string): void {
  writeFileAtomic(`${path}.probe`, '', path);
  removeQuietly(`${path}.probe`);
}
