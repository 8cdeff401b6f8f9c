import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ResultsFile, RunResult } from '../../src/results/results.js';
import { compareSchedulers } from '../../src/results/statistics.js';
import { lrCompare, temporaryFolder } from '../cli/helpers.js';

export { lrCompare, temporaryFolder };

/** Small and quick, but real: MNIST images, the real training loop, the CLI as a user runs it. */
export const SMALL_RUN = ['--samples', '300', '--test-samples', '100', '--backend', 'wasm', '--quiet'] as const;

/** Runs `lr-compare run` with `args` and returns the results file it wrote. */
export function realRun(args: readonly string[]): { path: string; results: ResultsFile } {
  const path = join(temporaryFolder('lr-compare-report-'), 'results.json');
  const run = lrCompare(['run', ...SMALL_RUN, ...args, '--out', path]);
  if (run.status !== 0) throw new Error(`lr-compare run failed (${run.status}):\n${run.stderr}`);
  return { path, results: JSON.parse(readFileSync(path, 'utf8')) as ResultsFile };
}

/** The file an interrupted run leaves: the runs that finished, `complete: false`. */
export function interrupted(results: ResultsFile, keep: number): ResultsFile {
  const runs = results.runs.slice(0, keep);
  // Nothing to compare before the first run finishes.
  const statistics = runs.length > 0 ? compareSchedulers(runs, results.configuration.validationSamples) : undefined;
  return { ...results, complete: false, runs, statistics } as ResultsFile;
}

export function runsOf(results: ResultsFile, label: string): RunResult[] {
  return results.runs.filter((run) => run.label === label);
}

/** ANSI colour codes out, for measuring what a terminal shows. */
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
