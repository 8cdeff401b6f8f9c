import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIdx, readIdxFile } from '../../src/data/idx.js';
import { loadMnist } from '../../src/data/mnist.js';
import { UsageError } from '../../src/errors.js';

/** Builds an IDX file of unsigned bytes with the given shape. */
function idx(shape: number[], values: number[], typeCode = 0x08): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = typeCode;
  header[3] = shape.length;
  shape.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  const bytes = new Uint8Array(header.length + values.length);
  bytes.set(header);
  bytes.set(values, header.length);
  return bytes;
}

describe('IDX reader', () => {
  it('reads shape and values of a well-formed file', () => {
    const parsed = parseIdx(idx([2, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]), 'images');
    expect(parsed.shape).toEqual([2, 2, 3]);
    expect(Array.from(parsed.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255]);
  });

  it.each([
    ['a bad magic number', () => { const b = idx([1], [3]); b[0] = 1; return b; }, /bad magic number/],
    ['an unsupported type code', () => idx([1], [3], 0x0d), /type code 0x0d is not supported/],
    ['a truncated body', () => idx([3, 2, 2], [1, 2, 3, 4, 5]), /truncated IDX file/],
    ['trailing bytes', () => idx([1], [1, 2]), /corrupted IDX file/],
    ['a truncated header', () => idx([4, 28, 28], []).subarray(0, 9), /truncated IDX header/],
    ['fewer than 4 bytes', () => new Uint8Array([0, 0]), /not an IDX file/],
    ['images of 0 rows', () => idx([2, 0, 28], []), /dimension 2 of \[2 x 0 x 28\] is 0; .*at least 1x1 pixel/],
    ['images of 0 columns', () => idx([2, 28, 0], []), /dimension 3 of \[2 x 28 x 0\] is 0/],
  ])('rejects %s with a message naming the file', (_what, make, message) => {
    expect(() => parseIdx(make(), 'some-file')).toThrow(UsageError);
    expect(() => parseIdx(make(), 'some-file')).toThrow(message);
    expect(() => parseIdx(make(), 'some-file')).toThrow(/some-file/);
  });

  it('reads a file of no items: an empty labels file is valid IDX, only empty images are not', () => {
    const parsed = parseIdx(idx([0, 2, 2], []), 'images');
    expect(parsed.shape).toEqual([0, 2, 2]);
    expect(parsed.data.length).toBe(0);
    const path = join(mkdtempSync(join(tmpdir(), 'idx-')), 'labels');
    writeFileSync(path, idx([0], []));
    const read = readIdxFile(path, 5);
    expect(read.shape).toEqual([0]);
    expect(read.data.length).toBe(0);
  });

  it('reads only the first items of a file and still checks its size', () => {
    const folder = mkdtempSync(join(tmpdir(), 'idx-'));
    const path = join(folder, 'labels');
    writeFileSync(path, idx([5], [9, 8, 7, 6, 5]));
    expect(Array.from(readIdxFile(path, 2).data)).toEqual([9, 8]);
    writeFileSync(path, idx([5], [9, 8, 7, 6, 5]).subarray(0, 11));
    expect(() => readIdxFile(path, 2)).toThrow(/truncated IDX file/);
    expect(() => readIdxFile(join(folder, 'missing'), 2)).toThrow(/cannot read data file .*missing: no such file/);
  });
});

