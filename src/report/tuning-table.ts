import { wrapText } from './fit-table.js';
import { rate } from './format.js';
import { renderTable, type OutputFormat, type TableModel } from './formats.js';
import type { ResultsFile } from '../results/results.js';
import { confirmationView } from '../results/tuning.js';

/**
 * The two tables of a tuned comparison (run --tune-lr): each scheduler's
 * chosen rate with its confirmed test accuracy, and the sensitivity table,
 * each scheduler's selection score at every grid rate (mean ± sd over the
 * selection repeats), which shows how much a badly chosen rate costs.
 */

function scoreText(value: number, select: string, digits: number): string {
  if (!Number.isFinite(value)) return 'diverged';
  return select === 'val_acc' ? (100 * value).toFixed(digits) : value.toFixed(digits + 2);
}

function spreadText(mean: number, std: number, n: number, select: string, digits: number): string {
  if (n === 0) return '-';
  if (!Number.isFinite(mean)) return 'diverged';
  const scale = select === 'val_acc' ? 100 : 1;
  const places = select === 'val_acc' ? digits : digits + 2;
  return n < 2 ? (scale * mean).toFixed(places) : `${(scale * mean).toFixed(places)} ± ${(scale * std).toFixed(places)}`;
}

function selectWords(select: string): string {
  return select === 'val_acc' ? 'best val acc %' : 'lowest val loss';
}

export function chosenRatesModel(results: ResultsFile, narrow = false): TableModel | undefined {
  const tuning = results.tuning;
  if (!tuning?.selected) return undefined;
  const statistics = confirmationView(results).statistics;
  const byLabel = new Map(statistics.schedulers.map((entry) => [entry.label, entry]));
  const labels = Object.keys(tuning.selected);
  const head = narrow
    ? ['scheduler', 'lr', `select\n${tuning.select}`, 'test\nacc %']
    : ['scheduler', 'chosen lr', `selection (${selectWords(tuning.select)})`, 'confirmed test acc % (mean ± sd)'];
  return {
    head,
    rows: labels.map((label) => {
      const chosen = tuning.selected?.[label] as { lr: number; selectionScore: number };
      const test = byLabel.get(label)?.metrics.testAccuracy;
      return [label, rate(chosen.lr), scoreText(chosen.selectionScore, tuning.select, 2), test ? spreadText(test.mean, test.std, test.n, 'val_acc', 2) : 'not yet'];
    }),
  };
}

export function sensitivityModel(results: ResultsFile, narrow = false): TableModel | undefined {
  const tuning = results.tuning;
  if (!tuning) return undefined;
  const labels = Object.keys(tuning.sensitivity);
  return {
    head: ['scheduler', ...tuning.grid.lr.map((lr) => `lr ${rate(lr)}`)],
    rows: labels.map((label) => [
      label,
      ...(tuning.sensitivity[label] ?? []).map((point) => {
        const chosen = tuning.selected?.[label]?.lr === point.lr ? ' *' : '';
        return narrow ? `${scoreText(point.n > 0 ? point.mean : Number.NaN, tuning.select, 1)}${chosen}` : `${spreadText(point.mean, point.std, point.n, tuning.select, 2)}${chosen}`;
      }),
    ]),
  };
}

/** Both tables with a line saying what they are; '' for an untuned file. */
export function renderTuningTables(results: ResultsFile, options: { color?: boolean; format?: Exclude<OutputFormat, 'json'>; width?: number } = {}): string {
  const tuning = results.tuning;
  if (!tuning) return '';
  const format = options.format ?? 'table';
  const width = format === 'table' ? options.width : undefined;
  const parts: string[] = [];
  const chosen = chosenRatesModel(results);
  if (chosen) {
    parts.push(wrapText(`Rates chosen on validation (seeds ${tuning.seeds.selection.join('..')}), confirmed on fresh seeds ${tuning.seeds.confirmation.join('..')}:`, width));
    parts.push(renderTable(chosen, format, { color: options.color, width, narrow: chosenRatesModel(results, true) }));
  } else {
    parts.push('No rate is chosen yet: not every selection run is in this file (merge the selection shards).');
  }
  const sensitivity = sensitivityModel(results);
  if (sensitivity) {
    parts.push(wrapText(`Sensitivity: ${selectWords(tuning.select)} at every rate of the grid (mean ± sd over the selection repeats; * chosen):`, width));
    parts.push(renderTable(sensitivity, format, { color: options.color, width, narrow: sensitivityModel(results, true) }));
  }
  return parts.join('\n\n');
}
