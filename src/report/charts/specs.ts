// One file over 300 lines on purpose: every chart of the HTML report is built here from one shared set of
// Vega-Lite pieces (config, colour and dash encodings, axes, the legend's hide toggle, the hover rule), and
// splitting the charts from those pieces would only scatter one visual language across files.
import type { TopLevelSpec } from 'vega-lite';
import type { ResultsFile } from '../../results/results.js';
import { curve, repeatCount, repeatCurves, seriesNames, spansDecades, type CurvePoint, type EpochMetric, type RepeatPoint } from './data.js';
import { SERIES_COLORS, seriesColor, seriesDash } from './palette.js';
import { maxOf, minOf } from '../../extent.js';
import { tuningChartDefinitions } from './tuning.js';

/** One chart of the report: a Vega-Lite specification with its data inlined. */
export interface ChartDefinition {
  /** File name stem for --svg/--png and the element id in the HTML. */
  readonly id: ChartId;
  readonly title: string;
  /** The series (scheduler labels) that the legend or the facet headers name. */
  readonly series: readonly string[];
  readonly spec: TopLevelSpec;
}

export const CHART_IDS = [
  'learning-rates',
  'learning-rate-per-scheduler',
  'training-loss',
  'validation-loss',
  'validation-accuracy',
] as const;
/** The charts of a tuned file (charts/tuning.ts), after the others. */
export const TUNING_CHART_IDS = ['tuning-heatmap', 'rate-sensitivity'] as const;
export type ChartId = (typeof CHART_IDS)[number] | (typeof TUNING_CHART_IDS)[number];

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** DejaVu Sans first: it is what the PNG renderer finds on Debian (fonts-dejavu-core). */
export const CHART_FONT = 'DejaVu Sans, Helvetica, Arial, sans-serif';
const WIDTH = 620;
const HEIGHT = 300;

/** Shared look: readable sizes, no box around the plot. */
const CONFIG = {
  font: CHART_FONT,
  background: 'white',
  padding: 8,
  view: { stroke: null },
  title: { fontSize: 15, subtitleFontSize: 12, subtitleColor: '#555', anchor: 'start', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e6e6e6' },
  legend: { labelFontSize: 12, titleFontSize: 12, labelLimit: 360, symbolStrokeWidth: 3, symbolSize: 220, symbolOpacity: 1 },
  header: { labelFontSize: 12, labelFontWeight: 'bold' },
} as const;

interface MetricChart {
  readonly id: ChartId;
  readonly metric: EpochMetric;
  readonly title: string;
  readonly yTitle: string;
  /** Tooltip title of a single run's value. */
  readonly valueTitle: string;
  readonly format: string;
  readonly axisFormat?: string;
}

const METRIC_CHARTS: readonly MetricChart[] = [
  { id: 'training-loss', metric: 'loss', title: 'Training loss per epoch', yTitle: 'cross-entropy loss (nats)', valueTitle: 'training loss', format: '.4f' },
  {
    id: 'validation-loss',
    metric: 'validationLoss',
    title: 'Validation loss per epoch',
    yTitle: 'cross-entropy loss (nats)',
    valueTitle: 'validation loss',
    format: '.4f',
  },
  {
    id: 'validation-accuracy',
    metric: 'validationAccuracy',
    title: 'Validation accuracy per epoch',
    yTitle: 'validation accuracy (%)',
    valueTitle: 'validation accuracy',
    format: '.2%',
    axisFormat: '.0%',
  },
];

function colorEncoding(names: readonly string[], legend: boolean) {
  return {
    field: 'series',
    type: 'nominal' as const,
    title: 'scheduler',
    sort: [...names],
    scale: { domain: [...names], range: names.map((_, index) => seriesColor(index)) },
    legend: legend ? { orient: 'right' as const, symbolType: 'stroke' } : null,
  };
}

/** Only when colours run out do series also differ by dash. */
function dashEncoding(names: readonly string[]) {
  if (names.length <= SERIES_COLORS.length) return {};
  return {
    strokeDash: {
      field: 'series',
      type: 'nominal' as const,
      title: 'scheduler',
      sort: [...names],
      scale: { domain: [...names], range: names.map((_, index) => [...seriesDash(index)]) },
    },
  };
}

/** Epochs count from 1; the axis spans exactly the epochs run. */
function epochAxis(epochs: number) {
  return {
    field: 'epoch',
    type: 'quantitative' as const,
    title: 'epoch',
    scale: { domain: [1, Math.max(2, epochs)], nice: false },
    axis: { format: 'd', tickMinStep: 1 },
  };
}

function lastEpoch(results: ResultsFile): number {
  return Math.max(1, ...results.runs.flatMap((run) => run.history.map((record) => record.epoch)));
}

/**
 * Ticks of a log axis: the powers of ten (with 2 and 5 times them when the
 * values span two decades or less), so that labels are round real values.
 */
export function logTicks(values: readonly number[]): number[] {
  const positive = values.filter((value) => value > 0 && Number.isFinite(value));
  if (positive.length === 0) return [];
  const low = Math.floor(Math.log10(minOf(positive)) + 1e-9);
  const high = Math.ceil(Math.log10(maxOf(positive)) - 1e-9);
  const multiples = high - low <= 2 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let power = low; power <= high; power++) {
    for (const multiple of multiples) {
      const tick = Number((multiple * 10 ** power).toPrecision(3));
      if (multiple === 1 || tick <= 10 ** high) ticks.push(tick);
    }
  }
  return ticks;
}