describe('IDX reader messages', () => {
  const folder = mkdtempSync(join(tmpdir(), 'idx-'));
  const parse = (bytes: Uint8Array) => () => parseIdx(bytes, 'f');

  it.each([
    ['fewer than 4 bytes', new Uint8Array([0, 0, 8]), 'f: not an IDX file (only 3 bytes)'],
    ['a second magic byte that is not zero', new Uint8Array([0, 1, 8, 1, 0, 0, 0, 0]), 'f: not an IDX file (bad magic number; expected it to start with two zero bytes)'],
    ['a type code other than unsigned bytes', idx([1], [3], 0x0d), 'f: IDX type code 0x0d is not supported (only unsigned bytes, 0x08)'],
    ['no dimensions (exactly 4 bytes)', new Uint8Array([0, 0, 8, 0]), 'f: IDX file declares no dimensions'],
    ['a truncated header', idx([4, 28, 28], []).subarray(0, 9), 'f: truncated IDX header (9 of 16 bytes)'],
    ['a truncated body', idx([3, 2, 2], [1, 2, 3, 4, 5]), 'f: truncated IDX file (21 bytes, but its header [3 x 2 x 2] needs 28)'],
    ['trailing bytes', idx([1], [1, 2]), 'f: corrupted IDX file (10 bytes, but its header [1] needs 9)'],
  ])('refuses %s with one exact line', (_what, bytes, message) => {
    expect(parse(bytes)).toThrow(new UsageError(message));
  });

  it('reads the header of a file shorter than the largest possible header', () => {
    const path = join(folder, 'tiny');
    writeFileSync(path, new Uint8Array([0, 0]));
    expect(() => readIdxFile(path, 1)).toThrow(new UsageError(`${path}: not an IDX file (only 2 bytes)`));
  });

  it('names the reason a path cannot be opened', () => {
    const file = join(folder, 'plain');
    writeFileSync(file, idx([1], [1]));
    expect(() => readIdxFile(join(file, 'below'), 1)).toThrow(new UsageError(`cannot read data file ${file}/below: a part of the path is not a folder`));
    expect(() => readIdxFile(join(folder, 'missing'), 1)).toThrow(new UsageError(`cannot read data file ${folder}/missing: no such file`));
  });

  it('reads items of several values and closes the file it opened, also when refusing it', () => {
    const path = join(folder, 'images');
    writeFileSync(path, idx([3, 1, 2], [1, 2, 3, 4, 5, 6]));
    const before = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 20; i++) {
      const read = readIdxFile(path, 2);
      expect(read.shape).toEqual([2, 1, 2]);
      expect(Array.from(read.data)).toEqual([1, 2, 3, 4]);
      expect(readIdxFile(path, 9).shape).toEqual([3, 1, 2]);
    }
    writeFileSync(path, idx([3, 1, 2], [1, 2, 3]));
    for (let i = 0; i < 20; i++) expect(() => readIdxFile(path, 1)).toThrow(UsageError);
    expect(readdirSync('/proc/self/fd').length).toBe(before);
  });
});

describe('MNIST loading', () => {
  it("loads the package's MNIST with Keras' validation split and pixels in [0, 1]", () => {
    const data = loadMnist({ samples: 1000, valSplit: 0.2, testSamples: 100 });
    expect(data.train.count).toBe(800);
    expect(data.validation.count).toBe(200);
    expect(data.test.count).toBe(100);
    expect(data.train.features).toBe(784);
    expect(Math.max(...data.train.images.subarray(0, 784 * 10))).toBeLessThanOrEqual(1);
    expect(Math.max(...data.train.images.subarray(0, 784 * 10))).toBeGreaterThan(0.9);
    // MNIST's first training labels are well known: 5 0 4 1 9 2 1 3 1 4.
    expect(Array.from(data.train.labels.subarray(0, 10))).toEqual([5, 0, 4, 1, 9, 2, 1, 3, 1, 4]);
  });

  it('names the missing file of a data folder', () => {
    const folder = mkdtempSync(join(tmpdir(), 'mnist-'));
    expect(() => loadMnist({ dataDir: folder, samples: 10, valSplit: 0.2, testSamples: 10 })).toThrow(
      /missing data file: .*train-images-idx3-ubyte/,
    );
  });

  it('says how many samples a folder holds when more are asked for', () => {
    const folder = mkdtempSync(join(tmpdir(), 'mnist-'));
    writeFileSync(join(folder, 'train-images-idx3-ubyte'), idx([3, 2, 2], new Array(12).fill(7)));
    writeFileSync(join(folder, 'train-labels-idx1-ubyte'), idx([3], [1, 2, 3]));
    expect(() => loadMnist({ dataDir: folder, samples: 10, valSplit: 0.2, testSamples: 1 })).toThrow(/asked for 10 train samples, but the files hold only 3/);
  });
});
