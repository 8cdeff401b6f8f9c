import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../src/results/results.js';
import { runLrCompare, temporaryFolder, TINY } from './helpers.js';

const ROOT = resolve(__dirname, '../..');

function readResults(path: string): ResultsFile {
  return JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
}

function untimed(results: ResultsFile) {
  return results.runs.map((run) => ({ label: run.label, repeat: run.repeat, history: run.history.map(({ seconds: _s, ...rest }) => rest), test: run.summary.testAccuracy }));
}

describe('sharded runs', () => {
  it('merge into exactly what one unsharded run gives', async () => {
    const folder = temporaryFolder();
    const args = ['run', '--epochs', '2', ...TINY, '--quiet', '--no-chart', '--schedulers', 'step,cyclic,none', '--repeats', '2'];
    const parts = [1, 2, 3].map((index) => join(folder, `part-${index}.json`));
    const shards = await Promise.all(parts.map((part, index) => runLrCompare([...args, '--shard', `${index + 1}/3`, '--out', part])));
    for (const shard of shards) expect(shard.status, shard.stderr).toBe(0);
    expect(parts.map((part) => readResults(part).runs.length)).toEqual([2, 2, 2]);
    const merged = await runLrCompare(['merge', ...parts, '--out', join(folder, 'merged.json')]);
    expect(merged.status, merged.stderr).toBe(0);
    expect(merged.stderr).toMatch(/merged 3 files: 6 of 6 runs/);
    expect((await runLrCompare([...args, '--out', join(folder, 'single.json')])).status).toBe(0);
    const single = readResults(join(folder, 'single.json'));
    const combined = readResults(join(folder, 'merged.json'));
    expect(combined.complete).toBe(true);
    expect(untimed(combined)).toEqual(untimed(single));
    expect(combined.statistics.best).toBe(single.statistics.best);
  });
});

describe('check and compare', () => {
  it('check exits 0 when thresholds hold, 1 when one fails or the baseline is beaten by more than max-drop', async () => {
    const folder = temporaryFolder();
    const results = join(folder, 'r.json');
    expect((await runLrCompare(['run', '--epochs', '2', ...TINY, '--quiet', '--schedulers', 'step,cyclic', '--out', results])).status).toBe(0);
    const data = readResults(results);
    const step = data.runs.find((run) => run.label === 'step')!.summary.finalValidationAccuracy;
    const cyclic = data.runs.find((run) => run.label === 'cyclic')!.summary.finalValidationAccuracy;
    expect(step).toBeGreaterThan(cyclic);

    const passing = await runLrCompare(['check', results, '--min-val-acc', String(cyclic - 0.01)]);
    expect(passing.status).toBe(0);
    expect(passing.stdout).toMatch(/all checks passed/);
    const failing = await runLrCompare(['check', results, '--min-val-acc', String((step + cyclic) / 2), '--format', 'markdown']);
    expect(failing.status).toBe(1);
    expect(failing.stdout).toMatch(/^\| check \| run \| value \| limit \| verdict \|$/m);
    expect(failing.stdout).toMatch(/\| final val acc >= min \| cyclic \| .* \| FAIL \|/);
    expect(failing.stdout).toMatch(/\| final val acc >= min \| step \| .* \| PASS \|/);

    // A baseline 5 points better than this run: a drop of 5 points fails at max-drop 0.01, passes at 0.1.
    const better = { ...data, runs: data.runs.map((run) => ({ ...run, summary: { ...run.summary, finalValidationAccuracy: run.summary.finalValidationAccuracy + 0.05 } })) };
    writeFileSync(join(folder, 'baseline.json'), JSON.stringify(better));
    expect((await runLrCompare(['check', results, '--baseline', join(folder, 'baseline.json'), '--max-drop', '0.01'])).status).toBe(1);
    const lenient = await runLrCompare(['check', results, '--baseline', join(folder, 'baseline.json'), '--max-drop', '0.1', '--format', 'json']);
    expect(lenient.status).toBe(0);
    const verdicts = JSON.parse(lenient.stdout) as { passed: boolean; checks: { value: number; verdict: string }[] };
    expect(verdicts.passed).toBe(true);
    expect(verdicts.checks.filter((check) => check.verdict === 'pass').map((check) => check.value)).toContainEqual(expect.closeTo(0.05, 9));
  });

  it('compare shows the common schedulers side by side with their differences', async () => {
    const folder = temporaryFolder();
    const base = ['run', '--epochs', '2', ...TINY, '--quiet', '--no-chart'];
    expect((await runLrCompare([...base, '--schedulers', 'step,cosine', '--out', join(folder, 'a.json')])).status).toBe(0);
    expect((await runLrCompare([...base, '--schedulers', 'step,cyclic', '--seed', '1', '--out', join(folder, 'b.json')])).status).toBe(0);
    const compared = await runLrCompare(['compare', join(folder, 'a.json'), join(folder, 'b.json'), '--format', 'json']);
    expect(compared.status, compared.stderr).toBe(0);
    const report = JSON.parse(compared.stdout) as { schedulers: { label: string; difference: number; pValue: number | null }[]; configurationDifference: string };
    expect(report.schedulers.map((entry) => entry.label)).toEqual(['step']);
    expect(report.schedulers[0].pValue).toBeNull();
    expect(report.configurationDifference).toMatch(/schedulers|seed/);
    const a = readResults(join(folder, 'a.json')).runs[0].summary.bestValidationAccuracy;
    const b = readResults(join(folder, 'b.json')).runs[0].summary.bestValidationAccuracy;
    expect(report.schedulers[0].difference).toBeCloseTo(b - a, 12);
    const table = await runLrCompare(['compare', join(folder, 'a.json'), join(folder, 'b.json'), '--format', 'markdown']);
    expect(table.stdout).toMatch(/^\| scheduler \| best val acc a \| best val acc b \| b - a \|/m);
  });
});

