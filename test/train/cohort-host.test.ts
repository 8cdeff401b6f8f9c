import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceDataset, makeRowBatch } from '../../src/data/batches.js';
import { loadMnist, type MnistSplits } from '../../src/data/mnist.js';
import { epochOrder } from '../../src/data/random.js';
import { ARTICLE_MLP, initialWeights } from '../../src/model/mlp.js';
import type { ClosedFormScheduler } from '../../src/schedulers/types.js';
import { createScheduler, parseSchedulerSpec } from '../../src/schedulers/index.js';
import { patchKernels, unpatchKernels } from '../../src/train/backend/patch.js';
import { selectBackend } from '../../src/train/backend/select.js';
import { runCohortJob, type CohortJob } from '../../src/train/cohort-job.js';
import { runTrainingJob, type JobOutcome } from '../../src/train/job.js';
import { CohortStep } from '../../src/train/steps/cohort.js';
import { HostCohortStep } from '../../src/train/steps/cohort-host.js';
import { cohortOnHost } from '../../src/train/steps/choose.js';
import { YieldToEventLoop } from '../../src/train/yield.js';

/**
 * The cpu backend with lr-compare's kernels (as `run` uses it) trains a
 * cohort run by run on host arrays (`HostCohortStep`). Its products are the
 * `gemm` behind the patched cpu kernels, and its evaluation adds the bias,
 * applies relu and computes the logits in the order the patched fused kernel
 * does, so it must give exactly (toEqual, no tolerance) the numbers of the
 * stacked `CohortStep` and of every run trained alone, evaluation included.
 */

/** Outcomes without their timings. */
function untimed(outcomes: readonly JobOutcome[]) {
  return outcomes.map((outcome) => ({ ...outcome, seconds: 0, history: outcome.history.map((record) => ({ ...record, seconds: 0 })) }));
}

function constant(rate: number): ClosedFormScheduler {
  return { kind: 'closed-form', unit: 'epoch', lrAt: () => rate };
}

describe('the cohort on cpu, run by run on the host', () => {
  let data: MnistSplits;
  let validation: DeviceDataset;
  let test: DeviceDataset;

  beforeAll(async () => {
    await selectBackend('cpu', { patchKernels: true });
    data = loadMnist({ samples: 400, valSplit: 0.25, testSamples: 200 });
    validation = new DeviceDataset(data.validation);
    test = new DeviceDataset(data.test);
  });
  afterAll(() => {
    validation?.dispose();
    test?.dispose();
    unpatchKernels('cpu');
  });

  const base = (): Omit<CohortJob, 'members'> => ({
    shape: ARTICLE_MLP,
    initialWeights: initialWeights(ARTICLE_MLP, 5),
    train: data.train,
    validation,
    test,
    epochs: 2,
    batchSize: 32,
    optimizer: 'sgd',
    baseLearningRate: 0.1,
    seed: 5,
    callbacks: [new YieldToEventLoop()],
  });

  it('is what the engine picks on cpu with the patched kernels, and only then', () => {
    expect(cohortOnHost('cpu')).toBe(true);
    expect(cohortOnHost('wasm')).toBe(false);
    expect(cohortOnHost('tensorflow')).toBe(false);
    unpatchKernels('cpu');
    try {
      expect(cohortOnHost('cpu')).toBe(false);
    } finally {
      patchKernels('cpu');
    }
    expect(cohortOnHost('cpu')).toBe(true);
  });

  it('steps, evaluates, reads and drops runs exactly as the stacked CohortStep', () => {
    const weights = initialWeights(ARTICLE_MLP, 9);
    const runs = 3;
    const stacked = new CohortStep(ARTICLE_MLP, weights, runs);
    const host = new HostCohortStep(ARTICLE_MLP, weights, runs);
    try {
      const order = epochOrder(data.train.count, 9, 0);
      const scales = [Math.fround(-0.05), Math.fround(-0.2), Math.fround(-0.5)];
      for (let start = 0; start < data.train.count; start += 32) {
        const end = Math.min(start + 32, data.train.count);
        tf.tidy(() => {
          const { images, labels } = makeRowBatch(data.train, order, start, end);
          expect(host.step(images, labels, scales)).toEqual(stacked.step(images, labels, scales));
        });
      }
      expect(host.evaluate(validation)).toEqual(stacked.evaluate(validation));
      // Twice: the second evaluation reuses the transposed validation set.
      expect(host.evaluate(validation)).toEqual(stacked.evaluate(validation));
      expect(host.read()).toEqual(stacked.read());
      // The rates differ, so the runs' weights do: a mix-up of blocks would show.
      const [first, second] = host.read();
      expect(first.kernel1).not.toEqual(second.kernel1);
      host.remove([1]);
      stacked.remove([1]);
      expect(host.size).toBe(2);
      tf.tidy(() => {
        const { images, labels } = makeRowBatch(data.train, order, 0, 32);
        expect(host.step(images, labels, [scales[0], scales[2]])).toEqual(stacked.step(images, labels, [scales[0], scales[2]]));
      });
      expect(host.evaluate(test)).toEqual(stacked.evaluate(test));
      expect(host.read()).toEqual(stacked.read());
    } finally {
      stacked.dispose();
      host.dispose();
    }
  });

  it('gives each run exactly its outcome alone (history, test metrics, divergence); a diverging run leaves', async () => {
    const context = { baseLr: 0.1, epochs: 3, batchesPerEpoch: Math.ceil(data.train.count / 32) };
    const specs = ['step:step_size=1,gamma=0.5', 'cyclic:step_size_up=3,unit=batch', 'plateau:patience=0'];
    // The last run's rate is 60: it diverges in epoch 1.
    const schedulers = async () => [...(await Promise.all(specs.map((spec) => createScheduler(parseSchedulerSpec(spec), context)))), constant(60)];
    const alone: JobOutcome[] = [];
    for (const scheduler of await schedulers()) alone.push(await runTrainingJob({ ...base(), epochs: 3, scheduler }));
    const before = tf.memory().numTensors;
    const cohort = await runCohortJob({ ...base(), epochs: 3, members: (await schedulers()).map((scheduler) => ({ scheduler })) });
    expect(tf.memory().numTensors).toBe(before);
    expect(alone[3].divergedAtEpoch).toBe(1);
    expect(untimed(cohort)).toEqual(untimed(alone));
    expect(cohort[3].history).toHaveLength(1);
    // The schedules differ, so a mix-up between runs would show.
    expect(new Set(cohort.map((outcome) => outcome.history[0].loss)).size).toBeGreaterThan(1);
  });

  it('is bit-identical from one run to the next', async () => {
    const members = () => [constant(0.05), constant(0.3)].map((scheduler) => ({ scheduler }));
    const first = await runCohortJob({ ...base(), members: members() });
    const second = await runCohortJob({ ...base(), members: members() });
    expect(untimed(second)).toEqual(untimed(first));
  });
});
