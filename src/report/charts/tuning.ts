import type { TopLevelSpec } from 'vega-lite';
import type { ResultsFile } from '../../results/results.js';
import type { ChartDefinition } from './specs.js';
import { seriesColor } from './palette.js';
import { maxOf, minOf } from '../../extent.js';

/**
 * The charts of a tuned comparison (run --tune-lr): a heatmap of each
 * scheduler's selection score at every grid rate, and the same scores as one
 * rate-sensitivity curve per scheduler (mean ± sd over the selection repeats)
 * on a log rate axis. Both read the file's `tuning` record only.
 */

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
/** The report's shared look (specs.ts' config), passed in: specs.ts imports this file. */
type ChartConfig = Readonly<Record<string, unknown>>;

interface ScorePoint {
  readonly series: string;
  readonly lr: number;
  readonly rate: string;
  readonly score: number | null;
  readonly low: number | null;
  readonly high: number | null;
  readonly chosen: boolean;
}

function scorePoints(results: ResultsFile): ScorePoint[] {
  const tuning = results.tuning;
  if (!tuning) return [];
  const scale = tuning.select === 'val_acc' ? 100 : 1;
  return Object.entries(tuning.sensitivity).flatMap(([series, points]) =>
    points.map((point) => {
      const finite = point.n > 0 && Number.isFinite(point.mean);
      return {
        series,
        lr: point.lr,
        rate: String(point.lr),
        score: finite ? scale * point.mean : null,
        low: finite ? scale * (point.mean - point.std) : null,
        high: finite ? scale * (point.mean + point.std) : null,
        chosen: tuning.selected?.[series]?.lr === point.lr,
      };
    }),
  );
}

function midScore(values: readonly ScorePoint[]): number {
  const scores = values.map((point) => point.score).filter((score): score is number => score !== null);
  return scores.length === 0 ? 0 : (minOf(scores) + maxOf(scores)) / 2;
}

function scoreTitle(results: ResultsFile): string {
  return results.tuning?.select === 'val_loss' ? 'lowest validation loss' : 'best validation accuracy (%)';
}

export function tuningHeatmap(results: ResultsFile, config: ChartConfig): ChartDefinition {
  const values = scorePoints(results);
  const names = [...new Set(values.map((point) => point.series))];
  const rates = (results.tuning?.grid.lr ?? []).map(String);
  const title = 'Selection score per scheduler and base rate';
  const lowerIsBetter = results.tuning?.select === 'val_loss';
  const spec = {
    $schema: SCHEMA,
    title: { text: title, subtitle: [`${scoreTitle(results)}, mean over the selection repeats; outlined: the chosen rate; blank: diverged`] },
    config,
    data: { values },
    width: Math.max(160, 70 * rates.length),
    height: Math.max(60, 28 * names.length),
    encoding: {
      x: { field: 'rate', type: 'ordinal', sort: rates, title: 'base learning rate', axis: { labelAngle: 0 } },
      y: { field: 'series', type: 'nominal', sort: names, title: null },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: { field: 'score', type: 'quantitative', title: lowerIsBetter ? 'val loss' : 'val acc %', scale: { scheme: 'viridis', reverse: lowerIsBetter } },
          stroke: { condition: { test: 'datum.chosen', value: '#d62728' }, value: null },
          strokeWidth: { condition: { test: 'datum.chosen', value: 3 }, value: 0 },
          tooltip: [
            { field: 'series', title: 'scheduler' },
            { field: 'rate', title: 'rate' },
            { field: 'score', title: scoreTitle(results), format: '.3f' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field: 'score', type: 'quantitative', format: lowerIsBetter ? '.3f' : '.1f' },
          // Dark text on the light (high) end of viridis, white on the dark end.
          color: { condition: { test: `datum.score != null && datum.score ${lowerIsBetter ? '<' : '>'} ${midScore(values)}`, value: 'black' }, value: 'white' },
        },
      },
    ],
  };
  return { id: 'tuning-heatmap', title, series: names, spec: spec as unknown as TopLevelSpec };
}

export function rateSensitivity(results: ResultsFile, config: ChartConfig): ChartDefinition {
  const values = scorePoints(results).filter((point) => point.score !== null);
  const names = [...new Set(scorePoints(results).map((point) => point.series))];
  const title = 'Rate sensitivity: selection score against the base rate';
  const x = { field: 'lr', type: 'quantitative', scale: { type: 'log' }, title: 'base learning rate (log scale)' };
  const color = { field: 'series', type: 'nominal', title: 'scheduler', scale: { domain: names, range: names.map((_, i) => seriesColor(i)) } };
  const spec = {
    $schema: SCHEMA,
    title: { text: title, subtitle: [`${scoreTitle(results)}: mean ± sd over the selection repeats; a flat curve is a schedule robust to a badly chosen rate`] },
    config,
    data: { values },
    width: 620,
    height: 300,
    layer: [
      { mark: { type: 'rule' }, encoding: { x, y: { field: 'low', type: 'quantitative', title: scoreTitle(results), scale: { zero: false } }, y2: { field: 'high' }, color } },
      { mark: { type: 'line', point: true, strokeWidth: 2 }, encoding: { x, y: { field: 'score', type: 'quantitative' }, color, tooltip: [{ field: 'series' }, { field: 'lr' }, { field: 'score', format: '.3f' }] } },
    ],
  };
  return { id: 'rate-sensitivity', title, series: names, spec: spec as unknown as TopLevelSpec };
}

/** The tuned file's charts; none for an untuned one. */
export function tuningChartDefinitions(results: ResultsFile, config: ChartConfig): ChartDefinition[] {
  return results.tuning ? [tuningHeatmap(results, config), rateSensitivity(results, config)] : [];
}