/** Click a legend entry to hide or show its series (toggle: every click flips it). */
const HIDDEN = { name: 'hidden', select: { type: 'point' as const, fields: ['series'], toggle: 'true' }, bind: 'legend' as const };
const UNLESS_HIDDEN = { not: { param: 'hidden', empty: false } };

/** A chart title, with a subtitle only when there is something to say. */
function title(results: ResultsFile, text: string, parts: string[]): { text: string; subtitle?: string[] } {
  const lines = parts.filter((part) => part !== '');
  if (!results.complete) lines.push('PARTIAL RESULTS: the run was interrupted; only finished runs are drawn');
  return lines.length > 0 ? { text, subtitle: lines } : { text };
}

function hoverParam(fields: string[]) {
  return { name: 'hover', select: { type: 'point' as const, fields, on: 'pointerover', nearest: true, clear: 'pointerout' } };
}

const FADE_HIDDEN = { condition: { param: 'hidden', empty: false, value: 0.08 }, value: 1 };
const SHOW_HOVERED = { condition: { param: 'hover', empty: false, value: 1 }, value: 0 };

/** A quantitative y axis, on a log scale with round ticks when the values span decades. */
function yAxis(field: string, label: string, values: readonly number[], log: boolean, format?: string) {
  return {
    field,
    type: 'quantitative' as const,
    title: `${label}${log ? ', log scale' : ''}`,
    scale: log ? { type: 'log' as const } : { zero: false },
    axis: log ? { values: logTicks(values), format: '~g' } : format ? { format } : {},
  };
}

/** The checkbox parameter of the validation-accuracy chart: zoomed (default) or the full 0-100% range. */
const ZOOM_PARAM = 'zoomed';

/**
 * The y range of the data's last half of the epochs (lowest to highest of
 * every band), padded by a tenth: the schedulers' 1-point differences at the
 * end are what the chart is for. Undefined when there is nothing to zoom to.
 */
function lastHalfZoom(points: readonly CurvePoint[], epochs: number): [number, number] | undefined {
  const late = points.filter((point) => point.epoch > epochs / 2).flatMap((point) => [point.min, point.max]).filter(Number.isFinite);
  if (late.length === 0) return undefined;
  const low = minOf(late);
  const high = maxOf(late);
  const pad = Math.max((high - low) / 10, 0.002);
  return [Math.max(0, low - pad), Math.min(1, high + pad)];
}

