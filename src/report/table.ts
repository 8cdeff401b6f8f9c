import Table from 'cli-table3';
import { duration, fixed, percent, rate } from './format.js';
import type { ResultsFile, RunResult } from './results.js';

/** Best first: by best validation accuracy, then by lowest validation loss. */
export function rankRuns(runs: readonly RunResult[]): RunResult[] {
  return [...runs].sort(
    (a, b) =>
      (b.summary.bestValidationAccuracy ?? -1) - (a.summary.bestValidationAccuracy ?? -1) ||
      (a.summary.lowestValidationLoss ?? Infinity) - (b.summary.lowestValidationLoss ?? Infinity),
  );
}

const HEADERS = [
  'scheduler',
  'final val acc',
  'best val acc (epoch)',
  'lowest val loss (epoch)',
  'final val loss',
  'test acc',
  'final lr',
  'time',
];

function row(run: RunResult): string[] {
  const s = run.summary;
  const diverged = s.divergedAtEpoch !== null ? ` (diverged at epoch ${s.divergedAtEpoch})` : '';
  return [
    run.label + diverged,
    percent(s.finalValidationAccuracy),
    `${percent(s.bestValidationAccuracy)} (${s.bestValidationAccuracyEpoch})`,
    `${fixed(s.lowestValidationLoss)} (${s.lowestValidationLossEpoch})`,
    fixed(s.finalValidationLoss),
    percent(s.testAccuracy),
    rate(s.finalLearningRate),
    duration(s.seconds),
  ];
}

/** The terminal table of a single-repeat comparison. */
export function renderRunTable(results: ResultsFile, options: { color?: boolean } = {}): string {
  const table = new Table({
    head: HEADERS,
    style: options.color ? { head: ['cyan'] } : { head: [], border: [] },
    colAligns: ['left', 'right', 'right', 'right', 'right', 'right', 'right', 'right'],
  });
  for (const run of rankRuns(results.runs)) table.push(row(run));
  return table.toString();
}
