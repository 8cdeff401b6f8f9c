import type { Command } from 'commander';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { fixed, percent } from '../report/format.js';
import { renderTable, type OutputFormat } from '../report/formats.js';
import { formatOption } from './format-option.js';
import { configurationDifference, type ResultsFile } from '../results/results.js';
import { describeValues, SIGNIFICANCE_LEVEL, welchTTest } from '../results/statistics.js';
import { readResultsFile } from '../results/results-file.js';
import { colorEnabled, terminalWidth } from '../report/terminal.js';
import type { TableLayouts } from '../report/fit-table.js';

export interface ComparedScheduler {
  readonly label: string;
  readonly first: { readonly bestValidationAccuracy: number; readonly testAccuracy: number; readonly lowestValidationLoss: number; readonly repeats: number };
  readonly second: { readonly bestValidationAccuracy: number; readonly testAccuracy: number; readonly lowestValidationLoss: number; readonly repeats: number };
  /** second - first, mean best validation accuracy. */
  readonly difference: number;
  /** Welch's t-test on best validation accuracy when both files have at least 2 repeats. */
  readonly pValue: number | null;
  readonly significant: boolean | null;
}

function means(results: ResultsFile, label: string) {
  const runs = results.runs.filter((run) => run.label === label);
  const mean = (values: number[]) => describeValues(values).mean;
  return {
    bestValidationAccuracy: mean(runs.map((run) => run.summary.bestValidationAccuracy)),
    testAccuracy: mean(runs.map((run) => run.summary.testAccuracy)),
    lowestValidationLoss: mean(runs.map((run) => run.summary.lowestValidationLoss)),
    repeats: runs.length,
  };
}

/** The schedulers common to both files, side by side, with the significance of each difference where repeats allow. */
export function compareResults(first: ResultsFile, second: ResultsFile): ComparedScheduler[] {
  const labels = [...new Set(first.runs.map((run) => run.label))].filter((label) => second.runs.some((run) => run.label === label));
  return labels.map((label) => {
    const values = (results: ResultsFile) => results.runs.filter((run) => run.label === label).map((run) => run.summary.bestValidationAccuracy);
    const { pValue } = welchTTest(values(second), values(first));
    const a = means(first, label);
    const b = means(second, label);
    return { label, first: a, second: b, difference: b.bestValidationAccuracy - a.bestValidationAccuracy, pValue, significant: pValue === null ? null : pValue < SIGNIFICANCE_LEVEL };
  });
}

/** The side-by-side table as it always was (full) and for narrow terminals: short headers, no % signs. */
export function comparisonTableModels(compared: readonly ComparedScheduler[]): TableLayouts {
  const rows = compared.map((entry) => [
    entry.label,
    percent(entry.first.bestValidationAccuracy),
    percent(entry.second.bestValidationAccuracy),
    `${entry.difference >= 0 ? '+' : ''}${(100 * entry.difference).toFixed(2)} pts`,
    entry.pValue === null ? 'n/a (needs 2+ repeats in both)' : `p = ${entry.pValue.toFixed(3)}${entry.significant ? ' (significant)' : ''}`,
    percent(entry.first.testAccuracy),
    percent(entry.second.testAccuracy),
    fixed(entry.first.lowestValidationLoss),
    fixed(entry.second.lowestValidationLoss),
  ]);
  const head = ['scheduler', 'best val acc a', 'best val acc b', 'b - a', "Welch's t-test", 'test acc a', 'test acc b', 'lowest val loss a', 'lowest val loss b'];
  const narrow = {
    head: ['scheduler', 'best val\nacc % a', 'best val\nacc % b', 'b - a\npts', "Welch's\nt-test", 'test\nacc % a', 'test\nacc % b', 'min val\nloss a', 'min val\nloss b'],
    rows: compared.map((entry) => [
      entry.label,
      (100 * entry.first.bestValidationAccuracy).toFixed(2),
      (100 * entry.second.bestValidationAccuracy).toFixed(2),
      `${entry.difference >= 0 ? '+' : ''}${(100 * entry.difference).toFixed(2)}`,
      entry.pValue === null ? 'n/a: needs\n2+ repeats' : `p=${entry.pValue.toFixed(3)}${entry.significant ? '\nsignificant' : ''}`,
      (100 * entry.first.testAccuracy).toFixed(2),
      (100 * entry.second.testAccuracy).toFixed(2),
      entry.first.lowestValidationLoss.toFixed(3),
      entry.second.lowestValidationLoss.toFixed(3),
    ]),
  };
  return { full: { head, rows }, narrow };
}

export function register(program: Command): void {
  program
    .command('compare')
    .description('side-by-side table of the schedulers two results files have in common, with their differences')
    .argument('<a>', 'first results file')
    .argument('<b>', 'second results file')
    .addOption(formatOption('output'))
    .action((pathA: string, pathB: string, options: { format: OutputFormat }) => {
      const first = readResultsFile(resolve(pathA));
      const second = readResultsFile(resolve(pathB));
      const compared = compareResults(first, second);
      if (compared.length === 0) throw new UsageError(`${pathA} and ${pathB} have no scheduler in common`);
      const configDifference = configurationDifference(first.configuration, second.configuration, ['a', 'b']);
      if (options.format === 'json') {
        process.stdout.write(`${JSON.stringify({ a: pathA, b: pathB, configurationDifference: configDifference, schedulers: compared }, null, 2)}\n`);
        return;
      }
      const color = options.format === 'table' && colorEnabled(process.stdout);
      const { full, narrow } = comparisonTableModels(compared);
      process.stdout.write(`${renderTable(full, options.format, { color, width: terminalWidth(process.stdout), narrow })}\n`);
      if (configDifference) process.stdout.write(`note: the two experiments differ in ${configDifference}\n`);
    });
}
