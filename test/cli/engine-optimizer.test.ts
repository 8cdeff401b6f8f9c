import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectCliRefuses } from '../helpers/refused.js';
import { runLrCompare, temporaryFolder, TINY } from './helpers.js';

/**
 * --engine cohort with an optimizer the cohort cannot train (the schedule-free
 * ones) is refused up front: one line naming the optimizer and the engines
 * allowed, exit 2, nothing written. It used to train run by run without a word.
 */
const folder = temporaryFolder('lr-compare-engine-');

describe('--engine cohort and the optimizer', () => {
  it('refuses --optimizer schedulefree_adamw', async () => {
    await expectCliRefuses(
      ['run', '--engine', 'cohort', '--optimizer', 'schedulefree_adamw', ...TINY, '--out', join(folder, 'never.json')],
      /^lr-compare: error: --engine cohort cannot train optimizer 'schedulefree_adamw' \(the cohort trains sgd, momentum, adam, rmsprop, adamw\); give --engine per-run or auto\n$/,
    );
  });

  it("refuses a spec's optimizer=schedulefree_sgd beside a --optimizer it can train", async () => {
    await expectCliRefuses(
      ['run', '--engine', 'cohort', '--optimizer', 'adam', '-s', 'step:optimizer=schedulefree_sgd', '-s', 'cosine', ...TINY, '--out', join(folder, 'never-spec.json')],
      /^lr-compare: error: --engine cohort cannot train optimizer 'schedulefree_sgd' \(the cohort trains sgd, momentum, adam, rmsprop, adamw\); give --engine per-run or auto\n$/,
    );
  });

  it('trains adam with --engine cohort, and schedule-free with --engine auto (run by run)', async () => {
    for (const [optimizer, engine] of [
      ['adam', 'cohort'],
      ['schedulefree_sgd', 'auto'],
    ]) {
      const out = join(folder, `${optimizer}.json`);
      const result = await runLrCompare(['run', '--engine', engine, '--optimizer', optimizer, '--lr', '0.002', '--epochs', '1', ...TINY, '--schedulers', 'step,cosine', '--quiet', '--no-chart', '--out', out]);
      expect(result.status, result.stderr).toBe(0);
      expect(existsSync(out)).toBe(true);
      const results = JSON.parse(readFileSync(out, 'utf8')) as { runs: { optimizer: { name: string } }[] };
      expect(results.runs.map((run) => run.optimizer.name)).toEqual([optimizer, optimizer]);
    }
  });
});
