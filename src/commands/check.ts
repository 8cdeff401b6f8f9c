import type { Command } from 'commander';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { percent } from '../report/format.js';
import { renderTable, type OutputFormat } from '../report/formats.js';
import { formatOption } from './format-option.js';
import { configurationDifference, type ResultsFile } from '../results/results.js';
import { describeValues } from '../results/statistics.js';
import { numberOption } from './options.js';
import { readResultsFile } from '../results/results-file.js';
import { colorEnabled, terminalWidth } from '../report/terminal.js';
import type { TableLayouts } from '../report/fit-table.js';

export interface CheckOutcome {
  readonly check: string;
  readonly subject: string;
  readonly value: number | null;
  readonly limit: number | null;
  /** 'skipped' when the baseline has no such scheduler. */
  readonly verdict: 'pass' | 'fail' | 'skipped';
}

export interface CheckThresholds {
  readonly minValAcc?: number;
  readonly minTestAcc?: number;
  readonly baseline?: ResultsFile;
  readonly maxDrop?: number;
}

function verdict(ok: boolean): 'pass' | 'fail' {
  return ok ? 'pass' : 'fail';
}

/** Mean of a summary metric over a scheduler's repeats (a diverged run counts as NaN and fails). */
function meanOf(results: ResultsFile, label: string, metric: 'finalValidationAccuracy' | 'testAccuracy'): number {
  const values = results.runs.filter((run) => run.label === label).map((run) => run.summary[metric] ?? Number.NaN);
  return values.some((value) => !Number.isFinite(value)) ? Number.NaN : describeValues(values).mean;
}

/**
 * The checks of a CI benchmark job: every run's final validation accuracy and
 * test accuracy against minimums, and each scheduler's mean against the
 * baseline's same scheduler, allowing a drop of at most maxDrop.
 */
export function checkResults(results: ResultsFile, thresholds: CheckThresholds): CheckOutcome[] {
  const outcomes: CheckOutcome[] = [];
  if (!results.complete) outcomes.push({ check: 'complete', subject: 'results', value: null, limit: null, verdict: 'fail' });
  for (const run of results.runs) {
    const subject = results.configuration.repeats > 1 ? `${run.label} (repeat ${run.repeat})` : run.label;
    const s = run.summary;
    if (s.divergedAtEpoch !== null) outcomes.push({ check: 'did not diverge', subject, value: s.divergedAtEpoch, limit: null, verdict: 'fail' });
    if (thresholds.minValAcc !== undefined) {
      const value = s.finalValidationAccuracy ?? Number.NaN;
      outcomes.push({ check: 'final val acc >= min', subject, value, limit: thresholds.minValAcc, verdict: verdict(value >= thresholds.minValAcc) });
    }
    if (thresholds.minTestAcc !== undefined) {
      const value = s.testAccuracy ?? Number.NaN;
      outcomes.push({ check: 'test acc >= min', subject, value, limit: thresholds.minTestAcc, verdict: verdict(value >= thresholds.minTestAcc) });
    }
  }
  const { baseline, maxDrop } = thresholds;
  if (baseline && maxDrop !== undefined) {
    const labels = [...new Set(results.runs.map((run) => run.label))];
    for (const label of labels) {
      for (const [metric, name] of [['finalValidationAccuracy', 'val acc'], ['testAccuracy', 'test acc']] as const) {
        const check = `${name} drop vs baseline <= max`;
        if (!baseline.runs.some((run) => run.label === label)) {
          outcomes.push({ check, subject: label, value: null, limit: maxDrop, verdict: 'skipped' });
          continue;
        }
        const drop = meanOf(baseline, label, metric) - meanOf(results, label, metric);
        outcomes.push({ check, subject: label, value: drop, limit: maxDrop, verdict: verdict(drop <= maxDrop) });
      }
    }
  }
  return outcomes;
}

/** The checks' table (full), and for narrow terminals the same checks named shorter ('cosine #2' for repeat 2). */
export function checkTableModels(outcomes: readonly CheckOutcome[]): TableLayouts {
  const rows = outcomes.map((outcome) => [
    outcome.check,
    outcome.subject,
    outcome.value === null ? '' : outcome.check.includes('drop') ? `${(100 * outcome.value).toFixed(2)} pts` : outcome.check === 'did not diverge' ? `epoch ${outcome.value}` : percent(outcome.value),
    outcome.limit === null ? '' : outcome.check.includes('drop') ? `${(100 * outcome.limit).toFixed(2)} pts` : percent(outcome.limit),
    outcome.verdict.toUpperCase(),
  ]);
  const head = ['check', 'run', 'value', 'limit', 'verdict'];
  const narrow = { head, rows: rows.map(([check, subject, ...rest]) => [check.replace(' vs baseline', ''), subject.replace(/ \(repeat (\d+)\)$/, ' #$1'), ...rest]) };
  return { full: { head, rows }, narrow };
}

interface CheckOptions {
  minValAcc?: number;
  minTestAcc?: number;
  baseline?: string;
  maxDrop?: number;
  format: OutputFormat;
}

export function register(program: Command): void {
  const fraction = numberOption({ atLeast: 0, atMost: 1 });
  program
    .command('check')
    .description('exit 0 when every run meets the thresholds (and has not dropped against a baseline), 1 otherwise')
    .argument('<results>', 'results file of lr-compare run')
    .option('--min-val-acc <fraction>', "each run's final validation accuracy must reach this", fraction)
    .option('--min-test-acc <fraction>', "each run's test accuracy must reach this", fraction)
    .option('--baseline <file>', 'results file to compare against, scheduler by scheduler')
    .option('--max-drop <fraction>', 'largest allowed drop of the mean val/test accuracy against the baseline (0.01 = 1 point)', fraction)
    .addOption(formatOption('output'))
    .action((path: string, options: CheckOptions) => {
      if ((options.baseline === undefined) !== (options.maxDrop === undefined)) {
        throw new UsageError('--baseline and --max-drop go together: give both or neither');
      }
      if (options.minValAcc === undefined && options.minTestAcc === undefined && options.baseline === undefined) {
        throw new UsageError('nothing to check: give --min-val-acc, --min-test-acc, or --baseline with --max-drop');
      }
      const results = readResultsFile(resolve(path));
      const baseline = options.baseline ? readResultsFile(resolve(options.baseline)) : undefined;
      for (const [file, data] of [[path, results], [options.baseline, baseline]] as const) {
        if (data?.shard) throw new UsageError(`${file} is shard ${data.shard.index}/${data.shard.count} of a run: combine the shards with lr-compare merge first`);
      }
      const difference = baseline && configurationDifference(baseline.configuration, results.configuration, ['baseline', 'results']);
      if (difference && options.format !== 'json') process.stderr.write(`note: the baseline's experiment differs in ${difference}\n`);
      const outcomes = checkResults(results, { ...options, baseline });
      const failed = outcomes.filter((outcome) => outcome.verdict === 'fail').length;
      if (options.format === 'json') {
        process.stdout.write(`${JSON.stringify({ passed: failed === 0, checks: outcomes }, null, 2)}\n`);
      } else {
        const { full, narrow } = checkTableModels(outcomes);
        const color = options.format === 'table' && colorEnabled(process.stdout);
        process.stdout.write(`${renderTable(full, options.format, { color, width: terminalWidth(process.stdout), narrow })}\n`);
        process.stdout.write(`${failed === 0 ? 'all checks passed' : `${failed} of ${outcomes.length} checks failed`}\n`);
      }
      process.exitCode = failed === 0 ? 0 : 1;
    });
}
