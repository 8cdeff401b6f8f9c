import * as tf from '@tensorflow/tfjs';
import { gemm } from '../../linalg/gemm.js';

/**
 * Faster matrix products for tfjs' WebAssembly and CPU backends.
 *
 * ## wasm
 *
 * tfjs-backend-wasm 4.22 sends a matrix product to XNNPACK's packed GEMM only
 * when neither operand is transposed; with `transposeA` or `transposeB` it
 * falls back to a blocked scalar triple loop that runs about 12x slower
 * (1.9 against 24 GFLOP/s for a 784 x 32 x 128 product on the project's
 * machine). Every dense layer's backward pass uses exactly those transposed
 * forms (x^T . dy for the weights, dy . W^T for the inputs), so autodiff,
 * tfjs-layers' `model.fit` and lr-compare's own loop all pay for it.
 *
 * The fix is at the kernel level, so that every caller gets it: the wasm
 * `BatchMatMul` and `_FusedMatMul` kernels are re-registered with wrappers
 * that transpose a flagged operand explicitly (the wasm `Transpose` kernel, a
 * memory copy far cheaper than the product) and then call the stock kernel
 * without flags, which takes the XNNPACK path.
 *
 * Only single matrices are rewritten (every leading "batch" dimension of both
 * operands of size 1): the stock kernel sends batched products to the slow
 * loop whatever the flags, and there `transposeB` is in fact the
 * cache-friendlier layout.
 *
 * A side effect worth knowing: for `_FusedMatMul` with a transposed operand
 * the stock slow loop applies the bias and the activation to the partial sums
 * of each 48-wide block of the shared dimension (a relu clamps them), and
 * indexes the bias by the flat output position instead of the column, so its
 * result is wrong whenever there is a bias, or an activation and a shared
 * dimension over 48. The wrapped kernel takes the XNNPACK path, which applies
 * both once, at the end (test/train/kernels.test.ts shows both cases).
 *
 * ## cpu
 *
 * tfjs-backend-cpu multiplies with a blocked triple loop that recomputes
 * strided indices for every multiply-add and runs at about 0.5 GFLOP/s on the
 * project's machine, whatever the flags. Its `BatchMatMul` and `_FusedMatMul`
 * are re-registered with a register-blocked kernel (4 x 4 outputs held in
 * locals over the shared dimension, operands made row-major first) that runs
 * at 3-3.5 GFLOP/s in plain JavaScript. Sums are accumulated in double
 * precision and rounded once, as the stock kernel does per 48-wide block.
 * Only single float32 matrices, and fused products with no activation or
 * relu and a rank-1 bias, are handled; anything else goes to the stock kernel.
 * `Add` and `Multiply` get plain loops for same-shape and single-number
 * operands (see `cpuElementwise`).
 */

/** The kernels this module replaces on wasm. */
export const PATCHED_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;
/** The kernels this module replaces on cpu. */
export const CPU_PATCHED_KERNELS = ['BatchMatMul', '_FusedMatMul', 'Add', 'Multiply'] as const;
type PatchedKernel = (typeof CPU_PATCHED_KERNELS)[number];

interface TensorInfo {
  readonly dataId: object;
  readonly shape: number[];
  readonly dtype: string;
}

interface WasmBackendLike {
  disposeData(dataId: object, force?: boolean): boolean;
}

interface KernelArgs {
  inputs: Record<string, TensorInfo | undefined>;
  backend: WasmBackendLike;
  attrs: Record<string, unknown>;
}

type KernelFunc = (args: KernelArgs) => TensorInfo;

/** The stock kernel configs that were replaced, by backend. */
const stockKernels = new Map<string, Map<PatchedKernel, tf.KernelConfig>>();

function leadingSize(shape: readonly number[]): number {
  let size = 1;
  for (let i = 0; i < shape.length - 2; i++) size *= shape[i];
  return size;
}

/** The permutation that swaps the last two axes. */
function swapLastTwo(rank: number): number[] {
  const perm = Array.from({ length: rank }, (_, i) => i);
  perm[rank - 2] = rank - 1;
  perm[rank - 1] = rank - 2;
  return perm;
}

