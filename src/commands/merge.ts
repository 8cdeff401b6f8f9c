import type { Command } from 'commander';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { checkOutputPaths, writeFileAtomic } from '../report/atomic.js';
import { LIMITS } from '../limits.js';
import { configurationDifference, RESULTS_VERSION, resultsJson, type ResultsFile, type RunResult, type UnfinishedRun } from '../results/results.js';
import { compareSchedulers } from '../results/statistics.js';
import { inPlanOrder, runKey } from '../train/plan.js';
import { readResultsFile } from '../results/results-file.js';
import { tuningOfRuns } from '../results/tuning.js';

/** The runs a complete file of this configuration holds (a tuned one: selection and confirmation runs). */
export function plannedRunCount(configuration: ResultsFile['configuration']): number {
  const schedulers = configuration.schedulers.length;
  const tuning = configuration.tuning;
  return tuning ? schedulers * (configuration.repeats * tuning.lr.length + tuning.confirmRepeats) : schedulers * configuration.repeats;
}

/**
 * Combines results files (shards of one plan, or partial runs) into one,
 * after checking that they describe the same experiment on the same backend.
 */
export function mergeResults(files: readonly { path: string; results: ResultsFile }[]): ResultsFile {
  const [first, ...rest] = files;
  for (const other of rest) {
    const difference = configurationDifference(first.results.configuration, other.results.configuration, [first.path, other.path]);
    if (difference) throw new UsageError(`cannot merge ${other.path} with ${first.path}: their configurations differ in ${difference}`);
    if (other.results.environment.backend !== first.results.environment.backend) {
      throw new UsageError(
        `cannot merge ${other.path} with ${first.path}: they ran on different backends ` +
          `(${other.results.environment.backend} and ${first.results.environment.backend}), so their numbers are not comparable`,
      );
    }
  }
  const seen = new Map<string, string>();
  const found: RunResult[] = [];
  for (const { path, results } of files) {
    for (const run of results.runs) {
      const key = runKey(run);
      const earlier = seen.get(key);
      // Every confirmation shard carries the selection it confirms: the same runs, kept once.
      if (earlier && run.phase === 'selection' && JSON.stringify(run) === JSON.stringify(found.find((other) => runKey(other) === key))) continue;
      if (earlier) throw new UsageError(`run ${run.label} (repeat ${run.repeat}) appears in both ${earlier} and ${path}`);
      seen.set(key, path);
      found.push(run);
    }
  }
  // Runs an interrupted shard was still training: kept unless another file has the run finished;
  // of two interrupted copies, the one that got further.
  const unfinished = new Map<string, UnfinishedRun>();
  for (const { results } of files) {
    for (const run of results.unfinishedRuns ?? []) {
      const key = runKey(run);
      if (seen.has(key)) continue;
      const earlier = unfinished.get(key);
      if (!earlier || run.history.length > earlier.history.length) unfinished.set(key, run);
    }
  }
  const base = first.results;
  const tuning = base.configuration.tuning;
  const planOrder = tuning && { grid: tuning.lr, repeats: base.configuration.repeats };
  const runs = inPlanOrder(found, base.configuration.schedulers, planOrder);
  const unfinishedRuns = inPlanOrder([...unfinished.values()], base.configuration.schedulers, planOrder);
  const planned = plannedRunCount(base.configuration);
  return {
    version: RESULTS_VERSION,
    createdAt: files.map((file) => file.results.createdAt).sort()[0],
    complete: runs.length === planned,
    configuration: base.configuration,
    environment: base.environment,
    runs,
    ...(unfinishedRuns.length > 0 ? { unfinishedRuns } : {}),
    statistics: compareSchedulers(runs, base.configuration.validationSamples),
    // The selection, computed from the merged runs exactly as an unsharded run computes it.
    ...(tuning ? { tuning: tuningOfRuns(base.configuration, runs) } : {}),
  };
}

export function register(program: Command): void {
  program
    .command('merge')
    .description('combine results files (shards made with run --shard i/n) into one')
    .argument('<files...>', `results files to merge (2 to ${LIMITS.mergeFiles})`)
    .requiredOption('--out <file>', 'the merged results file (a new file: it may not be one of the inputs)')
    .action((paths: string[], options: { out: string }) => {
      if (paths.length < 2) throw new UsageError('merge needs at least two results files');
      if (paths.length > LIMITS.mergeFiles) throw new UsageError(`${paths.length} results files are too many to merge at once: at most ${LIMITS.mergeFiles}`);
      // Merging into one of the inputs is refused: a failed merge must leave every input as it was.
      checkOutputPaths(
        [{ option: '--out', given: options.out }],
        paths.map((path) => ({ option: 'results file', given: path })),
      );
      const merged = mergeResults(paths.map((path) => ({ path, results: readResultsFile(resolve(path)) })));
      const out = resolve(options.out);
      writeFileAtomic(out, resultsJson(merged));
      const planned = plannedRunCount(merged.configuration);
      process.stderr.write(
        `merged ${paths.length} files: ${merged.runs.length} of ${planned} runs${merged.complete ? '' : ' (incomplete)'}; written to ${out}\n`,
      );
    });
}
