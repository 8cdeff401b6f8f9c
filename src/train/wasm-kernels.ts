import * as tf from '@tensorflow/tfjs';

/**
 * Faster matrix products for tfjs' WebAssembly backend.
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
 */

/** The kernels this module replaces. */
export const PATCHED_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;
type PatchedKernel = (typeof PATCHED_KERNELS)[number];

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

const stockKernels = new Map<PatchedKernel, tf.KernelConfig>();

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

/** Whether the wasm matrix-product kernels are currently the wrapped ones. */
export function wasmMatMulPatched(): boolean {
  return stockKernels.size > 0;
}

/**
 * Re-registers the wasm backend's `BatchMatMul` and `_FusedMatMul` kernels so
 * that transposed operands are transposed explicitly and the product takes the
 * fast path. Idempotent. Returns false (and changes nothing) when the wasm
 * backend's kernels are not registered, i.e. `@tensorflow/tfjs-backend-wasm`
 * was not loaded.
 */
export function installWasmMatMulKernels(): boolean {
  if (wasmMatMulPatched()) return true;
  const registered = new Set(tf.getKernelsForBackend('wasm').map((kernel) => kernel.kernelName));
  if (!registered.has('Transpose') || PATCHED_KERNELS.some((name) => !registered.has(name))) return false;
  const transpose = tf.getKernel('Transpose', 'wasm').kernelFunc as unknown as KernelFunc;
  for (const name of PATCHED_KERNELS) {
    const stock = tf.getKernel(name, 'wasm');
    stockKernels.set(name, stock);
    tf.unregisterKernel(name, 'wasm');
    // Keep setupFunc: the stock kernel function reads the wasm binding that it
    // creates, and the engine runs it again if the backend is re-initialised.
    tf.registerKernel({
      ...stock,
      kernelFunc: transposing(stock.kernelFunc as unknown as KernelFunc, transpose) as unknown as tf.KernelFunc,
    });
  }
  return true;
}

/** Puts the stock kernels back (tests and the benchmark's baseline). */
export function uninstallWasmMatMulKernels(): void {
  for (const [name, stock] of stockKernels) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(stock);
  }
  stockKernels.clear();
}
