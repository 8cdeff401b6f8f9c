/**
 * The one way lr-compare reads a file the user named (results files, config
 * files, IDX data, custom schedule modules): a filesystem error becomes one
 * line that names the file and says what is wrong, never a stack trace.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { UsageError } from './errors.js';

/** What a filesystem error code means to a user, for messages about reading and writing. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'it is a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EROFS':
      return 'read-only file system';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'EIO':
      return 'input/output error';
    default:
      return code ?? (error instanceof Error ? error.message.split('\n')[0] : String(error));
  }
}

/**
 * Opens a file for reading; a folder is refused here (Linux lets a folder be
 * opened and only fails at the first read). `what` names the file's role in
 * messages: "cannot read config x.json: it is a folder".
 */
export function openInput(path: string, what: string): number {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    if (fstatSync(fd).isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
    return fd;
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    throw new UsageError(`cannot read ${what} ${path}: ${describeFsError(error)}`);
  }
}

/** Reads a whole file the user named; errors as openInput's. */
export function readInput(path: string, what: string): Buffer {
  const fd = openInput(path, what);
  try {
    return readFileSync(fd);
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${describeFsError(error)}`);
  } finally {
    closeSync(fd);
  }
}

export function readInputText(path: string, what: string): string {
  return readInput(path, what).toString('utf8');
}
