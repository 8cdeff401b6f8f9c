// One file over 300 lines: `run` is one command whose plain, tuned (--tune-lr) and staged (--stage/--from)
// comparisons share the option wiring, the resume and interrupt handling and the output; split, each part
// would need all of it passed in.
import { WEIGHT_DECAY_OPTIMIZERS } from '../train/optimizers.js';
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { assertWritable, checkOutputPaths, isStreamTarget, writeFileAtomic, type NamedPath } from '../report/atomic.js';
import { LIMITS } from '../limits.js';
import { type OutputFormat } from '../report/formats.js';
import { formatOption } from './format-option.js';
import { writeHtmlReport } from '../report/html.js';
import { ProgressReporter } from '../report/progress.js';
import { configurationDifference, resultsJson, type ResultsFile } from '../results/results.js';
import { renderResultsTable } from '../report/table.js';
import { colorEnabled, terminalWidth } from '../report/terminal.js';
import { renderTerminalCharts } from '../report/terminal-charts.js';
import { renderCatalogueSummary } from '../schedulers/index.js';
import { resolveGridSelection } from '../schedulers/grid.js';
import { describeSelection } from '../train/backend/select.js';
import { runComparison, type ComparisonHooks, type ComparisonProgress, type ComparisonRequest } from '../train/comparison.js';
import { parseShard, shardFromEnvironment } from '../train/plan.js';
import { Option } from 'commander';
import { SELECT_CHOICES, confirmationView, type SelectMetric, type TuningConfiguration } from '../results/tuning.js';
import { autoRateGrid, parseRateGrid, runTunedComparison, TUNING_STAGES, type TuningStage } from '../train/tuning.js';
import { renderTuningTables } from '../report/tuning-table.js';
import type { RunTask } from '../train/plan.js';
import { atBaseRate } from '../train/base-rate.js';
import { suggestBaseLearningRate } from '../train/lr-finder.js';
import { createTaskProgress, type TaskProgress } from '../report/live.js';
import { rate } from '../format-rate.js';
import type { ResolvedSchedulerSpec } from '../schedulers/types.js';
import { readResultsFile } from '../results/results-file.js';
import { choiceOption, collect, integerOption } from './options.js';
import { cohortRefusal, ENGINE_CHOICES, type EngineChoice } from '../train/engine.js';
import { cohortSupports } from '../train/cohort-job.js';
import { addExperimentOptions, EXPERIMENT_OPTIONS, readExperimentConfig, type ExperimentOptions } from './run-options.js';
import { installInterruptHandler } from './interrupt.js';

interface RunOptions extends Omit<ExperimentOptions, 'schedulers'> {
  schedulers: string;
  scheduler?: string[];
  config?: string;
  out?: string;
  format: OutputFormat;
  json?: boolean;
  quiet?: boolean;
  resume?: boolean;
  shard?: string;
  chart: boolean;
  jobs?: number;
  engine: EngineChoice;
  report?: string;
  tuneLr?: string;
  select: SelectMetric;
  confirmRepeats?: number;
  stage?: TuningStage;
  from?: string;
}

/** --lr auto's peak for cyclic and onecycle: the same rule as every rate of --tune-lr (train/base-rate.ts). */
export const withSuggestedPeak = atBaseRate;

/** An argument as a POSIX shell reads it back: specs hold | and spaces. */
function shellQuote(argument: string): string {
  return /^[\w@%+=:,./-]+$/.test(argument) ? argument : `'${argument.replace(/'/g, "'\\''")}'`;
}

function defaultOutPath(now = new Date()): string {
  const stamp = now.toISOString().replace(/\.\d+Z$/, '').replace(/:/g, '-');
  return `results/results-${stamp}.json`;
}

