import { rate } from '../format-rate.js';
import { duration, fixed, percent } from './format.js';
import { wrapText } from './fit-table.js';
import { renderTable, type OutputFormat, type TableModel } from './formats.js';
import type { ResultsFile, RunResult } from '../results/results.js';
import type { MetricStatistics, SchedulerStatistics } from '../results/statistics.js';

/** Best first: by best validation accuracy, then by lowest validation loss. */
export function rankRuns(runs: readonly RunResult[]): RunResult[] {
  return [...runs].sort(
    (a, b) =>
      (b.summary.bestValidationAccuracy ?? -1) - (a.summary.bestValidationAccuracy ?? -1) ||
      (a.summary.lowestValidationLoss ?? Infinity) - (b.summary.lowestValidationLoss ?? Infinity),
  );
}

function divergedNote(epoch: number | null): string {
  return epoch !== null ? ` (diverged at epoch ${epoch})` : '';
}

/** One row per run: the table for a single repeat. */
function singleRunModel(results: ResultsFile): TableModel {
  return {
    head: ['scheduler', 'final val acc', 'best val acc (epoch)', 'lowest val loss (epoch)', 'final val loss', 'test acc', 'final lr', 'time'],
    rows: rankRuns(results.runs).map((run) => {
      const s = run.summary;
      return [
        run.label + divergedNote(s.divergedAtEpoch),
        percent(s.finalValidationAccuracy),
        `${percent(s.bestValidationAccuracy)} (${s.bestValidationAccuracyEpoch})`,
        `${fixed(s.lowestValidationLoss)} (${s.lowestValidationLossEpoch})`,
        fixed(s.finalValidationLoss),
        percent(s.testAccuracy),
        rate(s.finalLearningRate),
        duration(s.seconds),
      ];
    }),
  };
}

/** Percent points without the % sign (the header says it): 0.9725 -> 97.25. */
function points(value: number | null | undefined, digits = 2): string {
  return value == null || !Number.isFinite(value) ? 'n/a' : (100 * value).toFixed(digits);
}


/** The single-run table for narrow terminals: two-line headers, no % signs, losses to 3 decimals. */
function singleRunNarrowModel(results: ResultsFile): TableModel {
  return {
    head: ['scheduler', 'final val\nacc %', 'best val\nacc % (ep)', 'min val\nloss (ep)', 'final val\nloss', 'test\nacc %', 'final\nlr', 'time'],
    rows: rankRuns(results.runs).map((run) => {
      const s = run.summary;
      return [
        run.label + (s.divergedAtEpoch !== null ? `\n(diverged at ${s.divergedAtEpoch})` : ''),
        points(s.finalValidationAccuracy),
        `${points(s.bestValidationAccuracy)} (${s.bestValidationAccuracyEpoch})`,
        `${fixed(s.lowestValidationLoss, 3)} (${s.lowestValidationLossEpoch})`,
        fixed(s.finalValidationLoss, 3),
        points(s.testAccuracy),
        rate(s.finalLearningRate, 3),
        duration(s.seconds),
      ];
    }),
  };
}

/**
 * mean ± std on the first line, the 95% confidence interval below it. With
 * few repeats the t-interval can pass an accuracy's bounds; it is shown
 * clipped to them (the JSON keeps the interval as computed).
 */
function meanCell(statistics: MetricStatistics, format: (value: number) => string, scale = 1, bounds: [number, number] = [-Infinity, Infinity]): string {
  const main = `${format(statistics.mean * scale)} ± ${format(statistics.std * scale)}`;
  if (!statistics.ci95) return main;
  const clip = (value: number) => Math.min(bounds[1], Math.max(bounds[0], value * scale));
  return `${main}\n[${format(clip(statistics.ci95[0]))}, ${format(clip(statistics.ci95[1]))}]`;
}

const PERCENT_BOUNDS: [number, number] = [0, 100];

function verdictCell(entry: SchedulerStatistics, short = false): string {
  const versus = entry.versusBest;
  if (versus === null) return 'best';
  if (versus.adjustedPValue === null) return 'cannot judge';
  const space = short ? '' : ' ';
  const p = versus.adjustedPValue < 0.001 ? `p${space}<${space}0.001` : `p${space}=${space}${versus.adjustedPValue.toFixed(3)}`;
  return `${versus.significant ? 'worse' : 'within noise'}\n${(100 * versus.meanDifference).toFixed(2)} ${short ? 'behind' : 'pts behind'}, ${p}`;
}