function metricChart(results: ResultsFile, chart: MetricChart, names: readonly string[]): ChartDefinition {
  const points: CurvePoint[] = curve(results, chart.metric);
  const repeats = repeatCount(results);
  const epochs = lastEpoch(results);
  const banded = repeats > 1;
  // Validation loss always on a log scale: one early epoch (cyclic's first) otherwise flattens every other curve.
  const log = chart.metric === 'validationLoss' || (chart.metric !== 'validationAccuracy' && chart.metric !== 'accuracy' && spansDecades(points.map((point) => point.mean)));
  const values = log ? points.filter((point) => point.min > 0) : points;
  const y = yAxis('mean', chart.yTitle, values.flatMap((point) => [point.min, point.max]), log, chart.axisFormat);
  const zoom = chart.metric === 'validationAccuracy' ? lastHalfZoom(values, epochs) : undefined;
  if (zoom) {
    y.scale = { zero: false, domainMin: { expr: `${ZOOM_PARAM} ? ${zoom[0]} : 0` }, domainMax: { expr: `${ZOOM_PARAM} ? ${zoom[1]} : 1` }, clamp: true } as typeof y.scale;
    // Whole percents repeat on a zoomed axis a few points high: one decimal there.
    if (zoom[1] - zoom[0] < 0.1) y.axis = { format: '.1%' };
  }
  const tooltip = [
    { field: 'series', type: 'nominal' as const, title: 'scheduler' },
    { field: 'epoch', type: 'quantitative' as const, title: 'epoch' },
    { field: 'mean', type: 'quantitative' as const, title: banded ? 'mean' : chart.valueTitle, format: chart.format },
    ...(banded
      ? [
          { field: 'min', type: 'quantitative' as const, title: 'min', format: chart.format },
          { field: 'max', type: 'quantitative' as const, title: 'max', format: chart.format },
          { field: 'n', type: 'quantitative' as const, title: 'repeats' },
        ]
      : []),
  ];
  const spec = {
    $schema: SCHEMA,
    title: title(results, chart.title, [banded ? `line: mean of ${repeats} repeats; band: lowest to highest repeat` : '']),
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    data: { values },
    encoding: { x: epochAxis(epochs), color: colorEncoding(names, true) },
    ...(zoom ? { params: [{ name: ZOOM_PARAM, value: true, bind: { input: 'checkbox', name: 'zoom to the last half of the epochs ' } }] } : {}),
    layer: [
      ...(banded
        ? [
            {
              mark: { type: 'area' as const },
              encoding: {
                y: { ...y, field: 'min' },
                y2: { field: 'max' },
                opacity: { condition: { param: 'hidden', empty: false, value: 0 }, value: 0.18 },
              },
            },
          ]
        : []),
      {
        mark: { type: 'line' as const, strokeWidth: 2, clip: true },
        params: [HIDDEN],
        encoding: { y, ...dashEncoding(names), opacity: FADE_HIDDEN },
      },
      {
        mark: { type: 'point' as const, filled: true, size: 70 },
        transform: [{ filter: UNLESS_HIDDEN }],
        params: [hoverParam(['series', 'epoch'])],
        encoding: { y, opacity: SHOW_HOVERED, tooltip },
      },
    ],
  };
  return { id: chart.id, title: chart.title, series: names, spec: spec as unknown as TopLevelSpec };
}

interface LearningRates {
  readonly log: boolean;
  readonly values: RepeatPoint[];
  readonly note: string;
  readonly y: ReturnType<typeof yAxis>;
  readonly tooltip: object[];
}

/** Every repeat's learning rates: a metric-driven scheduler (plateau) can differ between repeats. */
function learningRates(results: ResultsFile): LearningRates {
  const points = repeatCurves(results, 'learningRate');
  const log = spansDecades(points.map((point) => point.value));
  const values = log ? points.filter((point) => point.value > 0) : points;
  const dropped = points.length - values.length;
  const note = dropped > 0 ? `${dropped} epochs at learning rate 0 cannot be drawn on the log axis` : '';
  const y = yAxis('value', 'learning rate', values.map((point) => point.value), log, '~g');
  if (!log) y.scale = { zero: true };
  const tooltip = [
    { field: 'series', type: 'nominal' as const, title: 'scheduler' },
    ...(repeatCount(results) > 1 ? [{ field: 'repeat', type: 'quantitative' as const, title: 'repeat' }] : []),
    { field: 'epoch', type: 'quantitative' as const, title: 'epoch' },
    { field: 'value', type: 'quantitative' as const, title: 'learning rate', format: '.4~g' },
  ];
  return { log, values, note, y, tooltip };
}

