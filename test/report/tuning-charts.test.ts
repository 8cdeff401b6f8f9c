import { beforeAll, describe, expect, it } from 'vitest';
import { chartDefinitions, smallMultipleColumns, TUNING_CHART_IDS, CHART_IDS } from '../../src/report/charts/specs.js';
import { renderSvg } from '../../src/report/charts/render.js';
import { renderTerminalHeatmap, renderTuningTables } from '../../src/report/tuning-table.js';
import { confirmationView } from '../../src/results/tuning.js';
import type { ResultsFile } from '../../src/results/results.js';
import { realRun } from './helpers.js';

let tuned: ResultsFile;
let plain: ResultsFile;

beforeAll(() => {
  tuned = realRun(['--epochs', '1', '--schedulers', 'none,step', '--tune-lr', '0.003,0.3', '--jobs', '1']).results;
  plain = realRun(['--epochs', '4', '--schedulers', 'none,step', '--jobs', '1']).results;
});

type Spec = { data: { values: any[] }; params?: any[]; layer: { mark: { type: string }; encoding: Record<string, any> }[] };

describe('the charts of a tuned file', () => {
  it('adds a heatmap and rate-sensitivity curves holding every selection score of the tuning record', () => {
    const charts = chartDefinitions(confirmationView(tuned));
    expect(charts.map((chart) => chart.id)).toEqual([...CHART_IDS, ...TUNING_CHART_IDS]);
    expect(chartDefinitions(plain).map((chart) => chart.id)).toEqual([...CHART_IDS]);
    const heatmap = charts.find((chart) => chart.id === 'tuning-heatmap')?.spec as unknown as Spec;
    // Scores recomputed from the selection runs themselves: mean best validation accuracy per label and rate, in %.
    for (const label of ['none', 'step']) {
      for (const lr of [0.003, 0.3]) {
        const runs = tuned.runs.filter((run) => run.phase === 'selection' && run.label === label && run.gridPoint?.lr === lr);
        const expected = (100 * runs.reduce((sum, run) => sum + Math.max(...run.history.map((epoch) => epoch.validationAccuracy)), 0)) / runs.length;
        const cell = heatmap.data.values.find((point) => point.series === label && point.lr === lr);
        expect(cell.score).toBeCloseTo(expected, 9);
        expect(cell.chosen).toBe(tuned.tuning?.selected?.[label]?.lr === lr);
      }
    }
    const curves = charts.find((chart) => chart.id === 'rate-sensitivity')?.spec as unknown as Spec;
    expect(curves.layer.find((layer) => layer.mark.type === 'line')?.encoding.x.scale.type).toBe('log');
  });

  it('render to SVG', async () => {
    for (const chart of chartDefinitions(confirmationView(tuned)).filter((entry) => (TUNING_CHART_IDS as readonly string[]).includes(entry.id))) {
      expect(await renderSvg(chart.spec)).toMatch(/^<svg/);
    }
  });

  it('shade the terminal heatmap from the worst score of the grid to the best, marking the chosen rate', () => {
    const text = renderTerminalHeatmap(tuned, 80);
    const sensitivity = tuned.tuning!.sensitivity;
    const all = Object.values(sensitivity).flat();
    const best = all.reduce((a, b) => (b.mean > a.mean ? b : a));
    const worst = all.reduce((a, b) => (b.mean < a.mean ? b : a));
    expect(best.mean).toBeGreaterThan(worst.mean);
    const rowOf = (label: string) => text.split('\n').find((line) => line.startsWith(label.padEnd(4)))!;
    const bestLabel = Object.keys(sensitivity).find((label) => sensitivity[label].includes(best))!;
    expect(rowOf(bestLabel)).toContain('█');
    expect(rowOf(bestLabel)).toContain('*');
    const tables = renderTuningTables(tuned, { width: 60 });
    for (const line of tables.split('\n')) expect(line.length).toBeLessThanOrEqual(60);
  });
});

describe('while there: the run charts', () => {
  it('zooms validation accuracy to the last half of the epochs, with a checkbox for the full range', () => {
    const spec = chartDefinitions(plain).find((chart) => chart.id === 'validation-accuracy')?.spec as unknown as Spec;
    const late = plain.runs.flatMap((run) => run.history.filter((epoch) => epoch.epoch > 2).map((epoch) => epoch.validationAccuracy));
    const scale = spec.layer.find((layer) => layer.mark.type === 'line')?.encoding.y.scale;
    const [low, high] = [scale.domainMin.expr, scale.domainMax.expr].map((expr: string) => Number(/\? ([\d.e-]+) :/.exec(expr)?.[1]));
    expect(low).toBeLessThanOrEqual(Math.min(...late));
    expect(low).toBeGreaterThan(Math.min(...plain.runs.flatMap((run) => run.history.map((epoch) => epoch.validationAccuracy))) - 0.5 * (Math.max(...late) - Math.min(...late)) - 0.01);
    expect(high).toBeGreaterThanOrEqual(Math.max(...late));
    expect(scale.domainMin.expr).toMatch(/: 0$/);
    expect(spec.params?.[0]).toMatchObject({ name: 'zoomed', value: true, bind: { input: 'checkbox' } });
  });

  it('lays small multiples out without an empty panel for up to six schedulers', () => {
    for (let count = 1; count <= 6; count++) expect(count % smallMultipleColumns(count)).toBe(0);
    expect(smallMultipleColumns(5)).toBe(5);
  });
});
