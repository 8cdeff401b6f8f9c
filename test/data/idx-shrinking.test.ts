/**
 * A data file that shrinks between the header check and the read of its items
 * (another process rewriting it) is refused with one line, not read as zeros.
 * The shrink is real: readSync is wrapped to truncate the file on disk just
 * before the items are read, the one moment no ordinary test can reach.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readIdxFile } from '../../src/data/idx.js';
import { UsageError } from '../../src/errors.js';

const shrink = vi.hoisted(() => ({ path: undefined as string | undefined, toBytes: 0 }));

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof import('node:fs')>();
  const readSync = ((fd: number, buffer: Uint8Array, offset: number, length: number, position: number) => {
    // Position 0 is the header probe; any later read is the items.
    if (shrink.path !== undefined && position !== 0) {
      fs.truncateSync(shrink.path, shrink.toBytes);
      shrink.path = undefined;
    }
    return fs.readSync(fd, buffer, offset, length, position);
  }) as typeof fs.readSync;
  return { ...fs, readSync };
});

describe('IDX reader on a file that shrinks while it is read', () => {
  it('says how many bytes it could read of how many', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'idx-shrink-')), 'labels');
    // Header: zero, zero, type 0x08, one dimension; 4 items.
    writeFileSync(path, new Uint8Array([0, 0, 8, 1, 0, 0, 0, 4, 9, 8, 7, 6]));
    expect(Array.from(readIdxFile(path, 4).data)).toEqual([9, 8, 7, 6]);
    shrink.path = path;
    shrink.toBytes = 10; // the header and 2 of the 4 items remain
    expect(() => readIdxFile(path, 4)).toThrow(new UsageError(`${path}: could only read 2 of 4 bytes`));
    expect(shrink.path).toBeUndefined();
  });
});
