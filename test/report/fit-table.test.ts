import { beforeAll, describe, expect, it } from 'vitest';
import { checkResults, checkTableModels } from '../../src/commands/check.js';
import { compareResults, comparisonTableModels } from '../../src/commands/compare.js';
import { renderFittedTable } from '../../src/report/fit-table.js';
import { renderTable } from '../../src/report/formats.js';
import type { ResultsFile } from '../../src/results/results.js';
import { renderResultsTable } from '../../src/report/table.js';
import { realRun, runsOf, visible } from './helpers.js';

const WIDTHS = [80, 100, 160] as const;

/** A value the table must show, in the table's units, and how far the shown digits may round it. */
interface Expected {
  readonly name: string;
  readonly value: number;
  readonly tolerance: number;
}

const pct = (name: string, fraction: number): Expected => ({ name, value: 100 * fraction, tolerance: 0.0051 });
const loss = (name: string, value: number): Expected => ({ name, value, tolerance: 0.00051 });
const exact = (name: string, value: number): Expected => ({ name, value, tolerance: 0 });

/** Every number written in `text` (an en dash between two numbers is a range, not a minus). */
function numbersIn(text: string): number[] {
  return [...text.matchAll(/-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/g)].map((match) => Number(match[0]));
}

/** The lines of `label`'s row or block: from the line it starts until the next one's start. */
function section(text: string, label: string, labels: readonly string[]): string {
  const lines = visible(text).split('\n');
  const firstWord = (line: string) => line.replace(/^[│\s]+/, '').split(/[\s│]/)[0];
  const start = lines.findIndex((line) => firstWord(line) === label);
  expect(start, `no row or block for ${label}`).toBeGreaterThanOrEqual(0);
  let end = start + 1;
  while (end < lines.length && !labels.includes(firstWord(lines[end])) && !/^(Best|└)/.test(lines[end])) end++;
  return lines.slice(start, end).join('\n');
}

/** Each expected value matched by its own number in the text (closest first). */
function expectShown(text: string, expected: readonly Expected[]): void {
  const numbers = numbersIn(text);
  const used = new Set<number>();
  for (const entry of [...expected].sort((a, b) => a.tolerance - b.tolerance)) {
    const at = numbers.findIndex((number, i) => !used.has(i) && Math.abs(number - entry.value) <= entry.tolerance + 1e-9);
    expect(at, `${entry.name} (${entry.value}) is not shown in:\n${text}`).toBeGreaterThanOrEqual(0);
    used.add(at);
  }
}

function expectFits(text: string, width: number): void {
  for (const line of visible(text).split('\n')) expect(line.length, line).toBeLessThanOrEqual(width);
}

