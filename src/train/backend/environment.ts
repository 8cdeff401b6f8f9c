import * as tf from '@tensorflow/tfjs';
import { cpus } from 'node:os';
import type { RunEnvironment } from '../../results/results.js';
import { LR_COMPARE_VERSION } from '../../version.js';
import { BACKEND_PACKAGES, type BackendSelection } from './select.js';

/** Where results were computed: the backend and its package, the versions, the machine. Written into every results file. */
export function runEnvironment(selection: BackendSelection): RunEnvironment {
  return {
    backend: selection.name,
    backendPackage: BACKEND_PACKAGES[selection.name],
    backendVersion: selection.packageVersion,
    backendFallbacks: selection.attempts.filter((attempt) => !attempt.ok).map((attempt) => `${attempt.backend}: ${attempt.detail}`),
    lrCompare: LR_COMPARE_VERSION,
    tfjs: tf.version.tfjs,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus().length,
  };
}
