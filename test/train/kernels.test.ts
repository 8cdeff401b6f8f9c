import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../src/train/backend/select.js';
import { createRandom } from '../../src/data/random.js';
import { installMatMulKernels, matMulPatched, PATCHED_KERNELS, uninstallMatMulKernels } from '../../src/train/backend/kernels.js';

function values(shape: number[], seed: number): tf.Tensor {
  const random = createRandom(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: size }, () => 2 * random() - 1), shape);
}

/** Host float64 reference: op(a) . op(b) for 2-D a and b. */
function reference(a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): { data: Float64Array; rows: number; cols: number } {
  const [ar, ac] = a.shape;
  const [br, bc] = b.shape;
  const av = a.dataSync();
  const bv = b.dataSync();
  const rows = transposeA ? ac : ar;
  const inner = transposeA ? ar : ac;
  const cols = transposeB ? br : bc;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let k = 0; k < inner; k++) {
        const x = transposeA ? av[k * ac + i] : av[i * ac + k];
        const y = transposeB ? bv[j * bc + k] : bv[k * bc + j];
        sum += x * y;
      }
      data[i * cols + j] = sum;
    }
  }
  return { data, rows, cols };
}

function maxDifference(x: ArrayLike<number>, y: ArrayLike<number>): number {
  expect(x.length).toBe(y.length);
  let largest = 0;
  for (let i = 0; i < x.length; i++) largest = Math.max(largest, Math.abs(x[i] - y[i]));
  return largest;
}

/** Runs `compute` with the stock kernels and with the patched ones; returns both results' values. */
function stockAndPatched(compute: () => tf.Tensor): { stock: Float32Array; patched: Float32Array; shapes: [number[], number[]] } {
  const backend = tf.getBackend();
  uninstallMatMulKernels(backend);
  const stockTensor = compute();
  installMatMulKernels(backend);
  const patchedTensor = compute();
  const result = {
    stock: stockTensor.dataSync() as Float32Array,
    patched: patchedTensor.dataSync() as Float32Array,
    shapes: [stockTensor.shape, patchedTensor.shape] as [number[], number[]],
  };
  stockTensor.dispose();
  patchedTensor.dispose();
  return result;
}

// A float32 dot product of length k differs from another summation order by
// at most about k * 2^-24 * sum|x_i y_i|; with values in [-1, 1] this bound is
// k * 6e-8 * k. The tests use 1e-6 * k, far below any real error.
const tolerance = (inner: number) => 1e-6 * inner;

