/**
 * Whether the cohort step trains its first layer with lr-compare's own
 * WebAssembly SIMD kernels (train/steps/wasm/) on a backend, instead of tfjs
 * ops: on wasm, where they give the backend's products' bits with fewer
 * copies (docs/performance.md, "Cohort training"). The one place that names
 * the backend for that choice (steps/cohort-choose.ts asks here).
 */
export function ownCohortKernelsOn(backend: string): boolean {
  return backend === 'wasm';
}
