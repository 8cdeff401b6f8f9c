import { beforeAll, describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../src/results/results.js';
import { renderLineChart, renderTerminalCharts } from '../../src/report/terminal-charts.js';
import { interrupted, realRun, visible } from './helpers.js';

const DECADES = 'step:step_size=2,gamma=0.1';
let results: ResultsFile;
let repeated: ResultsFile;

beforeAll(() => {
  results = realRun(['--epochs', '6', '--schedulers', 'none,cosine', '-s', DECADES]).results;
  repeated = realRun(['--epochs', '2', '--schedulers', 'step,none', '--repeats', '2']).results;
});

function widest(text: string): number {
  return Math.max(...visible(text).split('\n').map((line) => [...line].length));
}

describe('renderTerminalCharts, from a real run', () => {
  it('draws validation loss and learning rate with units, an epoch axis and a legend naming every scheduler', () => {
    const text = renderTerminalCharts(results);
    expect(text).toContain('Validation loss per epoch');
    expect(text).toContain('cross-entropy loss (nats)');
    expect(text).toContain('Learning rate per epoch');
    expect(text.match(/^\s+epoch 1 +2 +3 +4 +5 +6$/gm)).toHaveLength(2);
    for (const name of ['none', 'cosine', DECADES]) expect(text.match(new RegExp(` ${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `, 'g'))).toHaveLength(2);
    // No colour asked: no escape codes, and the series differ by line style.
    expect(text).not.toContain('\x1b[');
    expect(text).toContain('─── none');
    expect(text).toContain('━━━ cosine');
    expect(text).toContain(`═══ ${DECADES}`);
  });

  it('fits 80 columns by default and the width it is given', () => {
    expect(widest(renderTerminalCharts(results))).toBeLessThanOrEqual(80);
    expect(widest(renderTerminalCharts(results, { width: 60 }))).toBeLessThanOrEqual(60);
    expect(widest(renderTerminalCharts(results, { width: 60, color: true }))).toBeLessThanOrEqual(60);
  });

  it('uses a log axis labelled with real values when the learning rates span decades', () => {
    const rates = renderTerminalCharts(results).split('Learning rate per epoch')[1];
    expect(rates).toContain('learning rate at the start of each epoch, log scale');
    const labels = rates.split('\n').map((line) => line.match(/^\s*([0-9.e-]+)[┤┼]/)?.[1]).filter((label): label is string => label !== undefined);
    // 0.1 at the top, the lowest rate (0.1 * 0.1^2, the epoch-5 rate) at the bottom.
    expect(Number(labels[0])).toBeCloseTo(0.1, 10);
    expect(Number(labels[labels.length - 1])).toBeCloseTo(0.001, 10);
  });

  it('colours each series and its legend entry when asked', () => {
    const text = renderTerminalCharts(results, { color: true });
    expect(text).toContain('\x1b[34m───\x1b[0m none');
    expect(text).toContain('\x1b[33m───\x1b[0m cosine');
  });

  it('draws the mean of repeats and says so', () => {
    const text = renderTerminalCharts(repeated);
    expect(text).toContain('Validation loss per epoch (mean of 2 repeats)');
    const step = repeated.runs.filter((run) => run.label === 'step').map((run) => run.history[1].validationLoss);
    const mean = (step[0] + step[1]) / 2;
    expect(text).toContain(`step ${Number(mean.toPrecision(3))}`);
  });

  it('says when the results are partial', () => {
    expect(renderTerminalCharts(interrupted(results, 1))).toMatch(/Partial results: the run was interrupted/);
    expect(renderTerminalCharts(results)).not.toMatch(/Partial/);
  });
});

describe('renderLineChart', () => {
  const options = { title: 'Schedule', yLabel: 'learning rate', xLabel: 'step', width: 70 };

  it('labels the y axis from the highest value at the top to the lowest at the bottom', () => {
    const text = renderLineChart([{ name: 'linear', values: [4, 3, 2, 1, 0] }], { ...options, height: 4 });
    const rows = text.split('\n').filter((line) => /[┤┼]/.test(line));
    expect(rows[0]).toMatch(/^\s+4┼/);
    expect(rows[rows.length - 1]).toMatch(/^\s+0┤/);
    expect(text).toContain('─── linear 0');
  });

  it('numbers the x axis from xStart and names it', () => {
    const text = renderLineChart([{ name: 'a', values: Array.from({ length: 50 }, (_, i) => i) }], { ...options, xStart: 0 });
    const axis = text.split('\n').find((line) => line.trim().startsWith('step'))!;
    expect(axis.trim().split(/\s+/)).toEqual(['step', '0', '10', '20', '30', '40']);
  });

  it('plots log10 and labels with real values on a log scale', () => {
    const text = renderLineChart([{ name: 'decay', values: [1, 0.1, 0.01, 0.001] }], { ...options, logScale: true, height: 3 });
    const labels = text.split('\n').map((line) => line.match(/^\s*([0-9.e-]+)[┤┼]/)?.[1]).filter(Boolean);
    expect(labels).toEqual(['1', '0.1', '0.01', '0.001']);
    expect(text).toContain('learning rate, log scale');
  });

  it('stops a series at its first non-finite value', () => {
    const text = renderLineChart(
      [
        { name: 'ok', values: [1, 1, 1, 1] },
        { name: 'diverged', values: [1, 2, Number.NaN, 4] },
      ],
      options,
    );
    expect(text).toContain('━━━ diverged 2');
    expect(text).not.toMatch(/^\s+4[┤┼]/m);
  });

  it('gives a flat series room and a legend per line style', () => {
    const text = renderLineChart([{ name: 'constant', values: [0.1, 0.1, 0.1] }], { ...options, height: 6 });
    expect(text.split('\n').filter((line) => /[┤┼]/.test(line)).length).toBeGreaterThanOrEqual(6);
    const many = renderLineChart(
      Array.from({ length: 6 }, (_, i) => ({ name: `s${i}`, values: [i, i + 1] })),
      options,
    );
    for (const [i, glyph] of ['───', '━━━', '═══', '···', '***', '+++'].entries()) expect(many).toContain(`${glyph} s${i}`);
  });

  it('says so when there is nothing to draw', () => {
    expect(renderLineChart([{ name: 'empty', values: [] }], options)).toContain('nothing to draw');
  });
});