function transposing(stock: KernelFunc, transpose: KernelFunc): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const transposeA = args.attrs.transposeA === true;
    const transposeB = args.attrs.transposeB === true;
    if (
      (!transposeA && !transposeB) ||
      a.dtype !== 'float32' ||
      b.dtype !== 'float32' ||
      leadingSize(a.shape) !== 1 ||
      leadingSize(b.shape) !== 1
    ) {
      return stock(args);
    }
    const backend = args.backend;
    const explicit = (x: TensorInfo) => transpose({ inputs: { x }, backend, attrs: { perm: swapLastTwo(x.shape.length) } });
    const aT = transposeA ? explicit(a) : a;
    const bT = transposeB ? explicit(b) : b;
    try {
      return stock({
        inputs: { ...args.inputs, a: aT, b: bT },
        backend,
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      // The stock kernel caches an XNNPACK operator on b's id; freeing the data
      // also frees that operator (the backend's disposal callback).
      if (aT !== a) backend.disposeData(aT.dataId);
      if (bT !== b) backend.disposeData(bT.dataId);
    }
  };
}

function replace(backendName: string, names: readonly PatchedKernel[], wrap: (name: PatchedKernel, stock: KernelFunc) => KernelFunc): void {
  const replaced = new Map<PatchedKernel, tf.KernelConfig>();
  for (const name of names) {
    const stock = tf.getKernel(name, backendName);
    replaced.set(name, stock);
    tf.unregisterKernel(name, backendName);
    // Keep setupFunc: a stock kernel function may read bindings that it creates,
    // and the engine runs it again if the backend is re-initialised.
    tf.registerKernel({ ...stock, kernelFunc: wrap(name, stock.kernelFunc as unknown as KernelFunc) as unknown as tf.KernelFunc });
  }
  stockKernels.set(backendName, replaced);
}

function registered(backendName: string, names: readonly string[]): boolean {
  const kernels = new Set(tf.getKernelsForBackend(backendName).map((kernel) => kernel.kernelName));
  return names.every((name) => kernels.has(name));
}

/** Whether a backend's matrix-product kernels are currently the replaced ones. */
export function matMulPatched(backendName: string): boolean {
  return stockKernels.has(backendName);
}

/**
 * Installs this module's kernels for the backend if it has any (wasm, cpu);
 * returns whether the backend's products are now the patched ones.
 */
export function installMatMulKernels(backendName: string): boolean {
  if (backendName === 'wasm') return installWasmMatMulKernels();
  if (backendName === 'cpu') return installCpuMatMulKernels();
  return false;
}

/** Puts a backend's stock kernels back (patch.ts' undo). */
export function uninstallMatMulKernels(backendName: string): void {
  const replaced = stockKernels.get(backendName);
  if (!replaced) return;
  for (const [name, stock] of replaced) {
    tf.unregisterKernel(name, backendName);
    tf.registerKernel(stock);
  }
  stockKernels.delete(backendName);
}

/**
 * Re-registers the wasm backend's `BatchMatMul` and `_FusedMatMul` kernels so
 * that transposed operands are transposed explicitly and the product takes the
 * fast path. Idempotent. Returns false (and changes nothing) when the wasm
 * backend's kernels are not registered, i.e. `@tensorflow/tfjs-backend-wasm`
 * was not loaded.
 */
function installWasmMatMulKernels(): boolean {
  if (matMulPatched('wasm')) return true;
  if (!registered('wasm', ['Transpose', ...PATCHED_KERNELS])) return false;
  const transpose = tf.getKernel('Transpose', 'wasm').kernelFunc as unknown as KernelFunc;
  replace('wasm', PATCHED_KERNELS, (_name, stock) => transposing(stock, transpose));
  return true;
}

// ---- cpu ------------------------------------------------------------------

interface CpuBackendLike {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: string, values: Float32Array): TensorInfo;
}

/** The values of a, or of its transpose, as a row-major matrix with `rows` rows. */
function rowMajor(values: Float32Array, rows: number, columns: number, transposed: boolean): Float32Array {
  if (!transposed) return values;
  // `values` holds the columns x rows matrix; copy it transposed.
  const out = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r++) for (let c = 0, from = r; c < columns; c++, from += rows) out[r * columns + c] = values[from];
  return out;
}

