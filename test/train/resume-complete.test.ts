/**
 * Regression test (landed fix 2e8dc30): resuming a results file that already
 * holds every run trains nothing and puts nothing on the device. Before the
 * fix the comparison built a task runner anyway, which uploads the validation
 * and test sets; every tensor is made through the engine's makeTensor,
 * which the test watches, so a tensor disposed again before the end still shows.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { parseSchedulerSpec } from '../../src/schedulers/index.js';
import { runComparison, type ComparisonRequest } from '../../src/train/comparison.js';

const REQUEST: ComparisonRequest = {
  specs: ['step', 'cosine'].map((text) => parseSchedulerSpec(text)),
  epochs: 1,
  lr: 0.1,
  batchSize: 32,
  optimizer: 'sgd',
  samples: 200,
  valSplit: 0.2,
  testSamples: 100,
  targetAcc: 0.5,
  seed: 42,
  repeats: 1,
  backend: 'wasm',
  jobs: 1,
};

describe('resuming a complete results file', () => {
  it('trains nothing, creates no tensor, and gives back the same runs, complete', async () => {
    const done = await runComparison(REQUEST);
    expect(done.complete).toBe(true);
    const { numTensors } = tf.memory();
    const madeTensors = vi.spyOn(tf.engine(), 'makeTensor');
    let resumed: Awaited<ReturnType<typeof runComparison>> | undefined;
    const profile = await tf.profile(async () => {
      resumed = await runComparison({ ...REQUEST, finishedRuns: done.runs });
    });
    // No kernel ran (no training, no evaluation) and no tensor was made, not even one disposed later.
    expect(profile.kernels).toEqual([]);
    expect(madeTensors).not.toHaveBeenCalled();
    madeTensors.mockRestore();
    expect(tf.memory().numTensors).toBe(numTensors);
    expect(resumed?.complete).toBe(true);
    expect(resumed?.runs).toEqual(done.runs);
  });
});