/** mean±std above the 95% interval lo–hi, without spaces: the narrow table's cell. */
function shortMeanCell(statistics: MetricStatistics, format: (value: number) => string, scale = 1, bounds: [number, number] = [-Infinity, Infinity]): string {
  const main = `${format(statistics.mean * scale)}±${format(statistics.std * scale)}`;
  if (!statistics.ci95) return main;
  const clip = (value: number) => Math.min(bounds[1], Math.max(bounds[0], value * scale));
  return `${main}\n${format(clip(statistics.ci95[0]))}–${format(clip(statistics.ci95[1]))}`;
}

/** The repeats table for narrow terminals: short headers, compact cells. */
function repeatsNarrowModel(results: ResultsFile): TableModel {
  const points2 = (value: number) => value.toFixed(2);
  const loss = (value: number) => value.toFixed(3);
  return {
    head: ['scheduler', 'best val\nacc %', 'final val\nacc %', 'min val\nloss', 'test\nacc %', 'test acc %\nat min vl', `epochs to\n${percent(results.configuration.targetAcc, 0)}`, 's/ep', 'vs best'],
    rows: results.statistics.schedulers.map((entry) => {
      const m = entry.metrics;
      const target = entry.epochsToTarget;
      return [
        `${entry.label}${entry.diverged ? `\n(${entry.diverged} diverged)` : ''}`,
        shortMeanCell(m.bestValidationAccuracy, points2, 100, PERCENT_BOUNDS),
        shortMeanCell(m.finalValidationAccuracy, points2, 100, PERCENT_BOUNDS),
        shortMeanCell(m.lowestValidationLoss, loss, 1, [0, Infinity]),
        shortMeanCell(m.testAccuracy, points2, 100, PERCENT_BOUNDS),
        shortMeanCell(m.testAccuracyAtBestValidationLoss, points2, 100, PERCENT_BOUNDS),
        target.meanEpoch === null ? 'never' : `${target.meanEpoch.toFixed(1)} (${target.reached}/${entry.repeats})`,
        m.secondsPerEpoch.mean.toFixed(3),
        verdictCell(entry, true),
      ];
    }),
  };
}

/** One row per scheduler with statistics across repeats. */
function repeatsModel(results: ResultsFile): TableModel {
  const points = (value: number) => value.toFixed(2);
  return {
    head: ['scheduler', 'best val\nacc %', 'final val\nacc %', 'lowest\nval loss', 'test\nacc %', 'test acc % at\nbest val loss', `epochs to\n${percent(results.configuration.targetAcc, 0)}`, 's/epoch', 'vs best'],
    rows: results.statistics.schedulers.map((entry) => {
      const m = entry.metrics;
      const target = entry.epochsToTarget;
      return [
        `${entry.label}${entry.diverged ? `\n(${entry.diverged} diverged)` : ''}`,
        meanCell(m.bestValidationAccuracy, points, 100, PERCENT_BOUNDS),
        meanCell(m.finalValidationAccuracy, points, 100, PERCENT_BOUNDS),
        meanCell(m.lowestValidationLoss, (value) => value.toFixed(4), 1, [0, Infinity]),
        meanCell(m.testAccuracy, points, 100, PERCENT_BOUNDS),
        meanCell(m.testAccuracyAtBestValidationLoss, points, 100, PERCENT_BOUNDS),
        target.meanEpoch === null ? 'never' : `${target.meanEpoch.toFixed(1)} (${target.reached}/${entry.repeats})`,
        m.secondsPerEpoch.mean.toFixed(3),
        verdictCell(entry),
      ];
    }),
  };
}

export function resultsTableModel(results: ResultsFile): TableModel {
  return results.statistics.repeats >= 2 ? repeatsModel(results) : singleRunModel(results);
}

/** The narrow terminal's model: the same cells as resultsTableModel, shorter. */
export function narrowResultsTableModel(results: ResultsFile): TableModel {
  return results.statistics.repeats >= 2 ? repeatsNarrowModel(results) : singleRunNarrowModel(results);
}

/**
 * The table, best first, and the conclusion in plain words. `width`: the
 * terminal's columns, which table and conclusion then fit (see fit-table.ts);
 * undefined (a file, a pipe) gives the full table.
 */
export function renderResultsTable(results: ResultsFile, options: { color?: boolean; format?: Exclude<OutputFormat, 'json'>; width?: number } = {}): string {
  const format = options.format ?? 'table';
  const width = format === 'table' ? options.width : undefined;
  const table = renderTable(resultsTableModel(results), format, { color: options.color, width, narrow: narrowResultsTableModel(results) });
  const partial = results.complete ? '' : '\nPartial results: not every run has finished.';
  return `${table}\n\n${wrapText(`${results.statistics.conclusion}${partial}`, width)}`;
}
