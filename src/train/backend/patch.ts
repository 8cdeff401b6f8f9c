import * as tf from '@tensorflow/tfjs';
import { installMatMulKernels, matMulPatched, uninstallMatMulKernels } from './kernels.js';

/**
 * The one switch for lr-compare's kernel replacements (kernels.ts): faster
 * matrix products on wasm and cpu, re-registered in tfjs' global kernel
 * registry. Nothing patches on import or on backend selection; the engine
 * calls this explicitly (selectBackend's `patchKernels` option), and the
 * library surface never does unless its caller asks.
 *
 * The replacements depend on tfjs internals (kernel argument layout, the cpu
 * backend's data store, when the wasm backend takes the XNNPACK path), so they
 * are refused on versions they were not tested with.
 */

/** The tfjs versions the replacements were written and tested against. */
export const TESTED_TFJS_VERSIONS = '4.22.x';
const TESTED = /^4\.22\./;

/** The versions that matter for a backend's kernels: tfjs-core, and the backend package itself. */
export interface KernelVersions {
  readonly core: string;
  readonly backend?: string;
}

/** Thrown when the installed tfjs is not one the replacements were tested with. */
export class UntestedTfjsError extends Error {
  override readonly name = 'UntestedTfjsError';
}

/** Backends that have replacements; on any other backend patchKernels changes nothing. */
export const PATCHABLE_BACKENDS = ['wasm', 'cpu'] as const;

function versionsOf(backend: string): KernelVersions {
  const versions = tf.version as unknown as Record<string, string | undefined>;
  return { core: versions['tfjs-core'] ?? tf.version.tfjs, backend: backend === 'cpu' ? versions['tfjs-backend-cpu'] : undefined };
}

/**
 * Replaces `backend`'s matrix-product kernels (and cpu's Add and Multiply)
 * with lr-compare's; returns a function that puts the stock kernels back.
 * Idempotent: patching a patched backend changes nothing, and its undo does
 * nothing either (the first patch's undo restores). A backend without
 * replacements (tensorflow) or whose package is not loaded is left alone.
 * Throws UntestedTfjsError, changing nothing, on an untested tfjs version.
 */
export function patchKernels(backend: string, versions: KernelVersions = versionsOf(backend)): () => void {
  if (!(PATCHABLE_BACKENDS as readonly string[]).includes(backend)) return () => undefined;
  for (const [what, version] of [['tfjs-core', versions.core], [`the ${backend} backend`, versions.backend]] as const) {
    if (version !== undefined && !TESTED.test(version)) {
      throw new UntestedTfjsError(
        `lr-compare's ${backend} kernels rely on tfjs internals and are tested with ${TESTED_TFJS_VERSIONS} only, ` +
          `but ${what} is ${version}; install @tensorflow/tfjs@4.22 or use the tensorflow backend`,
      );
    }
  }
  if (matMulPatched(backend) || !installMatMulKernels(backend)) return () => undefined;
  return () => uninstallMatMulKernels(backend);
}

/** Puts a backend's stock kernels back, whoever patched them. */
export function unpatchKernels(backend: string): void {
  uninstallMatMulKernels(backend);
}

/** Whether the backend's kernels are lr-compare's replacements right now. */
export function kernelsPatched(backend: string): boolean {
  return matMulPatched(backend);
}
