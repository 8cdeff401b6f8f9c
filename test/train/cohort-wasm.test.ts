import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceDataset } from '../../src/data/batches.js';
import { loadMnist, type MnistSplits } from '../../src/data/mnist.js';
import { epochOrder } from '../../src/data/random.js';
import { ARTICLE_MLP, initialWeights, type MlpWeights } from '../../src/model/mlp.js';
import { selectBackend } from '../../src/train/backend/select.js';
import { CohortStep } from '../../src/train/steps/cohort.js';
import { createCohortStep } from '../../src/train/steps/cohort-choose.js';
import { WasmCohortStep } from '../../src/train/steps/cohort-wasm.js';
import { CohortKernels } from '../../src/train/steps/wasm/kernels.js';
import { CohortHead } from '../../src/train/steps/cohort-head.js';
import { HostHead } from '../../src/train/steps/host-sgd.js';
import { gemm } from '../../src/linalg/gemm.js';
import { CohortOptimizer } from '../../src/train/steps/cohort-optimizer.js';
import { optimizerSettings } from '../../src/train/optimizers.js';
import { generatedKernels } from '../../scripts/build-wasm-kernels.mjs';

/**
 * lr-compare's own wasm kernels for the cohort step (src/train/steps/wasm/)
 * against the tfjs wasm backend with its kernel patches (what the per-run
 * path multiplies with): the same bits, not just close. Each product is also
 * checked against a float64 product, so that "the same as tfjs" cannot hide
 * a kernel that is wrong in both.
 */

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomMatrix(length: number, random: () => number, scale: number, zeros = 0): Float32Array {
  return Float32Array.from({ length }, () => (random() < zeros ? 0 : (random() - 0.5) * scale));
}

function differing(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) count++;
  return count;
}

