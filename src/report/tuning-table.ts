import { wrapText } from './fit-table.js';
import { rate } from '../format-rate.js';
import { renderTable, type OutputFormat, type TableModel } from './formats.js';
import type { ResultsFile } from '../results/results.js';
import { confirmationView } from '../results/tuning.js';
import { maxOf, minOf } from '../extent.js';

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

/** A rate chosen at the grid's end may not be the best: the best may lie beyond the grid. */
export function gridEdgeWarning(results: ResultsFile): string | undefined {
  const tuning = results.tuning;
  if (!tuning?.selected || tuning.grid.lr.length < 2) return undefined;
  const lowest = tuning.grid.lr[0];
  const highest = tuning.grid.lr[tuning.grid.lr.length - 1];
  const at = (lr: number) => Object.entries(tuning.selected ?? {}).filter(([, chosen]) => chosen.lr === lr).map(([label]) => label);
  const notes = [
    ...(at(highest).length > 0 ? [`${at(highest).join(', ')} chose the grid's largest rate (${rate(highest)})`] : []),
    ...(at(lowest).length > 0 ? [`${at(lowest).join(', ')} chose the grid's smallest rate (${rate(lowest)})`] : []),
  ];
  return notes.length > 0 ? `Note: ${notes.join('; ')}: the best rate may lie beyond the grid; extend it to know.` : undefined;
}

const SHADES = [' ', '░', '▒', '▓', '█'];

/**
 * The heatmap in the terminal: a row per scheduler, a cell per rate, shaded
 * from the grid's worst selection score (light) to its best (full); '×' a
 * rate where a repeat diverged, '*' the chosen rate. Cut to `width`.
 */
export function renderTerminalHeatmap(results: ResultsFile, width = 80): string {
  const tuning = results.tuning;
  if (!tuning) return '';
  const higherIsBetter = tuning.select === 'val_acc';
  const scores = Object.values(tuning.sensitivity).flatMap((points) => points.filter((point) => point.n > 0 && Number.isFinite(point.mean)).map((point) => point.mean));
  const low = minOf(scores);
  const high = maxOf(scores);
  const cell = Math.max(4, ...tuning.grid.lr.map((lr) => rate(lr).length)) + 1;
  const labels = Object.keys(tuning.sensitivity);
  const labelWidth = Math.min(28, Math.max(...labels.map((label) => label.length)));
  const shade = (value: number): string => {
    if (!Number.isFinite(value)) return '×';
    const fraction = high > low ? (value - low) / (high - low) : 1;
    const goodness = higherIsBetter ? fraction : 1 - fraction;
    return SHADES[Math.min(SHADES.length - 1, 1 + Math.floor(goodness * (SHADES.length - 1)))];
  };
  const lines = [`${' '.repeat(labelWidth)} ${tuning.grid.lr.map((lr) => rate(lr).padStart(cell - 1).padEnd(cell)).join('')}`];
  for (const label of labels) {
    const cells = (tuning.sensitivity[label] ?? []).map((point) => {
      const mark = tuning.selected?.[label]?.lr === point.lr ? '*' : ' ';
      const value = point.n > 0 ? point.mean : Number.NaN;
      return `${shade(value).repeat(cell - 2)}${mark} `;
    });
    lines.push(`${label.slice(0, labelWidth).padEnd(labelWidth)} ${cells.join('')}`);
  }
  const legend = `Heatmap: ${selectWords(tuning.select)}, ${higherIsBetter ? `${SHADES[1]} lowest to ${SHADES[4]} highest` : `${SHADES[1]} highest to ${SHADES[4]} lowest`} of the grid (${scoreText(higherIsBetter ? low : high, tuning.select, 1)} to ${scoreText(higherIsBetter ? high : low, tuning.select, 1)}); × diverged; * chosen`;
  return [wrapText(legend, width), ...lines.map((line) => line.slice(0, width))].join('\n');
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
  const edges = gridEdgeWarning(results);
  if (edges) parts.push(wrapText(edges, width));
  if (format === 'table') parts.push(renderTerminalHeatmap(results, width ?? 100));
  return parts.join('\n\n');
}