export function register(program: Command): void {
  const command = program
    .command('run')
    .description('train the MNIST network once per scheduler under identical conditions and compare them')
    .option('--schedulers <names>', "comma-separated scheduler names, or 'all' (the source article's five)", 'all')
    .option('-s, --scheduler <spec>', "a scheduler with parameters, e.g. 'step:step_size=10,gamma=0.5' (repeatable)", collect);
  addExperimentOptions(command)
    .option('--config <file>', 'experiment file (JSON; fields as the options above, in camelCase); options given here override it')
    .option('--out <file>', 'results JSON (default: results/results-<timestamp>.json)')
    .addOption(formatOption('what to print'))
    .option('--json', 'print the results JSON on stdout (same as --format json)')
    .option('--quiet', 'no progress output')
    .option('--jobs <n>', `worker processes training runs in parallel (default: the number of cores, one more when that balances the cohorts better, at most the number of runs); results do not depend on it; at most ${LIMITS.jobs}`, integerOption(1, LIMITS.jobs))
    .option('--engine <name>', `${ENGINE_CHOICES.join(', ')}: train the runs of a repeat together (cohort: sgd, momentum, adam, rmsprop, adamw) or one by one; same results within float tolerance`, choiceOption(ENGINE_CHOICES), 'auto')
    .option('--resume', 'continue the results file given by --out: skip the runs it already has')
    .option('--shard <i/n>', `run only the i-th of n disjoint slices of the runs (combine them with lr-compare merge); n at most the number of runs (and ${LIMITS.shards}); 'env': shard JOB_COMPLETION_INDEX+1 of LR_COMPARE_SHARDS`)
    .option('--tune-lr <rates>', "train every scheduler at every rate of a grid (e.g. 0.01,0.03,0.1,0.3, or 'auto': 5 rates a decade around the range test's suggestion), choose each one's rate on validation, then compare them on fresh seeds")
    .addOption(new Option('--select <metric>', 'with --tune-lr: what chooses the rate (mean over the selection repeats)').choices(SELECT_CHOICES).default('val_acc'))
    .option('--confirm-repeats <n>', `with --tune-lr: repeats of the comparison at the chosen rates, on fresh seeds (default: --repeats); at most ${LIMITS.repeats}`, integerOption(1, LIMITS.repeats))
    .addOption(new Option('--stage <stage>', 'with --tune-lr: all (default), select (only the selection runs: with --shard), confirm (the confirmation runs, with --from)').choices(TUNING_STAGES))
    .option('--from <file>', 'with --stage confirm: the merged selection results (lr-compare merge of the select shards)')
    .option('--no-chart', 'no terminal charts after the table')
    .option('--report <file.html>', 'also write the HTML report')
    .addHelpText('after', `\n${renderCatalogueSummary()}`)
    .action(async (options: RunOptions, self: Command) => {
      await runCommand(options, self);
    });
}

/** Options given on the command line win over the config file, which wins over the defaults. */
function mergeConfig(options: RunOptions, command: Command): ExperimentOptions {
  const config = options.config ? readExperimentConfig(resolve(options.config)) : {};
  const fromCommandLine = (key: string) => command.getOptionValueSource(key) === 'cli';
  const experiment = { ...options } as unknown as Record<string, unknown>;
  for (const { key } of EXPERIMENT_OPTIONS) {
    if (!fromCommandLine(key) && config[key] !== undefined) experiment[key] = config[key];
  }
  // Scheduler names: the command line, else the config, else 'all' unless only -s specs were given.
  let names: string[];
  if (fromCommandLine('schedulers')) names = options.schedulers.split(',');
  else if (config.schedulers && !options.scheduler?.length) names = config.schedulers;
  else if (options.scheduler?.length) names = [];
  else names = ['all'];
  experiment.schedulers = names.map((name) => name.trim()).filter((name) => name !== '');
  return experiment as unknown as ExperimentOptions;
}

