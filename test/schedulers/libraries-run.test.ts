/**
 * The schedules of every origin, composites included, through the paths a run
 * takes: a --config file, shards merged into one results file, resume of a
 * results file, and the report. Tiny data: the training itself is not the point.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLrCompare, temporaryFolder, TINY } from '../cli/helpers.js';

const SPECS = [
  'sequential(linear:start_factor=0.1,total_iters=1; cosine):milestones=1',
  'chained(constant:factor=0.5,total_iters=1; exponential:gamma=0.9)',
  'keras_plateau:patience=1',
  'wsd:num_warmup_steps=1,num_decay_steps=1',
  'warmup_cosine_decay:init_value=0.01,warmup_steps=1',
  'tanh',
];

describe('schedules of every origin in a run', () => {
  it('train from a --config file in two shards, merge, resume and report under their spec labels', async () => {
    const folder = temporaryFolder('lr-compare-libraries-');
    const config = join(folder, 'experiment.json');
    writeFileSync(config, JSON.stringify({ schedulers: SPECS, epochs: 2 }));
    const base = ['run', '--config', config, ...TINY, '--quiet', '--no-chart', '--jobs', '1'];
    const shards = [join(folder, 'shard-1.json'), join(folder, 'shard-2.json')];
    for (const [index, shard] of shards.entries()) {
      const result = await runLrCompare([...base, '--shard', `${index + 1}/2`, '--out', shard]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    }
    const merged = join(folder, 'merged.json');
    expect((await runLrCompare(['merge', ...shards, '--out', merged])).status).toBe(0);
    const results = JSON.parse(readFileSync(merged, 'utf8')) as { configuration: { schedulers: string[] }; runs: { label: string; learningRates?: number[] }[] };
    expect(results.configuration.schedulers).toEqual(SPECS);
    expect(results.runs.map((run) => run.label).sort()).toEqual([...SPECS].sort());

    // Resume a results file that lacks the last runs: only those train, under the same labels.
    const partial = join(folder, 'partial.json');
    const full = JSON.parse(readFileSync(shards[0]!, 'utf8')) as { runs: unknown[] };
    writeFileSync(partial, JSON.stringify({ ...full, complete: false, runs: full.runs.slice(0, 1) }));
    const resumed = await runLrCompare([...base, '--shard', '1/2', '--out', partial, '--resume']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    const after = JSON.parse(readFileSync(partial, 'utf8')) as { runs: { label: string }[] };
    expect(after.runs.map((run) => run.label).sort()).toEqual((full.runs as { label: string }[]).map((run) => run.label).sort());

    const report = await runLrCompare(['report', merged, '--html', join(folder, 'report.html')]);
    expect(report.status).toBe(0);
    const html = readFileSync(join(folder, 'report.html'), 'utf8');
    for (const spec of SPECS) expect(html).toContain(JSON.stringify(spec).slice(1, -1));
  }, 240_000);
});
