import { closeSync, fstatSync, readSync } from 'node:fs';
import { openInput } from '../read-input.js';
import { UsageError } from '../errors.js';

/**
 * The IDX format (http://yann.lecun.com/exdb/mnist/): two zero bytes, a type
 * code, the number of dimensions, each dimension as a big-endian uint32, then
 * the values. MNIST and Fashion-MNIST use unsigned bytes only.
 */
const UNSIGNED_BYTE = 0x08;

export interface IdxArray {
  /** Dimensions, outermost first: [items, rows, cols] for images, [items] for labels. */
  readonly shape: readonly number[];
  /** The values of the items read, row-major. */
  readonly data: Uint8Array;
}

export interface IdxHeader {
  readonly shape: readonly number[];
  readonly headerBytes: number;
}

/** Parses and checks an IDX header; `fileName` only serves the error messages. */
export function parseIdxHeader(bytes: Uint8Array, fileName: string, fileSize = bytes.length): IdxHeader {
  if (bytes.length < 4) {
    throw new UsageError(`${fileName}: not an IDX file (only ${bytes.length} bytes)`);
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new UsageError(`${fileName}: not an IDX file (bad magic number; expected it to start with two zero bytes)`);
  }
  if (bytes[2] !== UNSIGNED_BYTE) {
    throw new UsageError(
      `${fileName}: IDX type code 0x${bytes[2].toString(16).padStart(2, '0')} is not supported (only unsigned bytes, 0x08)`,
    );
  }
  const dimensions = bytes[3];
  if (dimensions < 1) {
    throw new UsageError(`${fileName}: IDX file declares no dimensions`);
  }
  const headerBytes = 4 + 4 * dimensions;
  if (bytes.length < headerBytes) {
    throw new UsageError(`${fileName}: truncated IDX header (${bytes.length} of ${headerBytes} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < dimensions; d++) shape.push(view.getUint32(4 + 4 * d, false));
  // An image of 0 rows or 0 columns would reach the backend as an empty tensor (XNNPACK prints pages of errors).
  const emptyDimension = shape.findIndex((size, index) => index > 0 && size === 0);
  if (emptyDimension >= 0) {
    throw new UsageError(`${fileName}: dimension ${emptyDimension + 1} of [${shape.join(' x ')}] is 0; every item must hold at least one value (images at least 1x1 pixel)`);
  }
  const expectedSize = headerBytes + shape.reduce((a, b) => a * b, 1);
  if (fileSize !== expectedSize) {
    throw new UsageError(
      `${fileName}: ${fileSize < expectedSize ? 'truncated' : 'corrupted'} IDX file ` +
        `(${fileSize} bytes, but its header [${shape.join(' x ')}] needs ${expectedSize})`,
    );
  }
  return { shape, headerBytes };
}

/** Parses a whole IDX file held in memory. */
export function parseIdx(bytes: Uint8Array, fileName: string): IdxArray {
  const { shape, headerBytes } = parseIdxHeader(bytes, fileName);
  return { shape, data: bytes.subarray(headerBytes) };
}

/**
 * Reads the first `maxItems` items of an IDX file without reading the rest:
 * the training images are 47 MB, of which a run usually needs a fifth.
 */
export function readIdxFile(path: string, maxItems: number): IdxArray {
  const fd = openInput(path, 'data file');
  try {
    const fileSize = fstatSync(fd).size;
    const probe = new Uint8Array(Math.min(fileSize, 4 + 4 * 255));
    readSync(fd, probe, 0, probe.length, 0);
    // The probe may hold item bytes after the header; parseIdxHeader reads only the header's.
    const { shape, headerBytes } = parseIdxHeader(probe, path, fileSize);
    const items = Math.min(maxItems, shape[0]);
    const itemSize = shape.slice(1).reduce((a, b) => a * b, 1);
    const data = new Uint8Array(items * itemSize);
    const bytesRead = readSync(fd, data, 0, data.length, headerBytes);
    if (bytesRead !== data.length) {
      throw new UsageError(`${path}: could only read ${bytesRead} of ${data.length} bytes`);
    }
    return { shape: [items, ...shape.slice(1)], data };
  } finally {
    closeSync(fd);
  }
}
