import * as asciichart from 'asciichart';
import { curve, repeatCount, seriesNames, spansDecades, type EpochMetric } from './charts/data.js';
import type { ResultsFile } from '../results/results.js';
import { extentOf, maxOf, minOf } from '../extent.js';

export interface LineSeries {
  readonly name: string;
  /** values[i] is drawn at x = xStart + i; drawing stops at the first non-finite value. */
  readonly values: readonly number[];
}

export interface LineChartOptions {
  readonly title: string;
  readonly yLabel: string;
  readonly xLabel: string;
  /** Plot log10 of the values and label the axis with the real values. */
  readonly logScale?: boolean;
  /** Total width in columns, labels and legend included (default 80). */
  readonly width?: number;
  /** Rows of the plot area (default 10). */
  readonly height?: number;
  /** ANSI colours per series; without, series differ by line style. */
  readonly color?: boolean;
  /** The x of values[0] (default 1, the first epoch). */
  readonly xStart?: number;
  /**
   * 'linear' joins the points (default); 'step' holds each value until the
   * next x, as a learning rate set at the start of an epoch is held.
   */
  readonly interpolation?: 'linear' | 'step';
}

type Symbols = [string, string, string, string, string, string, string, string, string, string];

/** Close to the HTML charts' colours (see charts/palette.ts), in the same order. */
const ANSI_COLORS = [
  asciichart.blue,
  asciichart.yellow,
  asciichart.green,
  asciichart.red,
  asciichart.magenta,
  asciichart.cyan,
  '\x1b[39m', // the terminal's own foreground (asciichart's `default` is shadowed by the ESM default export)
  asciichart.darkgray,
  asciichart.lightred,
  asciichart.lightmagenta,
  asciichart.lightblue,
  asciichart.lightcyan,
];

function uniform(glyph: string): Symbols {
  return ['┼', '┤', glyph, glyph, glyph, glyph, glyph, glyph, glyph, glyph];
}

/** Without colour, each series gets its own line style; the legend shows it. */
const LINE_STYLES: readonly { symbols: Symbols; legend: string }[] = [
  { symbols: ['┼', '┤', '╶', '╴', '─', '╰', '╭', '╮', '╯', '│'], legend: '───' },
  { symbols: ['┼', '┤', '╺', '╸', '━', '┗', '┏', '┓', '┛', '┃'], legend: '━━━' },
  { symbols: ['┼', '┤', '═', '═', '═', '╚', '╔', '╗', '╝', '║'], legend: '═══' },
  { symbols: uniform('·'), legend: '···' },
  { symbols: uniform('*'), legend: '***' },
  { symbols: uniform('+'), legend: '+++' },
  { symbols: uniform('o'), legend: 'ooo' },
  { symbols: uniform('x'), legend: 'xxx' },
  { symbols: uniform('#'), legend: '###' },
  { symbols: uniform('%'), legend: '%%%' },
];

const LABEL_WIDTH = 9;
const DEFAULT_WIDTH = 80;
const DEFAULT_HEIGHT = 10;

/** A short number for an axis label: 2.31, 0.0452, 3.1e-5. */
function axisNumber(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e-3 && magnitude < 1e5) return String(Number(value.toPrecision(3)));
  return value.toExponential(1).replace('e+', 'e');
}

function finitePrefix(values: readonly number[]): number[] {
  const end = values.findIndex((value) => !Number.isFinite(value));
  return end === -1 ? [...values] : values.slice(0, end);
}

/** Resamples a series to `columns` points on an x axis of `length` values. */
function resample(values: readonly number[], length: number, columns: number, interpolation: 'linear' | 'step'): number[] {
  const out: number[] = [];
  for (let column = 0; column < columns; column++) {
    if (interpolation === 'step') {
      const index = Math.floor((column * length) / columns);
      if (index >= values.length) break;
      out.push(values[index]);
    } else {
      const position = length === 1 ? 0 : (column * (length - 1)) / (columns - 1);
      const lower = Math.floor(position);
      if (lower >= values.length) break;
      const upper = Math.min(lower + 1, values.length - 1);
      // A series that ends early ends at its last point, not in a ramp to nothing.
      if (upper === lower && position > lower) break;
      const fraction = position - lower;
      out.push(values[lower] * (1 - fraction) + values[upper] * fraction);
    }
  }
  return out;
}

