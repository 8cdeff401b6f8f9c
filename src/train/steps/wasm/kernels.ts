import { COHORT_KERNELS_WASM_BASE64 } from './kernels.generated.js';

const PAGE_BYTES = 65536;

/** Compiled once per process; each `CohortKernels` instantiates it with its own memory. */
let compiled: WebAssembly.Module | undefined;

/**
 * The cohort step's two first-layer kernels (cohort-kernels.wat, 128-bit
 * WebAssembly SIMD) with their own memory. Nothing here knows tfjs: the
 * matrices live in `memory`, addressed in bytes; callers lay them out and
 * read and write them through `floats` views.
 *
 * Why our own kernels instead of the tfjs wasm backend's products (XNNPACK):
 * a step's products there cost, besides their arithmetic, a transpose and a
 * repack of the batch per product, a 4-byte-per-weight gradient matrix
 * written out and read back by a separate addition, and new tensors each
 * step; here the weight gradient is added into the weights as it is
 * computed, and nothing is allocated. The arithmetic is the same, in the
 * same order (see the .wat file), so the results are the same bits.
 */
export class CohortKernels {
  private readonly memory = new WebAssembly.Memory({ initial: 1 });
  private readonly exports: {
    forward(w: number, xt: number, out: number, rows: number, inputs: number, cols: number, outStride: number): void;
    update(w: number, g: number, x: number, rows: number, batch: number, inputs: number): void;
    gemm64(a: number, b: number, c: number, m: number, k: number, n: number): void;
  };
  private view = new Float32Array(this.memory.buffer);
  private view64 = new Float64Array(this.memory.buffer);

  constructor() {
    compiled ??= new WebAssembly.Module(Buffer.from(COHORT_KERNELS_WASM_BASE64, 'base64'));
    const instance = new WebAssembly.Instance(compiled, { env: { memory: this.memory } });
    this.exports = instance.exports as unknown as CohortKernels['exports'];
  }

  /** Whether this JavaScript engine runs WebAssembly SIMD (Node >= 16 does). */
  static available(): boolean {
    try {
      return WebAssembly.validate(Buffer.from(COHORT_KERNELS_WASM_BASE64, 'base64'));
    } catch {
      return false;
    }
  }

  /** Makes the memory at least `floats` float32 numbers long; earlier `floats` views are stale afterwards. */
  reserve(floats: number): void {
    const bytes = floats * 4;
    if (bytes > this.memory.buffer.byteLength) this.memory.grow(Math.ceil((bytes - this.memory.buffer.byteLength) / PAGE_BYTES));
    if (this.view.buffer !== this.memory.buffer) {
      this.view = new Float32Array(this.memory.buffer);
      this.view64 = new Float64Array(this.memory.buffer);
    }
  }

  /** The float64 numbers [at, at + length) of the memory (positions in float64s: float32 position 2 * at). */
  doubles(at: number, length: number): Float64Array {
    return this.view64.subarray(at, at + length);
  }

  /** The float32 numbers [at, at + length) of the memory (positions in floats). */
  floats(at: number, length: number): Float32Array {
    return this.view.subarray(at, at + length);
  }

  /**
   * out (rows x cols, its rows `outStride` apart) = w (rows x inputs) . xt
   * (inputs x cols); positions in floats; rows a multiple of 4, cols of 8.
   */
  forward(w: number, xt: number, out: number, rows: number, inputs: number, cols: number, outStride = cols): void {
    if (rows % 4 !== 0 || cols % 8 !== 0 || rows <= 0 || cols <= 0 || inputs <= 0 || outStride < cols) {
      throw new Error(`forward: rows ${rows} must be a multiple of 4, cols ${cols} of 8, at most the output stride ${outStride}`);
    }
    this.exports.forward(w * 4, xt * 4, out * 4, rows, inputs, cols, outStride);
  }

  /**
   * w (rows x inputs) += g (rows x batch) . x (batch x inputs); positions in
   * floats; rows a multiple of 4, inputs a multiple of 8.
   */
  update(w: number, g: number, x: number, rows: number, batch: number, inputs: number): void {
    if (rows % 4 !== 0 || inputs % 8 !== 0 || rows <= 0 || inputs <= 0 || batch <= 0) throw new Error(`update: rows ${rows} must be a multiple of 4 and inputs ${inputs} of 8`);
    this.exports.update(w * 4, g * 4, x * 4, rows, batch, inputs);
  }

  /**
   * c (m x n, float32, position in floats) = a (m x k) . b (k x n), a and b
   * float64 (positions in float64s) holding float32 values: each output
   * summed in float64 in order and rounded once, the same bits as
   * linalg/gemm.ts. m a multiple of 2, n of 4.
   */
  gemm64(a: number, b: number, c: number, m: number, k: number, n: number): void {
    if (m % 2 !== 0 || n % 4 !== 0 || m <= 0 || n <= 0 || k <= 0) throw new Error(`gemm64: m ${m} must be a multiple of 2 and n ${n} of 4`);
    this.exports.gemm64(a * 8, b * 8, c * 4, m, k, n);
  }
}
