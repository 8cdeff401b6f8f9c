import { beforeAll, describe, expect, it } from 'vitest';
import { renderFindLrReport } from '../../src/commands/find-lr.js';
import { visibleWidth } from '../../src/report/terminal.js';
import { mnistRangeTest, type LrFinderResult, type MlpRangeTestConfiguration } from '../../src/train/lr-finder.js';

// A real range test on a tiny slice: the report's lines are whatever its rules and stop detail say.
let result: LrFinderResult<MlpRangeTestConfiguration>;
beforeAll(async () => {
  ({ finder: result } = await mnistRangeTest({ samples: 300, valSplit: 0.2, backend: 'cpu', steps: 60, batchSize: 32, optimizer: 'sgd', seed: 42 }));
}, 120_000);

const words = (text: string) => text.split(/\s+/).filter((word) => word !== '');

describe('find-lr report on a terminal', () => {
  it.each([40, 60, 80, 120])('at %i columns no line is wider, and no word of the report is lost', (width) => {
    const report = renderFindLrReport(result, width);
    for (const line of report.split('\n')) expect(visibleWidth(line), line).toBeLessThanOrEqual(width);
    const unlimited = renderFindLrReport(result);
    // Wrapping and the chart's narrower plot change the layout, not the prose: every suggestion line's words survive in order.
    const prose = (text: string) => words(text.slice(text.indexOf(' steps run;')));
    expect(prose(report)).toEqual(prose(unlimited));
  });

  it('keeps each description under its own column when it wraps', () => {
    const report = renderFindLrReport(result, 60).split('\n');
    const first = report.findIndex((line) => / V valley /.test(line));
    const column = report[first].indexOf('2/3 of the way');
    expect(column).toBeGreaterThan(20);
    // The valley description is longer than 60 - column, so it continues on the next line, indented to the same column.
    expect(report[first + 1].slice(0, column).trim()).toBe('');
    expect(report[first + 1][column]).not.toBe(' ');
  });

  it('writes whole lines, as before, for files and pipes (no width)', () => {
    const report = renderFindLrReport(result).split('\n');
    const valley = report.find((line) => / V valley /.test(line));
    expect(valley).toMatch(/fastai's default$/);
  });
});
