import { describe, expect, it } from 'vitest';
import { gemm } from '../../src/linalg/gemm.js';

/** Deterministic values in [-1, 1) (a linear congruential sequence), rounded to float32. */
function values(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let state = seed;
  for (let i = 0; i < count; i++) {
    state = (state * 1103515245 + 12345) % 2147483648;
    out[i] = state / 1073741824 - 1;
  }
  return out;
}

describe("gemm's accumulate (c += a . b, the cpu cohort's in-place update)", () => {
  // Sizes with and without a 4 x 4 remainder: the main block, the right edge and the bottom rows.
  it.each([
    [8, 32, 16],
    [7, 13, 6],
    [5, 3, 9],
    [12, 200, 7],
    [9, 200, 12],
    [128, 32, 784],
  ])('%i x %i x %i: each product summed in double, rounded to float32, then added in float32', (m, k, n) => {
    const a = values(m * k, 1);
    const b = values(k * n, 2);
    const start = values(m * n, 3);
    const c = start.slice();
    gemm(a, b, c, m, k, n, true);
    // The reference, written out here: fround(c + fround(sum over p of a[i][p] * b[p][j])).
    const expected = new Float32Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) sum += a[i * k + p] * b[p * n + j];
        expected[i * n + j] = Math.fround(start[i * n + j] + Math.fround(sum));
      }
    }
    expect(c).toEqual(expected);
    // The same as the product into a new array followed by a float32 addition (the per-run path's two kernels).
    const product = new Float32Array(m * n);
    gemm(a, b, product, m, k, n);
    const added = start.map((value, i) => value + product[i]);
    expect(c).toEqual(added);
  });

  it('without it, c is overwritten as before', () => {
    const a = values(6 * 5, 4);
    const b = values(5 * 7, 5);
    const c = values(6 * 7, 6);
    gemm(a, b, c, 6, 5, 7);
    const fresh = new Float32Array(6 * 7);
    gemm(a, b, fresh, 6, 5, 7);
    expect(c).toEqual(fresh);
  });
});