const LEARNING_RATE_NOTE = 'the rate at the start of each epoch, held until the next';

function learningRateOverlay(results: ResultsFile, names: readonly string[]): ChartDefinition {
  const repeats = repeatCount(results);
  const rates = learningRates(results);
  const text = 'Learning rate per epoch, all schedulers';
  const spec = {
    $schema: SCHEMA,
    title: title(results, text, [
      `${LEARNING_RATE_NOTE}${repeats > 1 ? '; one line per repeat' : ''}`,
      'lines that coincide hide each other: the per-scheduler charts show each one',
      rates.note,
    ]),
    width: WIDTH,
    height: HEIGHT,
    config: CONFIG,
    data: { values: rates.values },
    encoding: { x: epochAxis(lastEpoch(results)), color: colorEncoding(names, true) },
    layer: [
      {
        mark: { type: 'line' as const, strokeWidth: 2, interpolate: 'step-after' as const },
        params: [HIDDEN],
        encoding: { y: rates.y, detail: { field: 'repeat', type: 'nominal' as const }, ...dashEncoding(names), opacity: FADE_HIDDEN },
      },
      {
        mark: { type: 'point' as const, filled: true, size: 70 },
        transform: [{ filter: UNLESS_HIDDEN }],
        params: [hoverParam(['series', 'repeat', 'epoch'])],
        encoding: { y: rates.y, opacity: SHOW_HOVERED, tooltip: rates.tooltip },
      },
    ],
  };
  return { id: 'learning-rates', title: text, series: names, spec: spec as unknown as TopLevelSpec };
}

/**
 * Columns of the small multiples that fill every row when they can: a facet
 * grid draws the axes of an empty last cell (five schedulers in rows of three
 * showed an empty sixth panel). 5 -> one row of 5, 4 -> 2 x 2, 6 -> 2 x 3.
 */
export function smallMultipleColumns(count: number): number {
  if (count <= 3) return Math.max(1, count);
  for (const columns of [3, 2]) if (count % columns === 0) return columns;
  return count <= 5 ? count : 3;
}

/** One small chart per scheduler, as in the article, all on the same axes. */
function learningRateSmallMultiples(results: ResultsFile, names: readonly string[]): ChartDefinition {
  const rates = learningRates(results);
  const x = epochAxis(lastEpoch(results));
  const color = colorEncoding(names, false);
  const text = 'Learning rate per epoch, one chart per scheduler';
  const spec = {
    $schema: SCHEMA,
    title: title(results, text, [`${LEARNING_RATE_NOTE}; the same axes in every chart`, rates.note]),
    config: CONFIG,
    data: { values: rates.values },
    columns: smallMultipleColumns(names.length),
    facet: { field: 'series', type: 'nominal' as const, title: null, sort: [...names] },
    spec: {
      width: smallMultipleColumns(names.length) > 3 ? 170 : 240,
      height: 140,
      layer: [
        {
          mark: { type: 'line' as const, strokeWidth: 2, interpolate: 'step-after' as const },
          encoding: { x, y: rates.y, color, detail: { field: 'repeat', type: 'nominal' as const } },
        },
        {
          mark: { type: 'point' as const, filled: true, size: 50 },
          params: [hoverParam(['series', 'repeat', 'epoch'])],
          encoding: { x, y: rates.y, color, opacity: SHOW_HOVERED, tooltip: rates.tooltip },
        },
      ],
    },
  };
  return { id: 'learning-rate-per-scheduler', title: text, series: names, spec: spec as unknown as TopLevelSpec };
}

/** Every chart of the report, in page order. */
export function chartDefinitions(results: ResultsFile): ChartDefinition[] {
  const names = seriesNames(results);
  return [
    learningRateOverlay(results, names),
    learningRateSmallMultiples(results, names),
    ...METRIC_CHARTS.map((chart) => metricChart(results, chart, names)),
    ...tuningChartDefinitions(results, CONFIG),
  ];
}