// Shapes of the article's network: batch 32, 784 inputs, 128 hidden units, 10 classes,
// plus odd sizes that are not multiples of any kernel's tile.
const PRODUCTS: { name: string; a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [
  { name: 'weight gradient x^T . dy', a: [32, 784], b: [32, 128], transposeA: true, transposeB: false },
  { name: 'input gradient dy . W^T', a: [32, 128], b: [784, 128], transposeA: false, transposeB: true },
  { name: 'output layer dy . W2^T', a: [32, 10], b: [128, 10], transposeA: false, transposeB: true },
  { name: 'transposed forward W1^T . x^T', a: [784, 128], b: [784, 32], transposeA: true, transposeB: false },
  { name: 'both transposed', a: [37, 19], b: [23, 37], transposeA: true, transposeB: true },
  { name: 'odd sizes, transposeA', a: [5, 7], b: [5, 3], transposeA: true, transposeB: false },
  { name: 'odd sizes, transposeB', a: [7, 5], b: [3, 5], transposeA: false, transposeB: true },
  { name: 'a single row', a: [1, 300], b: [17, 300], transposeA: false, transposeB: true },
  { name: 'no transposes (untouched)', a: [32, 784], b: [784, 128], transposeA: false, transposeB: false },
];

beforeAll(async () => {
  await selectBackend('wasm', { patchKernels: true });
});

afterAll(() => {
  installMatMulKernels('wasm');
});

describe('the wasm matrix-product kernel patch', () => {
  it('is installed by selectBackend("wasm", { patchKernels: true }), once, and can be undone', () => {
    expect(matMulPatched('wasm')).toBe(true);
    const patched = PATCHED_KERNELS.map((name) => tf.getKernel(name, 'wasm'));
    expect(installMatMulKernels('wasm')).toBe(true);
    expect(PATCHED_KERNELS.map((name) => tf.getKernel(name, 'wasm'))).toEqual(patched);
    uninstallMatMulKernels('wasm');
    expect(matMulPatched('wasm')).toBe(false);
    for (const [i, name] of PATCHED_KERNELS.entries()) expect(tf.getKernel(name, 'wasm').kernelFunc).not.toBe(patched[i].kernelFunc);
    installMatMulKernels('wasm');
    expect(matMulPatched('wasm')).toBe(true);
  });

  it.each(PRODUCTS)('BatchMatMul, $name: same result as the stock kernel and as float64', ({ a: aShape, b: bShape, transposeA, transposeB }) => {
    const a = values(aShape, 1);
    const b = values(bShape, 2);
    const inner = transposeA ? aShape[0] : aShape[1];
    const { stock, patched, shapes } = stockAndPatched(() => tf.matMul(a, b, transposeA, transposeB));
    expect(shapes[1]).toEqual(shapes[0]);
    const exact = reference(a, b, transposeA, transposeB);
    expect(shapes[1]).toEqual([exact.rows, exact.cols]);
    expect(maxDifference(patched, stock)).toBeLessThan(tolerance(inner));
    expect(maxDifference(patched, exact.data)).toBeLessThan(tolerance(inner));
    a.dispose();
    b.dispose();
  });

  it('leaves batched products (leading dimension > 1) to the stock kernel, bit for bit', () => {
    const a = values([3, 20, 12], 3);
    const b = values([3, 15, 12], 4);
    const { stock, patched } = stockAndPatched(() => tf.matMul(a, b, false, true));
    expect(Array.from(patched)).toEqual(Array.from(stock));
    a.dispose();
    b.dispose();
  });

  it('handles rank-3 operands with a leading 1 like matrices', () => {
    const a = values([1, 32, 50], 5);
    const b = values([1, 32, 40], 6);
    const { stock, patched, shapes } = stockAndPatched(() => tf.matMul(a, b, true, false));
    expect(shapes[1]).toEqual([1, 50, 40]);
    expect(shapes[1]).toEqual(shapes[0]);
    expect(maxDifference(patched, stock)).toBeLessThan(tolerance(32));
    a.dispose();
    b.dispose();
  });

  it('gives tfjs autodiff of a dense layer the same gradients as the stock kernels', () => {
    const x = values([32, 784], 7);
    const w = values([784, 128], 8);
    const dy = values([32, 128], 9);
    const gradients = () => {
      const grads = tf.grads((input: tf.Tensor, weights: tf.Tensor) => tf.matMul(input, weights))([x, w], dy);
      const joined = tf.concat([grads[0].flatten(), grads[1].flatten()]);
      tf.dispose(grads);
      return joined;
    };
    const { stock, patched } = stockAndPatched(gradients);
    expect(maxDifference(patched, stock)).toBeLessThan(tolerance(784));
    tf.dispose([x, w, dy]);
  });

  it('_FusedMatMul without transposes (a Dense layer forward) is untouched', () => {
    const x = values([32, 784], 10);
    const w = values([784, 128], 11);
    const bias = values([128], 12);
    const { stock, patched } = stockAndPatched(() => tf.fused.matMul({ a: x, b: w, bias, activation: 'relu' }));
    expect(Array.from(patched)).toEqual(Array.from(stock));
    tf.dispose([x, w, bias]);
  });

  it.each([
    { inner: 40, activation: 'linear' },
    { inner: 40, activation: 'relu' },
    { inner: 64, activation: 'linear' },
  ] as const)('_FusedMatMul with transposes, no bias, $activation, shared dimension $inner: same result as the stock kernel', ({ inner, activation }) => {
    const a = values([inner, 30], 13);
    const b = values([20, inner], 14);
    const { stock, patched } = stockAndPatched(() => tf.fused.matMul({ a, b, transposeA: true, transposeB: true, activation }));
    const exact = reference(a, b, true, true).data.map((v) => (activation === 'relu' ? Math.max(v, 0) : v));
    expect(maxDifference(patched, stock)).toBeLessThan(tolerance(inner));
    expect(maxDifference(patched, exact)).toBeLessThan(tolerance(inner));
    tf.dispose([a, b]);
  });

  // The stock kernel's slow loop (taken whenever an operand is transposed) applies the bias
  // and the activation to each 48-wide block of the shared dimension's partial sums, and
  // indexes the bias by the flat output position instead of the column. The patched kernel
  // takes XNNPACK's path, which does both once, at the end.
  it('_FusedMatMul with transposes and relu over a shared dimension > 48: correct, where the stock kernel is not', () => {
    const a = values([64, 30], 13);
    const b = values([20, 64], 14);
    const { stock, patched } = stockAndPatched(() => tf.fused.matMul({ a, b, transposeA: true, transposeB: true, activation: 'relu' }));
    const exact = reference(a, b, true, true).data.map((v) => Math.max(v, 0));
    expect(maxDifference(patched, exact)).toBeLessThan(tolerance(64));
    expect(maxDifference(stock, exact)).toBeGreaterThan(0.01);
    tf.dispose([a, b]);
  });

  it('_FusedMatMul with transposes and a bias: correct, where the stock kernel is not', () => {
    const a = values([100, 6], 15);
    const b = values([100, 5], 16);
    const bias = values([5], 17);
    const { stock, patched } = stockAndPatched(() => tf.fused.matMul({ a, b, transposeA: true, bias }));
    const product = reference(a, b, true, false);
    const biasValues = bias.dataSync();
    const exact = product.data.map((v, i) => v + biasValues[i % product.cols]);
    expect(maxDifference(patched, exact)).toBeLessThan(tolerance(100));
    expect(maxDifference(stock, exact)).toBeGreaterThan(0.01);
    tf.dispose([a, b, bias]);
  });

  it('frees its transposed copies: no tensor or wasm memory growth', () => {
    const x = values([32, 784], 18);
    const dy = values([32, 128], 19);
    const w = values([784, 128], 20);
    const once = () => tf.tidy(() => tf.add(tf.matMul(x, dy, true, false).sum(), tf.matMul(dy, w, false, true).sum())).dispose();
    for (let i = 0; i < 5; i++) once();
    const before = tf.memory();
    for (let i = 0; i < 50; i++) once();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    tf.dispose([x, dy, w]);
  });
});

describe('the cpu matrix-product kernels', () => {
  beforeAll(async () => {
    await selectBackend('cpu', { patchKernels: true });
  });

  afterAll(async () => {
    await selectBackend('wasm', { patchKernels: true });
  });

  it('are installed by selectBackend("cpu", { patchKernels: true })', () => {
    expect(matMulPatched('cpu')).toBe(true);
  });

  it.each(PRODUCTS)('BatchMatMul, $name: same result as the stock kernel and as float64', ({ a: aShape, b: bShape, transposeA, transposeB }) => {
    const a = values(aShape, 21);
    const b = values(bShape, 22);
    const inner = transposeA ? aShape[0] : aShape[1];
    const { stock, patched, shapes } = stockAndPatched(() => tf.matMul(a, b, transposeA, transposeB));
    const exact = reference(a, b, transposeA, transposeB);
    expect(shapes[1]).toEqual(shapes[0]);
    expect(shapes[1]).toEqual([exact.rows, exact.cols]);
    expect(maxDifference(patched, stock)).toBeLessThan(tolerance(inner));
    expect(maxDifference(patched, exact.data)).toBeLessThan(tolerance(inner));
    tf.dispose([a, b]);
  });

  it('leaves batched products to the stock kernel, bit for bit', () => {
    const a = values([3, 20, 12], 23);
    const b = values([3, 12, 15], 24);
    const { stock, patched } = stockAndPatched(() => tf.matMul(a, b));
    expect(Array.from(patched)).toEqual(Array.from(stock));
    tf.dispose([a, b]);
  });

  it.each([
    { name: 'bias + relu (a Dense layer forward)', transposeA: false, transposeB: false, bias: true, activation: 'relu' },
    { name: 'bias, linear, transposed', transposeA: true, transposeB: true, bias: true, activation: 'linear' },
    { name: 'relu, no bias, transposeA', transposeA: true, transposeB: false, bias: false, activation: 'relu' },
  ] as const)('_FusedMatMul, $name: same result as the stock kernel', ({ transposeA, transposeB, bias: withBias, activation }) => {
    const a = values(transposeA ? [50, 9] : [9, 50], 25);
    const b = values(transposeB ? [13, 50] : [50, 13], 26);
    const bias = withBias ? values([13], 27) : undefined;
    const { stock, patched, shapes } = stockAndPatched(() => tf.fused.matMul({ a, b, transposeA, transposeB, bias, activation }));
    expect(shapes[1]).toEqual(shapes[0]);
    expect(maxDifference(patched, stock)).toBeLessThan(tolerance(50));
    tf.dispose([a, b, ...(bias ? [bias] : [])]);
  });

  it.each([
    { name: 'same shapes', a: [784, 128], b: [784, 128] },
    { name: 'a tensor and a scalar', a: [784, 128], b: [] },
    { name: 'a scalar and a tensor', a: [], b: [32, 10] },
    { name: 'a one-element tensor of lower rank', a: [7, 5], b: [1] },
    { name: 'a bias broadcast over rows (stock path)', a: [32, 128], b: [128] },
    { name: 'a one-element tensor of higher rank (stock path)', a: [5], b: [1, 1] },
  ])('Add and Multiply, $name: bit for bit the stock kernels', ({ a: aShape, b: bShape }) => {
    const a = values(aShape, 30);
    const b = values(bShape, 31);
    for (const op of [tf.add, tf.mul]) {
      const { stock, patched, shapes } = stockAndPatched(() => op(a, b));
      expect(shapes[1]).toEqual(shapes[0]);
      expect(Array.from(patched)).toEqual(Array.from(stock));
    }
    const withSpecial = tf.tensor1d([NaN, Infinity, -Infinity, 0]);
    const { stock, patched } = stockAndPatched(() => tf.add(withSpecial, withSpecial));
    expect(Array.from(patched)).toEqual(Array.from(stock));
    tf.dispose([a, b, withSpecial]);
  });

  it('leave int32 arithmetic to the stock kernel', () => {
    const a = tf.tensor1d([1, 2, 3], 'int32');
    const { stock, patched } = stockAndPatched(() => tf.add(a, a));
    expect(Array.from(patched)).toEqual(Array.from(stock));
    a.dispose();
  });

  it('leaves other activations to the stock kernel, bit for bit, and keeps NaN through relu', () => {
    const a = values([6, 8], 28);
    const b = values([8, 5], 29);
    const { stock, patched } = stockAndPatched(() => tf.fused.matMul({ a, b, activation: 'elu' }));
    expect(Array.from(patched)).toEqual(Array.from(stock));
    const withNaN = tf.tensor2d([NaN, 1, 2, 3], [2, 2]);
    const eye = tf.tensor2d([1, 0, 0, 1], [2, 2]);
    const relu = stockAndPatched(() => tf.fused.matMul({ a: withNaN, b: eye, activation: 'relu' }));
    expect(Number.isNaN(relu.patched[0])).toBe(true);
    expect(Number.isNaN(relu.stock[0])).toBe(true);
    tf.dispose([a, b, withNaN, eye]);
  });
});