async function runCommand(options: RunOptions, command: Command): Promise<void> {
  const format: OutputFormat = options.json ? 'json' : options.format;
  if (options.resume && !options.out) throw new UsageError('--resume needs --out <file>: the results file to continue');
  const shard = options.shard === 'env' ? shardFromEnvironment(process.env) : options.shard !== undefined ? parseShard(options.shard) : undefined;
  const from = options.from ? readResultsFile(resolve(options.from)) : undefined;
  const stage = tuningStage(options, shard !== undefined);
  const experiment = mergeConfig(options, command);
  let specs = resolveGridSelection(experiment.schedulers, options.scheduler ?? []);
  if (specs.length === 0) throw new UsageError('no scheduler to run: give --schedulers names or -s specs');
  if (specs.length > LIMITS.schedulers) {
    throw new UsageError(`${specs.length} scheduler runs per repeat is too many: at most ${LIMITS.schedulers}`);
  }
  if (options.engine === 'cohort') {
    // Refused before any training: asked for by name, the cohort must not quietly become per-run training.
    const untrainable = [experiment.optimizer, ...specs.map((spec) => spec.optimizer ?? experiment.optimizer)].find((optimizer) => !cohortSupports(optimizer));
    if (untrainable) throw new UsageError(cohortRefusal(untrainable));
  }
  const plannedRuns = specs.length * experiment.repeats;
  if (shard && shard.count > plannedRuns) {
    // Refused up front, for every i: a shard with no run would write a file that report and merge cannot use.
    throw new UsageError(
      `--shard ${shard.index}/${shard.count}: the plan has only ${plannedRuns} run(s) (${specs.length} scheduler(s) x ${experiment.repeats} repeat(s)), ` +
        `so it splits into at most ${plannedRuns} shard(s)`,
    );
  }
  const outGiven = options.out ?? defaultOutPath();
  const out = resolve(outGiven);
  const inputs: NamedPath[] = [];
  if (options.config) inputs.push({ option: '--config', given: options.config });
  for (const spec of specs) {
    if (spec.name === 'custom' && typeof spec.params.module === 'string') inputs.push({ option: `the module of '${spec.label}'`, given: spec.params.module });
  }
  const outputs: NamedPath[] = [{ option: '--out', given: outGiven }];
  if (options.report) outputs.push({ option: '--report', given: options.report });
  checkOutputPaths(outputs, inputs);
  // The partial file after each run is for --resume, which needs a regular file; a device or FIFO gets the final results once.
  const writePartial = !isStreamTarget(out);
  const previous = options.resume && existsSync(out) ? readResultsFile(out) : undefined;
  const shardText = (value: { index: number; count: number } | undefined) => (value ? `${value.index}/${value.count}` : 'none');
  if (previous && shardText(previous.shard) !== shardText(shard)) {
    // Resuming another slice would drop the file's runs: they are not in this slice's plan.
    throw new UsageError(`cannot resume ${out}: it holds shard ${shardText(previous.shard)}, this run is shard ${shardText(shard)}`);
  }
  assertWritable(out);
  if (options.report) assertWritable(resolve(options.report));

  let lr: number;
  let lrAuto: ComparisonRequest['lrAuto'];
  let tuning: TuningConfiguration | undefined;
  const confirmRepeats = options.confirmRepeats ?? experiment.repeats;
  if (options.tuneLr !== undefined && experiment.lr === 'auto') throw new UsageError("--lr auto and --tune-lr: give --tune-lr auto for a grid around the range test's suggestion");
  if (options.tuneLr !== undefined && options.tuneLr !== 'auto') tuning = { lr: parseRateGrid(options.tuneLr), select: options.select, confirmRepeats };
  if (options.tuneLr === 'auto' && from?.configuration.lrAuto && from.configuration.tuning) {
    // The confirmation stage uses the selection's grid: a second range test could only disagree.
    lr = from.configuration.lr;
    lrAuto = from.configuration.lrAuto;
    tuning = { lr: from.configuration.tuning.lr, select: options.select, confirmRepeats };
  } else if (experiment.lr === 'auto' || options.tuneLr === 'auto') {
    // One range test with the base seed: every scheduler and repeat then shares the rate.
    // Its bar on a terminal; in logs only the suggestion's line (plainEvery > 1: no step lines).
    let rangeTest: TaskProgress | undefined;
    const auto = await suggestBaseLearningRate({
      onStep: (point, steps) => {
        rangeTest ??= createTaskProgress({ label: '--lr auto: range test', total: steps, quiet: options.quiet === true, plainEvery: 2 });
        rangeTest.update(point.step + 1, `lr ${rate(point.lr)}`);
      },
      samples: experiment.samples,
      valSplit: experiment.valSplit,
      dataDir: experiment.dataDir ? resolve(experiment.dataDir) : undefined,
      batchSize: experiment.batchSize,
      optimizer: experiment.optimizer,
      seed: experiment.seed,
      backend: experiment.backend,
    });
    lr = auto.learningRate;
    const description = auto.finder.suggestions[auto.rule].description;
    lrAuto = { rule: auto.rule, learningRate: lr, description };
    if (options.tuneLr === 'auto') tuning = { lr: autoRateGrid(lr), select: options.select, confirmRepeats };
    else specs = specs.map((spec) => withSuggestedPeak(spec, lr));
    const suggested = `--${tuning ? 'tune-lr' : 'lr'} auto: the range test suggests ${rate(lr)} (${auto.rule}: ${description})${tuning ? `; grid ${tuning.lr.map(rate).join(', ')}` : ''}`;
    if (rangeTest) rangeTest.finish(suggested);
    else if (!options.quiet) process.stderr.write(`${suggested}\n`);
  } else {
    lr = experiment.lr;
  }
  if (experiment.weightDecay !== undefined && !specs.some((spec) => WEIGHT_DECAY_OPTIMIZERS.includes(spec.optimizer ?? experiment.optimizer))) {
    throw new UsageError(`--weight-decay applies to ${WEIGHT_DECAY_OPTIMIZERS.join(', ')}; no run uses one (give --optimizer or a spec's optimizer=)`);
  }
  if (stage !== 'all' && !tuning) throw new UsageError('--stage needs --tune-lr: only a tuned comparison runs in stages');
  const request: ComparisonRequest = {
    specs,
    lrAuto,
    epochs: experiment.epochs,
    lr,
    batchSize: experiment.batchSize,
    optimizer: experiment.optimizer,
    ...(experiment.weightDecay === undefined ? {} : { weightDecay: experiment.weightDecay }),
    seed: experiment.seed,
    repeats: experiment.repeats,
    samples: experiment.samples,
    valSplit: experiment.valSplit,
    testSamples: experiment.testSamples,
    dataDir: experiment.dataDir ? resolve(experiment.dataDir) : undefined,
    targetAcc: experiment.targetAcc,
    backend: experiment.backend,
    shard,
    jobs: options.jobs ?? 'auto',
    engine: options.engine,
    finishedRuns: previous?.runs,
    ...(tuning ? { tuning } : {}),
  };
  const quiet = options.quiet === true || format === 'json';
  const reporter = new ProgressReporter(process.stderr, experiment.epochs, options.quiet === true, { repeats: experiment.repeats + (tuning ? confirmRepeats : 0) });
  // Stage 'all' trains the confirmation after the selection: the overall line counts both from the start.
  const progress = tuning ? withGridPointLabels(reporter, stage === 'all' ? specs.length * confirmRepeats : 0) : reporter;
  const resumeArguments = [...process.argv.slice(2), ...(options.resume ? [] : ['--resume'])];
  const interrupt = installInterruptHandler({ out, resumeHint: resumeArguments.map(shellQuote).join(' ') });
  let results: ResultsFile;
  try {
    const hooks: ComparisonHooks = {
      progress,
      callbacks: [interrupt.callback],
      onBackend: (selection) => {
        if (!options.quiet) process.stderr.write(`${describeSelection(selection)}\n`);
      },
      onConfiguration: (configuration) => {
        const difference = previous && configurationDifference(previous.configuration, configuration);
        if (difference) throw new UsageError(`cannot resume ${out}: its configuration differs in ${difference}`);
        const fromDifference = from && configurationDifference(from.configuration, configuration, [options.from ?? 'from', 'now']);
        if (fromDifference) throw new UsageError(`cannot confirm the selection in ${options.from}: its configuration differs in ${fromDifference}`);
      },
      onResults: (partial) => {
        interrupt.latest = partial;
        if (writePartial) writeFileAtomic(out, resultsJson(partial));
      },
      onSnapshot: (current) => {
        interrupt.current = current;
      },
    };
    results = tuning ? await runTunedComparison({ ...request, tuning, stage, selectionRuns: from?.runs }, hooks) : await runComparison(request, hooks);
  } finally {
    // Before the table, or an error's message: no progress block left on screen.
    reporter.stop();
    interrupt.remove();
  }
  writeFileAtomic(out, resultsJson(results));
  if (options.report) await writeHtmlReport(results, resolve(options.report));

  if (format === 'json') {
    process.stdout.write(resultsJson(results));
  } else {
    const color = format === 'table' && colorEnabled(process.stdout);
    const compared = confirmationView(results);
    const width = terminalWidth(process.stdout);
    if (compared.runs.length > 0) process.stdout.write(`${renderResultsTable(compared, { color, format, width })}\n`);
    if (results.tuning) process.stdout.write(`${compared.runs.length > 0 ? '\n' : ''}${renderTuningTables(results, { color, format, width })}\n`);
    if (options.chart && format === 'table' && compared.runs.length > 0) process.stdout.write(`\n${renderTerminalCharts(compared, { color, width: process.stdout.columns })}\n`);
  }
  if (!quiet) {
    process.stderr.write(`results written to ${out}\n`);
    if (options.report) process.stderr.write(`report written to ${resolve(options.report)}\n`);
  }
}