/** The first column that shows x index `index`. */
function columnOf(index: number, length: number, columns: number, interpolation: 'linear' | 'step'): number {
  if (interpolation === 'step') return Math.ceil((index * columns) / length);
  return length === 1 ? 0 : Math.round((index * (columns - 1)) / (length - 1));
}

function niceStep(span: number, maxTicks: number): number {
  for (let power = 1; ; power *= 10) {
    for (const multiple of [1, 2, 5]) {
      if (span / (multiple * power) <= maxTicks) return multiple * power;
    }
  }
}

function xAxis(length: number, columns: number, xStart: number, xLabel: string, interpolation: 'linear' | 'step'): string[] {
  const xEnd = xStart + length - 1;
  const step = niceStep(Math.max(1, xEnd - xStart), Math.max(1, Math.floor(columns / 8)));
  const ticks = [xStart];
  for (let x = Math.ceil((xStart + 1) / step) * step; x <= xEnd; x += step) {
    // 1, 10, 20 rather than 1, 2, 4: a multiple too close to the first tick is left out.
    if (x - xStart > step / 2) ticks.push(x);
  }
  const line = Array.from({ length: columns }, () => '─');
  const labels = Array.from({ length: columns + 1 }, () => ' ');
  let free = 0;
  for (const x of ticks) {
    const column = Math.min(columns - 1, columnOf(x - xStart, length, columns, interpolation));
    const text = String(x);
    // Labels start at their tick; one that would touch the previous label is left out.
    if (column < free || column + text.length > columns + 1) continue;
    line[column] = '┬';
    for (let i = 0; i < text.length; i++) labels[column + i] = text[i];
    free = column + text.length + 1;
  }
  const pad = ' '.repeat(LABEL_WIDTH);
  const numbers = labels.join('').trimEnd();
  // The axis name goes in the label gutter, left of the numbers, when it fits there.
  if (xLabel.length <= LABEL_WIDTH) return [`${pad}└${line.join('')}`, `${xLabel.padStart(LABEL_WIDTH)} ${numbers}`];
  return [`${pad}└${line.join('')}`, `${pad} ${numbers}`, `${pad} ${xLabel}`];
}

/** Each series' line style or colour, its name and its last drawn value (curves that coincide hide each other). */
function legend(series: readonly LineSeries[], drawn: readonly number[][], width: number, color: boolean): string[] {
  const entries = series.map((entry, index) => {
    const glyph = color ? '───' : LINE_STYLES[index % LINE_STYLES.length].legend;
    const shown = color ? asciichart.colored(glyph, ANSI_COLORS[index % ANSI_COLORS.length]) : glyph;
    const values = drawn[index];
    const label = `${entry.name} ${values.length > 0 ? axisNumber(values[values.length - 1]) : '(no values)'}`;
    return { text: `${shown} ${label}`, length: glyph.length + 1 + label.length };
  });
  const lines: string[] = [];
  let line = '';
  let length = 0;
  for (const entry of entries) {
    if (length > 0 && length + 2 + entry.length > width) {
      lines.push(line);
      line = '';
      length = 0;
    }
    line += (length > 0 ? '  ' : '') + entry.text;
    length += (length > 0 ? 2 : 0) + entry.length;
  }
  if (length > 0) lines.push(line);
  return lines.map((text) => ` ${text}`);
}

