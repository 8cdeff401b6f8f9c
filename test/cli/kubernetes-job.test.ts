import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../src/results/results.js';
import { runLrCompare, temporaryFolder, TINY } from './helpers.js';

const ROOT = resolve(__dirname, '../..');
const MANIFEST = readFileSync(join(ROOT, 'examples/kubernetes-indexed-job.yaml'), 'utf8');

interface ManifestJob {
  readonly name: string;
  readonly indexed: boolean;
  readonly completions: number;
  readonly env: Record<string, string>;
  /** The lr-compare arguments of each container, init containers first, as the manifest lists them. */
  readonly commands: string[][];
}

/** The manifest's Jobs in order, read the way the kubelet reads them: `command` + `args` flow lists. */
function manifestJobs(): ManifestJob[] {
  return MANIFEST.split(/^---$/m)
    .filter((document) => /^kind: Job$/m.test(document))
    .map((document) => {
      const env: Record<string, string> = {};
      for (const match of document.matchAll(/- name: (\w+)\n\s+value: "([^"]*)"/g)) env[match[1]] = match[2];
      const commands = [...document.matchAll(/command: (\[.*\])\n\s+args: (\[.*\])/g)].map((match) => {
        const command = JSON.parse(match[1]) as string[];
        expect(command).toEqual(['lr-compare']);
        return JSON.parse(match[2]) as string[];
      });
      return {
        name: /^ {2}name: (\S+)$/m.exec(document)?.[1] ?? '',
        indexed: /completionMode: Indexed/.test(document),
        completions: Number(/completions: (\d+)/.exec(document)?.[1] ?? 1),
        env,
        commands,
      };
    });
}

/** Kubernetes expands $(VAR) in args from the container's environment; /results is the shared volume. */
function resolveArguments(args: readonly string[], env: Record<string, string>, volume: string): string[] {
  return args.map((arg) => arg.replace(/\$\((\w+)\)/g, (_, name: string) => env[name] ?? `$(${name})`).replace(/^\/results\//, `${volume}/`));
}

function readResults(path: string): ResultsFile {
  return JSON.parse(readFileSync(path, 'utf8')) as ResultsFile;
}

describe('the example Kubernetes Indexed Job', () => {
  it('runs as a staged, sharded tuned comparison whose merged file has a selection and a confirmed comparison', async () => {
    const jobs = manifestJobs();
    expect(jobs.map((job) => job.name)).toEqual(['lr-compare-select', 'lr-compare-merge-select', 'lr-compare-confirm', 'lr-compare-report']);
    const volume = temporaryFolder();
    // Tiny: two schedulers, two rates, one epoch, a few hundred samples (commander keeps an option's last value).
    const tiny = ['--schedulers', 'none,step', '--tune-lr', '0.03,0.3', '--repeats', '2', '--epochs', '1', ...TINY, '--jobs', '1'];
    for (const job of jobs) {
      const pods = job.indexed ? job.completions : 1;
      expect(job.indexed ? job.env.LR_COMPARE_SHARDS : undefined).toBe(job.indexed ? String(job.completions) : undefined);
      for (let index = 0; index < pods; index++) {
        // The environment an Indexed Job's pod gets: its index, and the manifest's own variables.
        const env = { ...job.env, ...(job.indexed ? { JOB_COMPLETION_INDEX: String(index) } : {}) };
        for (const command of job.commands) {
          const args = resolveArguments(command, env, volume);
          const result = await runLrCompare(args[0] === 'run' ? [...args, ...tiny] : args, { env });
          expect(result.status, `${job.name} pod ${index}: ${args.join(' ')}\n${result.stderr}`).toBe(0);
        }
      }
    }
    expect(readResults(join(volume, 'select-1.json')).shard).toEqual({ index: 2, count: 3 });
    const tuned = readResults(join(volume, 'tuned.json'));
    expect(tuned.complete).toBe(true);
    expect(Object.keys(tuned.tuning?.selected ?? {})).toEqual(['none', 'step']);
    expect(tuned.runs.filter((run) => run.phase === 'selection')).toHaveLength(2 * 2 * 2);
    expect(tuned.runs.filter((run) => run.phase === 'confirmation')).toHaveLength(2 * 2);
    expect(existsSync(join(volume, 'report.html'))).toBe(true);
  }, 600_000);
});
