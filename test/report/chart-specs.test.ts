import { Resvg } from '@resvg/resvg-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { curve, spansDecades } from '../../src/report/charts/data.js';
import { renderSvg, svgToPng, toVega } from '../../src/report/charts/render.js';
import { CHART_IDS, chartDefinitions, logTicks, type ChartDefinition } from '../../src/report/charts/specs.js';
import type { ResultsFile } from '../../src/results/results.js';
import { interrupted, realRun, runsOf } from './helpers.js';

// Two real runs: one repeat of a schedule that spans decades next to a constant
// one, and two repeats of the article's step next to none.
const DECADES = 'step:step_size=1,gamma=0.1';
let single: ResultsFile;
let repeated: ResultsFile;

beforeAll(() => {
  single = realRun(['--epochs', '3', '--schedulers', 'none', '-s', DECADES]).results;
  repeated = realRun(['--epochs', '2', '--schedulers', 'step,none', '--repeats', '2']).results;
});

type Layer = { mark: { type: string; interpolate?: string }; encoding: Record<string, any>; params?: { name: string }[] };
type Spec = { data: { values: any[] }; layer: Layer[]; title: { text: string; subtitle?: string[] }; spec?: { layer: Layer[] } };

function chart(results: ResultsFile, id: string): ChartDefinition & { spec: Spec } {
  const found = chartDefinitions(results).find((entry) => entry.id === id);
  if (!found) throw new Error(`no chart ${id}`);
  return found as ChartDefinition & { spec: Spec };
}

function layer(spec: Spec, mark: string): Layer {
  const found = spec.layer.find((entry) => entry.mark.type === mark);
  if (!found) throw new Error(`no ${mark} layer`);
  return found;
}

describe('chart specifications from a real run', () => {
  it('makes every chart, with the schedulers in run order as series', () => {
    const charts = chartDefinitions(single);
    expect(charts.map((entry) => entry.id)).toEqual([...CHART_IDS]);
    for (const entry of charts) expect(entry.series).toEqual(['none', DECADES]);
  });

  it('draws each epoch of the validation loss exactly as the run recorded it', () => {
    const { spec } = chart(single, 'validation-loss');
    const expected = single.runs.flatMap((run) =>
      run.history.map((record) => ({ series: run.label, epoch: record.epoch, mean: record.validationLoss, min: record.validationLoss, max: record.validationLoss, n: 1 })),
    );
    expect(spec.data.values).toEqual(expected);
    expect(spec.layer.map((entry) => entry.mark.type)).toEqual(['line', 'point']);
    const y = layer(spec, 'line').encoding.y;
    expect(y.title).toBe('cross-entropy loss (nats), log scale');
    // Always a log scale (issue 15): cyclic's first epoch otherwise flattens every other curve.
    expect(y.scale.type).toBe('log');
    expect(layer(spec, 'point').encoding.tooltip.map((field: { title: string }) => field.title)).toEqual(['scheduler', 'epoch', 'validation loss']);
  });

  it('draws training loss and validation accuracy from their own fields, accuracy as a percentage', () => {
    const loss = chart(single, 'training-loss').spec.data.values.map((point) => point.mean);
    expect(loss).toEqual(single.runs.flatMap((run) => run.history.map((record) => record.loss)));
    const accuracy = chart(single, 'validation-accuracy').spec;
    expect(accuracy.data.values.map((point) => point.mean)).toEqual(single.runs.flatMap((run) => run.history.map((record) => record.validationAccuracy)));
    // Whole percents, or one decimal when the axis is zoomed to a span under 10 points.
    expect(layer(accuracy, 'line').encoding.y.axis.format).toMatch(/^\.[01]%$/);
  });

  it('puts learning rates that span decades on a log axis with round ticks, held over each epoch', () => {
    const { spec } = chart(single, 'learning-rates');
    expect(spec.data.values).toEqual(
      single.runs.flatMap((run) => run.history.map((record) => ({ series: run.label, repeat: 0, epoch: record.epoch, value: record.learningRate }))),
    );
    const line = layer(spec, 'line');
    expect(line.mark.interpolate).toBe('step-after');
    expect(line.encoding.y.scale.type).toBe('log');
    expect(line.encoding.y.title).toBe('learning rate, log scale');
    expect(line.encoding.y.axis.values).toEqual([0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1]);
    expect((spec as unknown as { encoding: { x: { title: string; scale: unknown } } }).encoding.x).toMatchObject({ title: 'epoch', scale: { domain: [1, 3] } });
    // Clicking a legend entry toggles its series.
    expect(line.params?.map((param) => param.name)).toEqual(['hidden']);
  });

  it('keeps a narrow range of learning rates on a linear axis from zero', () => {
    const { spec } = chart(repeated, 'learning-rates');
    const y = layer(spec, 'line').encoding.y;
    expect(y.scale).toEqual({ zero: true });
    expect(y.title).toBe('learning rate');
  });

  it('draws one small chart per scheduler on shared axes', () => {
    const { spec } = chart(single, 'learning-rate-per-scheduler');
    expect((spec as unknown as { facet: { field: string; sort: string[] } }).facet).toMatchObject({ field: 'series', sort: ['none', DECADES] });
    expect(spec.spec?.layer[0].encoding.y.scale.type).toBe('log');
    expect(spec.data.values).toHaveLength(6);
  });

  it('with repeats, draws the mean with a band from the lowest to the highest repeat', () => {
    const { spec } = chart(repeated, 'validation-accuracy');
    expect(spec.layer.map((entry) => entry.mark.type)).toEqual(['area', 'line', 'point']);
    expect(layer(spec, 'area').encoding.y.field).toBe('min');
    expect(layer(spec, 'area').encoding.y2.field).toBe('max');
    expect(spec.title.subtitle).toEqual(['line: mean of 2 repeats; band: lowest to highest repeat']);
    for (const label of ['step', 'none']) {
      const runs = runsOf(repeated, label);
      expect(runs).toHaveLength(2);
      for (const epoch of [1, 2]) {
        const values = runs.map((run) => run.history[epoch - 1].validationAccuracy);
        const point = spec.data.values.find((entry) => entry.series === label && entry.epoch === epoch);
        expect(point.mean).toBeCloseTo((values[0] + values[1]) / 2, 12);
        expect(point.min).toBe(Math.min(...values));
        expect(point.max).toBe(Math.max(...values));
        expect(point.n).toBe(2);
      }
    }
    // The learning rate is drawn per repeat (a metric-driven scheduler can differ between repeats).
    const rates = chart(repeated, 'learning-rates').spec;
    expect(layer(rates, 'line').encoding.detail.field).toBe('repeat');
    expect(rates.data.values).toHaveLength(2 * 2 * 2);
  });

  it('says on every chart when the results are partial', () => {
    for (const entry of chartDefinitions(interrupted(single, 1))) {
      expect((entry.spec as unknown as Spec).title.subtitle?.join(' ')).toMatch(/PARTIAL RESULTS/);
      expect(entry.series).toEqual(['none']);
    }
    for (const entry of chartDefinitions(single)) expect(JSON.stringify(entry.spec.title)).not.toMatch(/PARTIAL/);
  });

  it('leaves out diverged (non-finite) epochs instead of drawing them', () => {
    const run = single.runs[1];
    const diverged: ResultsFile = {
      ...single,
      runs: [single.runs[0], { ...run, history: run.history.map((record, index) => (index === 2 ? { ...record, validationLoss: null as unknown as number } : record)) }],
    };
    const points = curve(diverged, 'validationLoss').filter((point) => point.series === DECADES);
    expect(points.map((point) => point.epoch)).toEqual([1, 2]);
  });
});