/** Several series on one terminal chart (asciichart), with axis labels and a legend. */
export function renderLineChart(series: LineSeries[], options: LineChartOptions): string {
  const width = Math.max(40, options.width ?? DEFAULT_WIDTH);
  const height = Math.max(3, options.height ?? DEFAULT_HEIGHT);
  const color = options.color === true;
  const interpolation = options.interpolation ?? 'linear';
  const xStart = options.xStart ?? 1;
  const logScale = options.logScale === true;
  const header = [` ${options.title}`, ` ${options.yLabel}${logScale ? ', log scale' : ''}`];

  const drawn = series.map((entry) => finitePrefix(entry.values));
  const all = drawn.flat();
  const positive = all.filter((value) => value > 0);
  const floor = positive.length > 0 ? minOf(positive) : 1;
  const notes: string[] = [];
  if (logScale && all.some((value) => value <= 0)) notes.push(` (values <= 0 are drawn at the bottom, ${axisNumber(floor)})`);
  const plotted = drawn.map((values) => values.map((value) => (logScale ? Math.log10(Math.max(value, floor)) : value)));
  const flat = plotted.flat();
  if (flat.length === 0) return [...header, ' (nothing to draw: no finite values)'].join('\n');

  let { min, max } = extentOf(flat);
  if (max - min < 1e-12) {
    // A flat line would get a single row; give it room above and below.
    const room = logScale ? 1 : Math.abs(min) > 0 ? Math.abs(min) / 2 : 1;
    min -= room;
    max += room;
  }
  const length = maxOf(drawn.map((values) => values.length));
  const columns = width - LABEL_WIDTH - 2;
  const resampled = plotted.map((values) => resample(values, length, columns, interpolation));
  const format = (value: number): string => axisNumber(logScale ? 10 ** value : value).padStart(LABEL_WIDTH).slice(-LABEL_WIDTH);
  const base = { min, max, height, offset: 2, format };

  let plot: string;
  if (color) {
    plot = asciichart
      .plot(resampled, { ...base, colors: resampled.map((_, index) => ANSI_COLORS[index % ANSI_COLORS.length]) })
      .split('\n')
      .map((row) => row.trimEnd())
      .join('\n');
  } else {
    // asciichart has one set of line symbols per plot: draw each series with
    // its own, on the same scale, and lay them over each other.
    const layers = resampled
      .map((values, index) => ({ values, symbols: LINE_STYLES[index % LINE_STYLES.length].symbols }))
      .filter((layer) => layer.values.length > 0)
      .map((layer) => asciichart.plot([layer.values], { ...base, symbols: layer.symbols }).split('\n').map((row) => Array.from(row)));
    const grid = layers[0];
    for (const layer of layers.slice(1)) {
      layer.forEach((row, y) =>
        row.forEach((cell, x) => {
          if (x > LABEL_WIDTH && cell !== ' ') grid[y][x] = cell;
          else if (x === LABEL_WIDTH && cell === '┼') grid[y][x] = cell;
        }),
      );
    }
    plot = grid.map((row) => row.join('').trimEnd()).join('\n');
  }
  return [...header, plot, ...xAxis(length, columns, xStart, options.xLabel, interpolation), ...notes, ...legend(series, drawn, width - 1, color)].join(
    '\n',
  );
}

function seriesOf(results: ResultsFile, metric: EpochMetric): LineSeries[] {
  const points = curve(results, metric);
  return seriesNames(results).map((name) => {
    const own = points.filter((point) => point.series === name);
    const values: number[] = [];
    // Epochs count from 1; a gap (a diverged epoch) ends the drawn line.
    for (const point of own) values[point.epoch - 1] = point.mean;
    return { name, values: Array.from(values, (value) => (value === undefined ? Number.NaN : value)) };
  });
}

/** The terminal pictures after a run: validation loss and learning rate per epoch, every scheduler overlaid. */
export function renderTerminalCharts(results: ResultsFile, options: { width?: number; color?: boolean } = {}): string {
  const repeats = repeatCount(results);
  const mean = repeats > 1 ? ` (mean of ${repeats} repeats)` : '';
  const common = { width: options.width, color: options.color, xLabel: 'epoch' };
  const rates = seriesOf(results, 'learningRate');
  const charts = [
    renderLineChart(seriesOf(results, 'validationLoss'), {
      ...common,
      title: `Validation loss per epoch${mean}`,
      yLabel: 'cross-entropy loss (nats)',
    }),
    renderLineChart(rates, {
      ...common,
      title: `Learning rate per epoch${mean}`,
      yLabel: 'learning rate at the start of each epoch',
      logScale: spansDecades(rates.flatMap((entry) => entry.values)),
      interpolation: 'step',
    }),
  ];
  if (!results.complete) charts.push(' Partial results: the run was interrupted; only the runs that finished are drawn.');
  return charts.join('\n\n');
}