/**
 * Which runs of a tuned comparison this invocation trains: --stage, else
 * confirm with --from, select with --shard (the selection must be merged
 * before any shard can confirm it), all otherwise.
 */
function tuningStage(options: RunOptions, sharded: boolean): TuningStage {
  const stage = options.stage ?? (options.from ? 'confirm' : sharded && options.tuneLr !== undefined ? 'select' : 'all');
  if (stage === 'confirm' && !options.from) throw new UsageError('--stage confirm needs --from <file>: the merged results of the selection stage');
  if (stage !== 'confirm' && options.from) throw new UsageError(`--from belongs to --stage confirm (this is --stage ${stage})`);
  if (stage === 'all' && sharded && options.tuneLr !== undefined) {
    throw new UsageError('a sharded tuned comparison runs in two stages: --stage select --shard i/n, merge, then --stage confirm --from merged.json --shard i/n');
  }
  return stage;
}

/**
 * Progress lines of a tuned run name the rate: the label alone does not tell the grid's runs apart.
 * `laterRuns`: runs of a later phase that the first start() counts in (the second start() is then ignored).
 */
function withGridPointLabels(progress: ComparisonProgress, laterRuns: number): ComparisonProgress {
  let started = false;
  const labelled = (task: RunTask): RunTask =>
    task.gridPoint ? { ...task, spec: { ...task.spec, label: `${task.spec.label} ${task.phase === 'selection' ? 'select' : 'confirm'} lr ${rate(task.gridPoint.lr)}` } } : task;
  return {
    start: (runCount, alreadyFinished) => {
      if (!started || laterRuns === 0) progress.start(runCount + laterRuns, alreadyFinished);
      started = true;
    },
    runStarted: (task) => progress.runStarted(labelled(task)),
    epoch: (task, record) => progress.epoch(labelled(task), record),
    runFinished: (task, result) => progress.runFinished(labelled(task), result),
  };
}
