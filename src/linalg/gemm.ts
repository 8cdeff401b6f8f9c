/**
 * Matrix products on host arrays, in plain JavaScript. Used by the cpu
 * backend's product kernel (train/backend/kernels.ts) and by the host-SGD
 * step's small output layer (train/steps/host-sgd.ts). It knows nothing of
 * tfjs, so every layer may import it.
 */

/**
 * c = a . b for row-major a (m x k) and b (k x n), into c (m x n). The main
 * loop keeps a 4 x 4 block of c in locals and walks the shared dimension
 * once for it: 8 loads per 16 multiply-adds, and no index arithmetic but two
 * increments. Edges take a plain dot product.
 *
 * With `accumulate`, c += a . b instead, each product rounded to float32
 * before the addition: the same numbers as the product into a new array
 * followed by a float32 addition, without that array (the cpu cohort's
 * in-place weight update, train/steps/cohort-host.ts).
 */
export function gemm(a: Float32Array, b: Float32Array, c: Float32Array, m: number, k: number, n: number, accumulate = false): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * k;
    const a1 = a0 + k;
    const a2 = a1 + k;
    const a3 = a2 + k;
    for (let j = 0; j < n4; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0; // prettier-ignore
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0; // prettier-ignore
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0; // prettier-ignore
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0; // prettier-ignore
      for (let p = 0, bp = j; p < k; p++, bp += n) {
        const b0 = b[bp];
        const b1 = b[bp + 1];
        const b2 = b[bp + 2];
        const b3 = b[bp + 3];
        const x0 = a[a0 + p];
        const x1 = a[a1 + p];
        const x2 = a[a2 + p];
        const x3 = a[a3 + p];
        s00 += x0 * b0; s01 += x0 * b1; s02 += x0 * b2; s03 += x0 * b3; // prettier-ignore
        s10 += x1 * b0; s11 += x1 * b1; s12 += x1 * b2; s13 += x1 * b3; // prettier-ignore
        s20 += x2 * b0; s21 += x2 * b1; s22 += x2 * b2; s23 += x2 * b3; // prettier-ignore
        s30 += x3 * b0; s31 += x3 * b1; s32 += x3 * b2; s33 += x3 * b3; // prettier-ignore
      }
      const c0 = i * n + j;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      if (accumulate) {
        const f = Math.fround;
        c[c0] += f(s00); c[c0 + 1] += f(s01); c[c0 + 2] += f(s02); c[c0 + 3] += f(s03); // prettier-ignore
        c[c1] += f(s10); c[c1 + 1] += f(s11); c[c1 + 2] += f(s12); c[c1 + 3] += f(s13); // prettier-ignore
        c[c2] += f(s20); c[c2 + 1] += f(s21); c[c2 + 2] += f(s22); c[c2 + 3] += f(s23); // prettier-ignore
        c[c3] += f(s30); c[c3 + 1] += f(s31); c[c3 + 2] += f(s32); c[c3 + 3] += f(s33); // prettier-ignore
        continue;
      }
      c[c0] = s00; c[c0 + 1] = s01; c[c0 + 2] = s02; c[c0 + 3] = s03; // prettier-ignore
      c[c1] = s10; c[c1 + 1] = s11; c[c1 + 2] = s12; c[c1 + 3] = s13; // prettier-ignore
      c[c2] = s20; c[c2 + 1] = s21; c[c2 + 2] = s22; c[c2 + 3] = s23; // prettier-ignore
      c[c3] = s30; c[c3 + 1] = s31; c[c3 + 2] = s32; c[c3 + 3] = s33; // prettier-ignore
    }
  }
  // Right edge (columns n4..n) of the blocked rows, four rows at a time: four
  // independent sums (one sum alone is a chain of dependent additions).
  for (let i = 0; i < m4; i += 4) {
    for (let j = n4; j < n; j++) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // prettier-ignore
      for (let p = 0, ap = i * k, bp = j; p < k; p++, ap++, bp += n) {
        const bv = b[bp];
        s0 += a[ap] * bv;
        s1 += a[ap + k] * bv;
        s2 += a[ap + 2 * k] * bv;
        s3 += a[ap + 3 * k] * bv;
      }
      if (accumulate) {
        c[i * n + j] += Math.fround(s0);
        c[(i + 1) * n + j] += Math.fround(s1);
        c[(i + 2) * n + j] += Math.fround(s2);
        c[(i + 3) * n + j] += Math.fround(s3);
      } else {
        c[i * n + j] = s0;
        c[(i + 1) * n + j] = s1;
        c[(i + 2) * n + j] = s2;
        c[(i + 3) * n + j] = s3;
      }
    }
  }
  // Bottom rows (m4..m), four columns at a time: four independent sums, as
  // on the right edge (the output layer's 10 classes leave two such rows).
  for (let i = m4; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n4; j += 4) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0; // prettier-ignore
      for (let p = 0, bp = j; p < k; p++, bp += n) {
        const av = a[ai + p];
        s0 += av * b[bp];
        s1 += av * b[bp + 1];
        s2 += av * b[bp + 2];
        s3 += av * b[bp + 3];
      }
      if (accumulate) {
        c[i * n + j] += Math.fround(s0);
        c[i * n + j + 1] += Math.fround(s1);
        c[i * n + j + 2] += Math.fround(s2);
        c[i * n + j + 3] += Math.fround(s3);
      } else {
        c[i * n + j] = s0;
        c[i * n + j + 1] = s1;
        c[i * n + j + 2] = s2;
        c[i * n + j + 3] = s3;
      }
    }
    for (let j = n4; j < n; j++) {
      let sum = 0;
      for (let p = 0, ap = i * k, bp = j; p < k; p++, ap++, bp += n) sum += a[ap] * b[bp];
      if (accumulate) c[i * n + j] += Math.fround(sum);
      else c[i * n + j] = sum;
    }
  }
}