describe('rendering', () => {
  it('renders each chart to SVG in Node, with legend, axis titles and units', async () => {
    for (const entry of chartDefinitions(single)) {
      const svg = await renderSvg(entry.spec);
      expect(svg.startsWith('<svg')).toBe(true);
      for (const name of entry.series) expect(svg).toContain(`>${name.replace(/&/g, '&amp;')}</text>`);
      expect(svg).toContain('>epoch</text>');
    }
    const loss = await renderSvg(chart(single, 'validation-loss').spec as never);
    expect(loss).toContain('>cross-entropy loss (nats), log scale</text>');
  });

  it('renders PNGs whose text is drawn (a font is installed)', async () => {
    const svg = await renderSvg(chart(single, 'validation-loss').spec as never);
    const png = svgToPng(svg);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    // The same SVG with no fonts loaded draws no text at all: the PNGs must differ.
    const textless = new Resvg(svg, { fitTo: { mode: 'zoom', value: 2 }, background: 'white', font: { loadSystemFonts: false } }).render().asPng();
    expect(
      png.equals(textless),
      'PNG text is missing: resvg found no font. Install one, e.g. `apt-get install fonts-dejavu-core`.',
    ).toBe(false);
  });

  it('fades hidden series in the legend (the selection holds the hidden ones)', () => {
    const vega = toVega(chart(single, 'validation-loss').spec as never) as { legends: { encode: { labels: { update: { opacity: unknown } } } }[] };
    expect(vega.legends[0].encode.labels.update.opacity).toEqual([
      { test: expect.stringContaining('hidden_store'), value: 0.3 },
      { value: 1 },
    ]);
  });
});

describe('helpers', () => {
  it('chooses a log scale only across decades', () => {
    expect(spansDecades([0.1, 0.05, 0.02])).toBe(false);
    expect(spansDecades([0.1, 0.001])).toBe(true);
    expect(spansDecades([0.1, 0, 0.1])).toBe(false);
  });

  it('puts log ticks on powers of ten, with 2 and 5 between when the span is short', () => {
    expect(logTicks([0.1, 1e-5])).toEqual([1e-5, 1e-4, 1e-3, 0.01, 0.1]);
    expect(logTicks([0.1, 0.0123])).toEqual([0.01, 0.02, 0.05, 0.1]);
  });
});