describe('tables that fit the terminal', () => {
  let single: ResultsFile;
  let repeated: ResultsFile;
  beforeAll(() => {
    single = realRun(['--schedulers', 'step,exponential,cosine', '--epochs', '2']).results;
    repeated = realRun(['--schedulers', 'step,cosine,cyclic', '--epochs', '2', '--repeats', '3']).results;
  }, 240_000);

  it.each(WIDTHS)('single run at %i columns: no line wider, every metric of every run shown', (width) => {
    const text = renderResultsTable(single, { width });
    expectFits(text, width);
    const labels = single.runs.map((run) => run.label);
    for (const run of single.runs) {
      const s = run.summary;
      expectShown(section(text, run.label, labels), [
        pct('final val acc', s.finalValidationAccuracy),
        pct('best val acc', s.bestValidationAccuracy),
        exact('best val acc epoch', s.bestValidationAccuracyEpoch),
        loss('lowest val loss', s.lowestValidationLoss),
        exact('lowest val loss epoch', s.lowestValidationLossEpoch),
        loss('final val loss', s.finalValidationLoss),
        pct('test acc', s.testAccuracy),
        { name: 'final lr', value: s.finalLearningRate, tolerance: 0.005 * s.finalLearningRate },
        { name: 'time', value: s.seconds, tolerance: 0.051 },
      ]);
    }
  });

  it.each(WIDTHS)('--repeats at %i columns: no line wider, every statistic of every scheduler shown', (width) => {
    const text = renderResultsTable(repeated, { width });
    expectFits(text, width);
    const labels = repeated.statistics.schedulers.map((entry) => entry.label);
    const clip = (value: number) => Math.min(1, Math.max(0, value));
    for (const entry of repeated.statistics.schedulers) {
      const m = entry.metrics;
      const expected: Expected[] = [];
      for (const [name, metric] of [
        ['best val acc', m.bestValidationAccuracy],
        ['final val acc', m.finalValidationAccuracy],
        ['test acc', m.testAccuracy],
        ['test acc at best val loss', m.testAccuracyAtBestValidationLoss],
      ] as const) {
        expected.push(pct(`${name} mean`, metric.mean), pct(`${name} std`, metric.std));
        if (metric.ci95) expected.push(pct(`${name} CI low`, clip(metric.ci95[0])), pct(`${name} CI high`, clip(metric.ci95[1])));
      }
      const l = m.lowestValidationLoss;
      expected.push(loss('lowest val loss mean', l.mean), loss('lowest val loss std', l.std));
      if (l.ci95) expected.push(loss('lowest val loss CI low', Math.max(0, l.ci95[0])), loss('lowest val loss CI high', l.ci95[1]));
      expected.push({ name: 's/epoch', value: m.secondsPerEpoch.mean, tolerance: 0.00051 });
      if (entry.epochsToTarget.meanEpoch !== null) expected.push({ name: 'epochs to target', value: entry.epochsToTarget.meanEpoch, tolerance: 0.051 });
      const versus = entry.versusBest;
      if (versus && versus.adjustedPValue !== null) {
        expected.push(pct('points behind the best', versus.meanDifference));
        if (versus.adjustedPValue >= 0.001) expected.push({ name: 'p-value', value: versus.adjustedPValue, tolerance: 0.00051 });
      }
      const rows = section(text, entry.label, labels);
      expectShown(rows, expected);
      if (entry.epochsToTarget.meanEpoch === null) expect(rows).toContain('never');
      expect(rows).toMatch(versus === null ? /best/ : versus.adjustedPValue === null ? /cannot judge/ : versus.significant ? /worse/ : /within noise/);
    }
    // The verdict in words, wrapped to the width, every word kept.
    const conclusion = repeated.statistics.conclusion.split(/\s+/);
    const words = visible(text).split(/\s+/);
    for (const word of conclusion) expect(words).toContain(word);
  });

  it('not a terminal (no width): the full table, as before', () => {
    const text = renderResultsTable(single);
    expect(text).toContain('best val acc (epoch)');
    expect(Math.max(...visible(text).split('\n').map((line) => line.length))).toBeGreaterThan(120);
    expect(renderResultsTable(single, { format: 'markdown', width: 80 })).toBe(renderResultsTable(single, { format: 'markdown' }));
  });

  it.each(WIDTHS)('compare and check at %i columns: no line wider, every value shown', (width) => {
    const compared = compareResults(single, repeated);
    expect(compared.length).toBeGreaterThan(0);
    const text = renderFittedTable(comparisonTableModels(compared), width);
    expectFits(text, width);
    const labels = compared.map((entry) => entry.label);
    for (const entry of compared) {
      const shown = section(text, entry.label, labels);
      expectShown(shown, [
        pct('best val acc a', entry.first.bestValidationAccuracy),
        pct('best val acc b', entry.second.bestValidationAccuracy),
        pct('b - a', entry.difference),
        pct('test acc a', entry.first.testAccuracy),
        pct('test acc b', entry.second.testAccuracy),
        loss('lowest val loss a', entry.first.lowestValidationLoss),
        loss('lowest val loss b', entry.second.lowestValidationLoss),
      ]);
      expect(shown).toContain('n/a');
    }

    const outcomes = checkResults(repeated, { minValAcc: 0.5, minTestAcc: 0.5, baseline: repeated, maxDrop: 0.01 });
    const checks = renderTable(checkTableModels(outcomes).full, 'table', { width, narrow: checkTableModels(outcomes).narrow });
    expectFits(checks, width);
    const lines = visible(checks).split('\n');
    // A row (or block) per outcome, naming its run and verdict, with its value.
    for (const outcome of outcomes) {
      const run = outcome.subject.replace(/ \(repeat (\d+)\)$/, '');
      const repeat = /repeat (\d+)/.exec(outcome.subject)?.[1];
      const found = lines.some((line, i) => {
        const nearby = lines.slice(i, i + 6).join('\n');
        return (
          line.includes(run) &&
          (repeat === undefined || new RegExp(`(#|repeat )${repeat}\\b`).test(line)) &&
          nearby.includes(outcome.verdict.toUpperCase()) &&
          (outcome.value === null ||
            numbersIn(nearby).some((number) =>
              outcome.check === 'did not diverge' ? number === outcome.value : Math.abs(number - 100 * (outcome.value as number)) <= 0.0051,
            ))
        );
      });
      expect(found, `${outcome.check} for ${outcome.subject}`).toBe(true);
    }
    expect(runsOf(repeated, 'cosine')).toHaveLength(3);
  });
});