describe('experiment files', () => {
  it('runs the article preset, with command-line options overriding it', async () => {
    const folder = temporaryFolder();
    const out = join(folder, 'r.json');
    const result = await runLrCompare(['run', '--config', join(ROOT, 'data/presets/article.json'), '--epochs', '1', ...TINY, '--quiet', '--no-chart', '--out', out]);
    expect(result.status, result.stderr).toBe(0);
    const results = readResults(out);
    expect(results.configuration.epochs).toBe(1);
    expect(results.configuration.samples).toBe(600);
    expect(results.configuration.lr).toBe(0.1);
    expect(results.runs.map((run) => run.scheduler)).toEqual(['step', 'exponential', 'cosine', 'plateau', 'cyclic']);
    expect(results.runs.map((run) => run.label)).toEqual(['step', 'exponential', 'cosine', 'plateau', 'cyclic']);
  });
});

/** The lr-compare commands of the example workflow, with the matrix and redirections resolved. */
function workflowCommands(shard: number): string[][] {
  const workflow = readFileSync(join(ROOT, 'examples/github-actions.yml'), 'utf8');
  return [...workflow.matchAll(/npx lr-compare ([^\n]+)/g)].map((match) =>
    match[1]
      .replace(/\$\{\{ matrix\.shard \}\}/g, String(shard))
      .replace(/\s*>>.*$/, '')
      .split(/\s+/)
      .filter((word) => word !== ''),
  );
}

describe('the example GitHub Actions workflow', () => {
  it("uses the CLI's real commands and options, and they work together", async () => {
    const folder = temporaryFolder();
    mkdirSync(join(folder, 'data'));
    cpSync(join(ROOT, 'data/presets'), join(folder, 'data/presets'), { recursive: true });
    const commands = [1, 2, 3].map(workflowCommands);
    expect(commands[0].map((command) => command[0])).toEqual(['run', 'merge', 'report', 'check']);
    // Train the three shards for real, made tiny by options given last (commander keeps the last value).
    const tiny = ['--epochs', '1', '--repeats', '1', ...TINY];
    for (const shard of [0, 1, 2]) {
      const train = await runLrCompare([...commands[shard][0], ...tiny], { cwd: folder });
      expect(train.status, train.stderr).toBe(0);
      expect(train.stdout).toMatch(/^\| scheduler \|/m);
    }
    const [, merge, report, check] = commands[0];
    expect((await runLrCompare(merge, { cwd: folder })).status).toBe(0);
    expect((await runLrCompare(report, { cwd: folder })).status).toBe(0);
    expect(existsSync(join(folder, 'results/report.html'))).toBe(true);
    // The baseline the workflow names is the project's committed one.
    mkdirSync(join(folder, 'benchmarks'));
    cpSync(join(ROOT, 'benchmarks/baseline.json'), join(folder, 'benchmarks/baseline.json'));
    const checked = await runLrCompare(check, { cwd: folder });
    // One epoch on 480 images cannot reach the thresholds: exit 1 (a failed check), never 2 (bad input).
    expect(checked.status, checked.stderr).toBe(1);
    expect(checked.stdout).toMatch(/^\| check \| run \| value \| limit \| verdict \|$/m);
  });
});
