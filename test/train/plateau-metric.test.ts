/**
 * The real `plateau` scheduler (not a hand-made one) in a training job: which
 * metric it watches follows `mode` when monitor=auto, an explicit monitor is
 * honoured, and a monitor that contradicts the mode is refused. The rates the
 * job used are replayed through a fresh scheduler fed the metric it should
 * have watched: any other metric fed would give other rates.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DeviceDataset } from '../../src/data/batches.js';
import { loadMnist, type MnistSplits } from '../../src/data/mnist.js';
import { ScheduleSpecError } from '../../src/errors.js';
import { ARTICLE_MLP, initialWeights } from '../../src/model/mlp.js';
import { createScheduler, parseSchedulerSpec } from '../../src/schedulers/index.js';
import type { MetricDrivenScheduler } from '../../src/schedulers/types.js';
import { selectBackend } from '../../src/train/backend/select.js';
import { runTrainingJob } from '../../src/train/job.js';

let data: MnistSplits;
let validation: DeviceDataset;
let test: DeviceDataset;
const EPOCHS = 4;
const CONTEXT = { baseLr: 0.5, epochs: EPOCHS, batchesPerEpoch: 10 };

beforeAll(async () => {
  await selectBackend('wasm', { patchKernels: true });
  data = loadMnist({ samples: 400, valSplit: 0.25, testSamples: 100 });
  validation = new DeviceDataset(data.validation);
  test = new DeviceDataset(data.test);
});

async function plateau(text: string): Promise<MetricDrivenScheduler> {
  const scheduler = await createScheduler(parseSchedulerSpec(text), CONTEXT);
  if (scheduler.kind !== 'metric-driven') throw new Error(`${text} is not metric-driven`);
  return scheduler;
}

/** The rates a fresh scheduler gives when fed `metrics`, one per epoch. */
async function replay(text: string, metrics: readonly number[]): Promise<number[]> {
  const scheduler = await plateau(text);
  return metrics.map((metric) => {
    const rate = scheduler.currentLr();
    scheduler.observe(metric);
    return rate;
  });
}

// A huge absolute threshold: only the first epoch counts as an improvement, so
// with patience 1 the rate halves every second epoch whichever metric is fed;
// a small threshold makes the rates depend on the metric's values.
describe('plateau in a training job', () => {
  it.each([
    ['plateau:mode=min,patience=0,factor=0.5', 'val_loss', 'validationLoss'],
    ['plateau:mode=max,patience=0,factor=0.5', 'val_acc', 'validationAccuracy'],
    ['plateau:mode=min,monitor=val_loss,patience=0,factor=0.5', 'val_loss', 'validationLoss'],
    ['plateau:mode=max,monitor=val_acc,patience=0,factor=0.5', 'val_acc', 'validationAccuracy'],
  ] as const)('%s watches %s', async (text, monitor, field) => {
    const scheduler = await plateau(text);
    expect(scheduler.monitor).toBe(monitor);
    const observed: number[] = [];
    const observe = scheduler.observe.bind(scheduler);
    const watched: MetricDrivenScheduler = Object.assign(Object.create(scheduler) as MetricDrivenScheduler, {
      observe(metric: number) {
        observed.push(metric);
        observe(metric);
      },
    });
    const outcome = await runTrainingJob({
      shape: ARTICLE_MLP,
      initialWeights: initialWeights(ARTICLE_MLP, 3),
      train: data.train,
      validation,
      test,
      epochs: EPOCHS,
      batchSize: 32,
      optimizer: 'sgd',
      baseLearningRate: 0.5,
      seed: 3,
      scheduler: watched,
    });
    const metrics = outcome.history.map((record) => record[field]);
    expect(observed).toEqual(metrics);
    expect(outcome.history.map((record) => record.learningRate)).toEqual(await replay(text, metrics));
  });

  it.each([
    ['plateau:mode=max,monitor=val_loss', 'plateau: monitor=val_loss with mode=max would cut the rate while the loss falls; use mode=min with val_loss, mode=max with val_acc'],
    ['plateau:mode=min,monitor=val_acc', 'plateau: monitor=val_acc with mode=min would cut the rate while the accuracy rises; use mode=min with val_loss, mode=max with val_acc'],
    ['plateau:monitor=val_acc', 'plateau: monitor=val_acc with mode=min would cut the rate while the accuracy rises; use mode=min with val_loss, mode=max with val_acc'],
  ])('refuses %s', async (text, message) => {
    const error = await plateau(text).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(error).toBeInstanceOf(ScheduleSpecError);
    expect(error).toMatchObject({ message, code: 'invalid-value', parameter: 'monitor' });
  });
});
