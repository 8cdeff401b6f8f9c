/**
 * Where a cohort step's time goes, part by part, in CPU time (the steadier
 * measure on a shared machine), within one process:
 *
 *   node dist-bench/benchmarks/engine/cohort-parts.js [backend] [runs,...]   (after npm run bench once, or tsc -p benchmarks/engine)
 *
 * It times whole steps of the step the cohort engine uses on the backend
 * (createCohortStep), and then each part on its own with the same sizes: on
 * wasm lr-compare's two kernels (forward, and update: the weight gradient
 * added into the weights) and the k host heads; on other backends the
 * forward product with its read, the k heads, and the upload + gradient
 * product + addition. "rest" is the whole step minus the parts (batch
 * building, bookkeeping). Parts and whole steps alternate over rounds.
 */
import * as tf from '@tensorflow/tfjs';
import { DeviceDataset, makeRowBatch } from '../../src/data/batches.js';
import { loadMnist, NUM_CLASSES } from '../../src/data/mnist.js';
import { epochOrder } from '../../src/data/random.js';
import { ARTICLE_MLP, initialWeights } from '../../src/model/mlp.js';
import { selectBackend, type BackendName } from '../../src/train/backend/select.js';
import { createCohortStep } from '../../src/train/steps/cohort-choose.js';
import { CohortHead } from '../../src/train/steps/cohort-head.js';
import { WasmCohortStep } from '../../src/train/steps/cohort-wasm.js';
import { CohortKernels } from '../../src/train/steps/wasm/kernels.js';

const backend = (process.argv[2] ?? 'wasm') as BackendName;
const cohortSizes = (process.argv[3] ?? '5,3').split(',').map(Number);
const STEPS = 100;
const ROUNDS = 4;
const BATCH = 32;

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/** CPU milliseconds per call of `body`, over `count` calls. */
function timed(count: number, body: (i: number) => void): number {
  const started = cpuMs();
  for (let i = 0; i < count; i++) body(i);
  return (cpuMs() - started) / count;
}

await selectBackend(backend, { patchKernels: true });
const data = loadMnist({ samples: 10000, valSplit: 0.2, testSamples: 100 });
const shape = { ...ARTICLE_MLP, inputs: data.train.features, classes: NUM_CLASSES };
const weights = initialWeights(shape, 1);
const validation = new DeviceDataset(data.validation);
const order = epochOrder(data.train.count, 1, 0);
const { inputs, hidden } = shape;
const batches = Math.floor(data.train.count / BATCH);

console.log(`cohort step parts on ${backend} (${tf.getBackend()}), CPU ms per step of ${BATCH} samples; ${STEPS} steps x ${ROUNDS - 1} counted rounds`);
for (const runs of cohortSizes) {
  const step = createCohortStep(shape, weights, runs);
  const own = step instanceof WasmCohortStep;
  const scales = new Float32Array(runs).fill(Math.fround(-0.1));
  const heads = Array.from({ length: runs }, () => new CohortHead(shape, weights));
  const labels = Uint8Array.from({ length: BATCH }, (_, r) => data.train.labels[order[r]]);
  const productT = new Float32Array(runs * hidden * BATCH).map(() => Math.random() - 0.5);
  const gradientT = new Float32Array(runs * hidden * BATCH);
  const totals = new Map<string, number>();
  const add = (name: string, ms: number) => totals.set(name, (totals.get(name) ?? 0) + ms);
  // The parts on their own, with the step's sizes.
  const kernels = new CohortKernels();
  const rows = runs * hidden;
  const [wAt, xAt, xtAt, outAt, gAt] = [0, rows * inputs, rows * inputs + BATCH * inputs, rows * inputs + 2 * BATCH * inputs, rows * inputs + 2 * BATCH * inputs + rows * BATCH];
  kernels.reserve(gAt + rows * BATCH);
  kernels.floats(xAt, BATCH * inputs).set(data.train.images.subarray(0, BATCH * inputs));
  const stacked = tf.variable(tf.zeros([rows, inputs]));
  for (let round = 0; round < ROUNDS; round++) {
    const count = (name: string, ms: number) => {
      if (round > 0) add(name, ms);
    };
    count('whole step', timed(STEPS, (i) => step.trainOn(data.train, order, (i % batches) * BATCH, (i % batches) * BATCH + BATCH, scales)));
    count(`${runs} heads`, timed(STEPS, () => heads.forEach((head, m) => head.step(productT.subarray(m * hidden * BATCH, (m + 1) * hidden * BATCH), labels, -1e-4, gradientT, m * hidden * BATCH))));
    if (own) {
      count('forward kernel', timed(STEPS, () => kernels.forward(wAt, xtAt, outAt, rows, inputs, BATCH)));
      count('update kernel', timed(STEPS, () => kernels.update(wAt, gAt, xAt, rows, BATCH, inputs)));
    } else {
      count(
        'forward product + read',
        timed(STEPS, (i) =>
          tf.tidy(() => {
            const { images } = makeRowBatch(data.train, order, (i % batches) * BATCH, (i % batches) * BATCH + BATCH);
            tf.matMul(stacked, images, false, true).dataSync();
          }),
        ),
      );
      count(
        'upload + gradient product + add',
        timed(STEPS, (i) =>
          tf.tidy(() => {
            const { images } = makeRowBatch(data.train, order, (i % batches) * BATCH, (i % batches) * BATCH + BATCH);
            stacked.assign(tf.add(stacked, tf.matMul(tf.tensor2d(gradientT, [rows, BATCH]), images)));
          }),
        ),
      );
    }
    count('evaluation (per epoch)', timed(1, () => step.evaluate(validation)));
  }
  stacked.dispose();
  step.dispose();
  const counted = ROUNDS - 1;
  const whole = (totals.get('whole step') ?? 0) / counted;
  let parts = 0;
  console.log(`\n${runs} runs (${own ? "lr-compare's wasm kernels" : 'tfjs ops'}):`);
  for (const [name, total] of totals) {
    const ms = total / counted;
    if (name !== 'whole step' && !name.startsWith('evaluation')) parts += ms;
    const share = name.startsWith('evaluation') ? '' : `${((100 * ms) / whole).toFixed(0).padStart(5)}%`;
    console.log(`  ${name.padEnd(34)}${ms.toFixed(3).padStart(9)} ms${share}`);
  }
  console.log(`  ${'rest (batch, bookkeeping)'.padEnd(34)}${(whole - parts).toFixed(3).padStart(9)} ms${`${((100 * (whole - parts)) / whole).toFixed(0)}%`.padStart(6)}`);
  console.log(`  per run-step ${(whole / runs).toFixed(3)} ms; per run-epoch (${batches} steps + evaluation) ${((whole * batches + (totals.get('evaluation (per epoch)') ?? 0) / counted) / runs / 1000).toFixed(3)} CPU s`);
}
validation.dispose();