/** Largest |a - b| relative to the largest |b|. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let error = 0;
  let largest = 0;
  for (let i = 0; i < a.length; i++) {
    error = Math.max(error, Math.abs(a[i] - b[i]));
    largest = Math.max(largest, Math.abs(b[i]));
  }
  return error / largest;
}

describe('the wasm cohort kernels', () => {
  beforeAll(async () => {
    await selectBackend('wasm', { patchKernels: true });
  });

  it('are the assembled cohort-kernels.wat (the committed bytes are not stale)', async () => {
    const folder = resolve(__dirname, '../../src/train/steps/wasm');
    const text = await generatedKernels(readFileSync(resolve(folder, 'cohort-kernels.wat'), 'utf8'));
    expect(readFileSync(resolve(folder, 'kernels.generated.ts'), 'utf8')).toBe(text);
  });

  it('forward: the tfjs product bit for bit, into a strided output, and a float64 product within 1e-6', () => {
    const random = seeded(3);
    const [rows, inputs, cols, stride] = [12, 40, 16, 24];
    const w = randomMatrix(rows * inputs, random, 1);
    const xt = randomMatrix(inputs * cols, random, 2, 0.5);
    const kernels = new CohortKernels();
    const [wAt, xtAt, outAt] = [0, rows * inputs, rows * inputs + inputs * cols];
    kernels.reserve(outAt + rows * stride);
    kernels.floats(wAt, w.length).set(w);
    kernels.floats(xtAt, xt.length).set(xt);
    kernels.floats(outAt, rows * stride).fill(-7);
    kernels.forward(wAt, xtAt, outAt, rows, inputs, cols, stride);
    const out = kernels.floats(outAt, rows * stride);
    const expected = tf.tidy(() => tf.matMul(tf.tensor2d(w, [rows, inputs]), tf.tensor2d(xt, [inputs, cols])).dataSync());
    const got = new Float32Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      got.set(out.subarray(i * stride, i * stride + cols), i * cols);
      // The stride's gap is left alone.
      for (let j = cols; j < stride; j++) expect(out[i * stride + j]).toBe(-7);
    }
    expect(differing(got, expected)).toBe(0);
    const exact = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) for (let p = 0; p < inputs; p++) exact[i * cols + j] += w[i * inputs + p] * xt[p * cols + j];
    expect(relativeError(got, exact)).toBeLessThan(1e-6);
  });

  it('update: w + g . x as the tfjs product and addition give it, bit for bit, for a batch of any size', () => {
    const random = seeded(5);
    for (const batch of [32, 7]) {
      const [rows, inputs] = [8, 24];
      const w = randomMatrix(rows * inputs, random, 1);
      const g = randomMatrix(rows * batch, random, 0.01);
      const x = randomMatrix(batch * inputs, random, 1, 0.6);
      const kernels = new CohortKernels();
      const [wAt, gAt, xAt] = [0, rows * inputs, rows * inputs + rows * batch];
      kernels.reserve(xAt + x.length);
      kernels.floats(wAt, w.length).set(w);
      kernels.floats(gAt, g.length).set(g);
      kernels.floats(xAt, x.length).set(x);
      kernels.update(wAt, gAt, xAt, rows, batch, inputs);
      const got = kernels.floats(wAt, w.length);
      const expected = tf.tidy(() => tf.add(tf.tensor2d(w, [rows, inputs]), tf.matMul(tf.tensor2d(g, [rows, batch]), tf.tensor2d(x, [batch, inputs]))).dataSync());
      expect(differing(got, expected), `batch ${batch}`).toBe(0);
      const exact = Float64Array.from(w);
      for (let i = 0; i < rows; i++) for (let j = 0; j < inputs; j++) for (let p = 0; p < batch; p++) exact[i * inputs + j] += g[i * batch + p] * x[p * inputs + j];
      expect(relativeError(got, exact)).toBeLessThan(1e-6);
    }
  });

  it('gemm64: the JavaScript gemm bit for bit (float64 sums in order)', () => {
    const random = seeded(9);
    const [m, k, n] = [10, 37, 12];
    const a = randomMatrix(m * k, random, 3, 0.3);
    const b = randomMatrix(k * n, random, 1e-3, 0.3);
    const kernels = new CohortKernels();
    kernels.reserve(2 * (m * k + k * n) + m * n);
    kernels.doubles(0, m * k).set(a);
    kernels.doubles(m * k, k * n).set(b);
    const cAt = 2 * (m * k + k * n);
    kernels.gemm64(0, m * k, cAt, m, k, n);
    const expected = new Float32Array(m * n);
    gemm(a, b, expected, m, k, n);
    expect(differing(kernels.floats(cAt, m * n), expected)).toBe(0);
    // Float32 sums in the same order would differ somewhere: the test can tell the two apart.
    const float32Sums = new Float32Array(m * n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) float32Sums[i * n + j] = Math.fround(float32Sums[i * n + j] + Math.fround(a[i * k + p] * b[p * n + j]));
    expect(differing(float32Sums, expected)).toBeGreaterThan(0);
  });

  it('refuse shapes that do not fit their tiles', () => {
    const kernels = new CohortKernels();
    kernels.reserve(1024);
    expect(() => kernels.forward(0, 0, 0, 6, 8, 8)).toThrow(/rows 6 must be a multiple of 4/);
    expect(() => kernels.update(0, 0, 0, 4, 2, 12)).toThrow(/inputs 12 of 8/);
    expect(() => kernels.gemm64(0, 0, 0, 4, 2, 10)).toThrow(/n 10 of 4/);
  });
});

describe('the cohort head against HostHead (the per-run reference)', () => {
  // 32 rows: the SIMD products; 6 rows (not a multiple of 4): gemm in JavaScript.
  it.each([32, 6])('gives the same loss, gradient and parameters bit for bit over several steps, %i rows', (rows) => {
    const random = seeded(rows);
    const weights = initialWeights(ARTICLE_MLP, 3);
    const { hidden } = ARTICLE_MLP;
    const cohort = new CohortHead(ARTICLE_MLP, weights);
    const reference = new HostHead(ARTICLE_MLP, weights);
    const out = new Float32Array(2 * hidden * rows);
    for (let step = 0; step < 4; step++) {
      const productT = randomMatrix(hidden * rows, random, 4);
      const labels = Uint8Array.from({ length: rows }, () => Math.floor(random() * 10));
      const scale = Math.fround(-0.05 * (step + 1));
      const loss = cohort.step(productT, labels, scale, out, hidden * rows);
      const gradients = reference.step(productT, 'columns', labels, scale);
      reference.apply(gradients);
      expect(loss).toEqual(gradients.loss);
      const expectedT = new Float32Array(hidden * rows);
      for (let r = 0; r < rows; r++) for (let j = 0; j < hidden; j++) expectedT[j * rows + r] = gradients.preActivationGradient[r * hidden + j];
      expect(differing(out.subarray(hidden * rows), expectedT), `step ${step} hidden gradient`).toBe(0);
      for (const key of ['bias1', 'kernel2', 'bias2'] as const) expect(differing(cohort[key], reference[key]), `step ${step} ${key}`).toBe(0);
    }
    // Nothing written before the run's block.
    expect(out.subarray(0, hidden * rows).every((value) => value === 0)).toBe(true);
  });
});

describe('the wasm cohort step against the tfjs cohort step on wasm', () => {
  let data: MnistSplits;
  let validation: DeviceDataset;

  beforeAll(async () => {
    await selectBackend('wasm', { patchKernels: true });
    // 250 training samples: the last batch of 32 has 26 rows (padded to 32 columns); 150 validation samples: three strips, padded to 152.
    data = loadMnist({ samples: 400, valSplit: 0.375, testSamples: 10 });
    validation = new DeviceDataset(data.validation);
  });
  afterAll(() => validation?.dispose());

  const sameWeights = (a: MlpWeights[], b: MlpWeights[]) => {
    expect(a).toHaveLength(b.length);
    for (const [m, weights] of a.entries()) {
      for (const key of ['kernel1', 'bias1', 'kernel2', 'bias2'] as const) expect(differing(weights[key], b[m][key]), `run ${m} ${key}`).toBe(0);
    }
  };

  it('is what createCohortStep gives on wasm for plain SGD (the kernels keep no optimizer state)', () => {
    const step = createCohortStep(ARTICLE_MLP, initialWeights(ARTICLE_MLP, 1), 2);
    expect(step).toBeInstanceOf(WasmCohortStep);
    step.dispose();
    const withState = createCohortStep(ARTICLE_MLP, initialWeights(ARTICLE_MLP, 1), 2, new CohortOptimizer('momentum', optimizerSettings('momentum'), ARTICLE_MLP.hidden));
    expect(withState).toBeInstanceOf(CohortStep);
    withState.dispose();
  });

  it('trains, evaluates, reads and drops runs with the same bits', () => {
    const weights = initialWeights(ARTICLE_MLP, 7);
    const rates = [0.05, 30, 0.2];
    const scales = Float32Array.from(rates, (rate) => Math.fround(-rate));
    const own = new WasmCohortStep(ARTICLE_MLP, weights, rates.length);
    const tfjs = new CohortStep(ARTICLE_MLP, weights, rates.length);
    const before = tf.memory().numTensors;
    try {
      for (let epoch = 0; epoch < 2; epoch++) {
        const order = epochOrder(data.train.count, 7, epoch);
        for (let start = 0; start < data.train.count; start += 32) {
          const end = Math.min(start + 32, data.train.count);
          expect(own.trainOn(data.train, order, start, end, scales)).toEqual(tfjs.trainOn(data.train, order, start, end, scales));
        }
        expect(own.evaluate(validation)).toEqual(tfjs.evaluate(validation));
      }
      sameWeights(own.read(), tfjs.read());
      // Drop the middle run (rate 30, the one that blows up): the others' blocks move down.
      own.remove([1]);
      tfjs.remove([1]);
      expect(own.size).toBe(2);
      sameWeights(own.read(), tfjs.read());
      const order = epochOrder(data.train.count, 7, 2);
      expect(own.trainOn(data.train, order, 0, 32, scales.subarray(0, 2))).toEqual(tfjs.trainOn(data.train, order, 0, 32, scales.subarray(0, 2)));
      expect(own.evaluate(validation)).toEqual(tfjs.evaluate(validation));
      sameWeights(own.read(), tfjs.read());
    } finally {
      own.dispose();
      tfjs.dispose();
    }
    // The tfjs step's stacked variable (made before \`before\`) is gone; the own step made and kept none.
    expect(tf.memory().numTensors).toBe(before - 1);
  });
});
