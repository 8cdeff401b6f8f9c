import * as tf from '@tensorflow/tfjs';
import type { DeviceDataset } from '../../data/batches.js';
import type { Dataset } from '../../data/mnist.js';
import type { MlpShape, MlpWeights } from '../../model/mlp.js';
import { ownCohortKernelsOn } from '../backend/cohort-kernels.js';
import { makeRowBatch } from '../../data/batches.js';
import { cohortOnHost } from './choose.js';
import { CohortStep, type CohortUpdate } from './cohort.js';
import { HostCohortStep } from './cohort-host.js';
import { WasmCohortStep } from './cohort-wasm.js';
import type { BatchLoss } from './train-step.js';

/** What the cohort job (cohort-job.ts) drives: `CohortStep` on tfjs ops, `WasmCohortStep` with lr-compare's own wasm kernels, or `HostCohortStep` on cpu. */
export interface CohortTrainer {
  readonly size: number;
  trainOn(data: Dataset, order: Uint32Array, start: number, end: number, gradientScales: ArrayLike<number>): BatchLoss[];
  evaluate(data: DeviceDataset): { loss: number; accuracy: number }[];
  read(): MlpWeights[];
  remove(positions: readonly number[]): void;
  dispose(): void;
}

/**
 * The cohort step for the current backend: on cpu, plain SGD run by run on
 * the host (`HostCohortStep`, cohort-host.ts, `cohortOnHost`); on wasm, the
 * first layer in lr-compare's own WebAssembly SIMD kernels (same bits as the
 * backend's products, fewer copies: see cohort-wasm.ts), where the network's
 * shape fits their tiles (`ownCohortKernelsOn`), for plain SGD (the kernels
 * have no optimizer state); otherwise tfjs ops (`CohortStep`, with another
 * optimizer's stacked state). `LR_COMPARE_COHORT_KERNELS=tfjs` keeps tfjs
 * ops on wasm too (the benchmark compares the two that way).
 */
export function createCohortStep(shape: MlpShape, weights: MlpWeights, runs: number, optimizer?: CohortUpdate): CohortTrainer {
  const backend = tf.getBackend();
  if (optimizer === undefined && cohortOnHost(backend)) return new TensorBatches(new HostCohortStep(shape, weights, runs));
  // The own kernels add plain SGD's update; another optimizer's stacked state lives in tfjs tensors (cohort-optimizer.ts).
  const ownKernels = optimizer === undefined && ownCohortKernelsOn(backend) && process.env.LR_COMPARE_COHORT_KERNELS !== 'tfjs' && WasmCohortStep.fits(shape);
  return ownKernels ? new WasmCohortStep(shape, weights, runs) : new CohortStep(shape, weights, runs, optimizer);
}

/** A cohort step that takes its batch as a tensor of rows (`step`), given `trainOn`: the batch is built here. */
class TensorBatches implements CohortTrainer {
  constructor(private readonly inner: HostCohortStep) {}

  get size(): number {
    return this.inner.size;
  }

  trainOn(data: Dataset, order: Uint32Array, start: number, end: number, gradientScales: ArrayLike<number>): BatchLoss[] {
    let losses: BatchLoss[] = [];
    tf.tidy(() => {
      const { images, labels } = makeRowBatch(data, order, start, end);
      losses = this.inner.step(images, labels, gradientScales);
    });
    return losses;
  }

  evaluate(data: DeviceDataset): { loss: number; accuracy: number }[] {
    return this.inner.evaluate(data);
  }

  read(): MlpWeights[] {
    return this.inner.read();
  }

  remove(positions: readonly number[]): void {
    this.inner.remove(positions);
  }

  dispose(): void {
    this.inner.dispose();
  }
}