function cpuProduct(stock: KernelFunc, fused: boolean): KernelFunc {
  return (args) => {
    const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, TensorInfo | undefined> & { a: TensorInfo; b: TensorInfo };
    const transposeA = args.attrs.transposeA === true;
    const transposeB = args.attrs.transposeB === true;
    const activation = (args.attrs.activation as string | undefined) ?? 'linear';
    const m = a.shape[a.shape.length - (transposeA ? 1 : 2)];
    const k = a.shape[a.shape.length - (transposeA ? 2 : 1)];
    const n = b.shape[b.shape.length - (transposeB ? 2 : 1)];
    const supported =
      a.dtype === 'float32' &&
      b.dtype === 'float32' &&
      leadingSize(a.shape) === 1 &&
      leadingSize(b.shape) === 1 &&
      b.shape[b.shape.length - (transposeB ? 1 : 2)] === k &&
      (!fused ||
        ((activation === 'linear' || activation === 'relu') &&
          preluActivationWeights == null &&
          (bias == null || (bias.dtype === 'float32' && bias.shape.length === 1 && bias.shape[0] === n))));
    if (!supported) return stock(args);
    const backend = args.backend as unknown as CpuBackendLike;
    const values = (info: TensorInfo) => backend.data.get(info.dataId).values as Float32Array;
    const out = new Float32Array(m * n);
    gemm(rowMajor(values(a), m, k, transposeA), rowMajor(values(b), k, n, transposeB), out, m, k, n);
    if (fused && bias != null) {
      const biasValues = values(bias);
      for (let i = 0; i < out.length; i += n) for (let j = 0; j < n; j++) out[i + j] += biasValues[j];
    }
    if (fused && activation === 'relu') {
      // As tfjs' relu: NaN stays NaN.
      for (let i = 0; i < out.length; i++) if (out[i] < 0) out[i] = 0;
    }
    const leading = (a.shape.length >= b.shape.length ? a.shape : b.shape).slice(0, -2);
    return backend.makeTensorInfo([...leading, m, n], 'float32', out);
  };
}

/**
 * `Add` and `Multiply` of two float32 tensors of the same shape, or of one
 * tensor and a single number, as one plain loop. tfjs-backend-cpu runs them
 * through a shared helper that calls the operation as a closure and takes a
 * modulo per element (same shapes, about 20 ns per element here), or converts
 * every index to coordinates and back (any broadcast, several times slower);
 * an optimizer's update of a 784 x 128 kernel (a scalar multiplication and an
 * addition) took milliseconds. Other cases go to the stock kernel.
 */
function cpuElementwise(stock: KernelFunc, multiply: boolean): KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return stock(args);
    const aSize = a.shape.reduce((x, y) => x * y, 1);
    const bSize = b.shape.reduce((x, y) => x * y, 1);
    const sameShape = a.shape.length === b.shape.length && a.shape.every((size, i) => size === b.shape[i]);
    // A single number on either side; the result takes the other's shape (and a's, if both are single).
    const scalar = !sameShape && (bSize === 1 ? b.shape.length <= a.shape.length : aSize === 1 && a.shape.length <= b.shape.length);
    if (!sameShape && !scalar) return stock(args);
    const backend = args.backend as unknown as CpuBackendLike;
    const x = backend.data.get(a.dataId).values as Float32Array;
    const y = backend.data.get(b.dataId).values as Float32Array;
    const shape = sameShape || bSize === 1 ? a.shape : b.shape;
    const out = new Float32Array(Math.max(aSize, bSize));
    if (sameShape) {
      if (multiply) for (let i = 0; i < out.length; i++) out[i] = x[i] * y[i];
      else for (let i = 0; i < out.length; i++) out[i] = x[i] + y[i];
    } else {
      const [tensor, number] = bSize === 1 ? [x, y[0]] : [y, x[0]];
      if (multiply) for (let i = 0; i < out.length; i++) out[i] = tensor[i] * number;
      else for (let i = 0; i < out.length; i++) out[i] = tensor[i] + number;
    }
    return backend.makeTensorInfo([...shape], 'float32', out);
  };
}

/**
 * Re-registers the cpu backend's `BatchMatMul` and `_FusedMatMul` with the
 * faster product, and `Add` and `Multiply` with plain loops for their common
 * cases. Idempotent.
 */
function installCpuMatMulKernels(): boolean {
  if (matMulPatched('cpu')) return true;
  if (!registered('cpu', CPU_PATCHED_KERNELS)) return false;
  replace('cpu', CPU_PATCHED_KERNELS, (name, stock) => {
    if (name === 'Add' || name === 'Multiply') return cpuElementwise(stock, name === 'Multiply');
    return cpuProduct(stock, name === '_FusedMatMul');
  });
  return true;
}
