import Table from 'cli-table3';
import { duration, fixed, percent, rate } from './format.js';
import type { ResultsFile, RunResult } from './results.js';
import type { MetricStatistics, SchedulerStatistics } from './statistics.js';

/** Best first: by best validation accuracy, then by lowest validation loss. */
export function rankRuns(runs: readonly RunResult[]): RunResult[] {
  return [...runs].sort(
    (a, b) =>
      (b.summary.bestValidationAccuracy ?? -1) - (a.summary.bestValidationAccuracy ?? -1) ||
      (a.summary.lowestValidationLoss ?? Infinity) - (b.summary.lowestValidationLoss ?? Infinity),
  );
}

/** Rows without separators unless cells span several lines. */
const COMPACT_ROWS = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

function newTable(head: string[], color: boolean, multiLine = false): Table.Table {
  return new Table({
    head,
    style: color ? { head: ['cyan'] } : { head: [], border: [] },
    colAligns: ['left', ...head.slice(1).map(() => 'right' as const)],
    ...(multiLine ? {} : { chars: COMPACT_ROWS }),
  });
}

function divergedNote(epoch: number | null): string {
  return epoch !== null ? ` (diverged at epoch ${epoch})` : '';
}

/** One row per run: the table for a single repeat. */
function singleRunTable(results: ResultsFile, color: boolean): string {
  const table = newTable(
    ['scheduler', 'final val acc', 'best val acc (epoch)', 'lowest val loss (epoch)', 'final val loss', 'test acc', 'final lr', 'time'],
    color,
  );
  for (const run of rankRuns(results.runs)) {
    const s = run.summary;
    table.push([
      run.label + divergedNote(s.divergedAtEpoch),
      percent(s.finalValidationAccuracy),
      `${percent(s.bestValidationAccuracy)} (${s.bestValidationAccuracyEpoch})`,
      `${fixed(s.lowestValidationLoss)} (${s.lowestValidationLossEpoch})`,
      fixed(s.finalValidationLoss),
      percent(s.testAccuracy),
      rate(s.finalLearningRate),
      duration(s.seconds),
    ]);
  }
  return table.toString();
}

/** mean ± std on the first line, the 95% confidence interval below it. */
function meanCell(statistics: MetricStatistics, format: (value: number) => string, scale = 1): string {
  const main = `${format(statistics.mean * scale)} ± ${format(statistics.std * scale)}`;
  if (!statistics.ci95) return main;
  return `${main}\n[${format(statistics.ci95[0] * scale)}, ${format(statistics.ci95[1] * scale)}]`;
}

function verdictCell(entry: SchedulerStatistics): string {
  const versus = entry.versusBest;
  if (versus === null) return 'best';
  if (versus.adjustedPValue === null) return 'cannot judge';
  const p = versus.adjustedPValue < 0.001 ? 'p < 0.001' : `p = ${versus.adjustedPValue.toFixed(3)}`;
  return `${versus.significant ? 'worse' : 'within noise'}\n${(100 * versus.meanDifference).toFixed(2)} pts behind, ${p}`;
}

/** One row per scheduler with statistics across repeats. */
function repeatsTable(results: ResultsFile, color: boolean): string {
  const points = (value: number) => value.toFixed(2);
  const table = newTable(
    ['scheduler', 'best val\nacc %', 'final val\nacc %', 'lowest\nval loss', 'test\nacc %', 'test acc % at\nbest val loss', `epochs to\n${percent(results.configuration.targetAcc, 0)}`, 's/epoch', 'vs best'],
    color,
    true,
  );
  for (const entry of results.statistics.schedulers) {
    const m = entry.metrics;
    const target = entry.epochsToTarget;
    table.push([
      `${entry.label}${entry.diverged ? `\n(${entry.diverged} diverged)` : ''}`,
      meanCell(m.bestValidationAccuracy, points, 100),
      meanCell(m.finalValidationAccuracy, points, 100),
      meanCell(m.lowestValidationLoss, (value) => value.toFixed(4)),
      meanCell(m.testAccuracy, points, 100),
      meanCell(m.testAccuracyAtBestValidationLoss, points, 100),
      target.meanEpoch === null ? 'never' : `${target.meanEpoch.toFixed(1)} (${target.reached}/${entry.repeats})`,
      m.secondsPerEpoch.mean.toFixed(3),
      verdictCell(entry),
    ]);
  }
  return table.toString();
}

/** The terminal table, best first, and the conclusion in plain words. */
export function renderResultsTable(results: ResultsFile, options: { color?: boolean } = {}): string {
  const color = options.color === true;
  const table = results.statistics.repeats >= 2 ? repeatsTable(results, color) : singleRunTable(results, color);
  const partial = results.complete ? '' : '\nPartial results: not every run has finished.';
  return `${table}\n${results.statistics.conclusion}${partial}`;
}
