import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { ResolvedSchedulerSpec } from '../schedulers/types.js';

/** One training job of a comparison: a scheduler in a repeat. */
export interface RunTask {
  /** Position in the full plan: repeat-major, then the schedulers' order. */
  readonly index: number;
  readonly repeat: number;
  readonly seed: number;
  readonly spec: ResolvedSchedulerSpec;
}

export interface Shard {
  /** 1-based, as the user writes it: --shard 2/4. */
  readonly index: number;
  readonly count: number;
}

/** The seed of repeat k: shared by every scheduler of that repeat, so runs pair up. */
export function repeatSeed(seed: number, repeat: number): number {
  return seed + repeat;
}

/** A run's position in the plan: repeat-major, then the schedulers' order. The one definition of that order. */
function planIndex(repeat: number, schedulerIndex: number, schedulerCount: number): number {
  return repeat * schedulerCount + schedulerIndex;
}

export function planRuns(specs: readonly ResolvedSchedulerSpec[], repeats: number, seed: number): RunTask[] {
  const tasks: RunTask[] = [];
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const [i, spec] of specs.entries()) tasks.push({ index: planIndex(repeat, i, specs.length), repeat, seed: repeatSeed(seed, repeat), spec });
  }
  return tasks;
}

/**
 * Runs (from any files: shards, resumed runs) sorted as `planRuns` orders
 * them, given the plan's schedulers as the configuration records them (specs).
 */
export function inPlanOrder<T extends { readonly spec: string; readonly repeat: number }>(runs: readonly T[], schedulers: readonly string[]): T[] {
  const position = (run: T) => planIndex(run.repeat, Math.max(0, schedulers.indexOf(run.spec)), schedulers.length);
  return [...runs].sort((a, b) => position(a) - position(b));
}

/** The identity of a run across files (shards, resumed runs). */
export function runKey(run: { readonly label: string; readonly repeat: number }): string {
  return `${run.label}#${run.repeat}`;
}

export function parseShard(text: string): Shard {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new UsageError(`--shard must be i/n with 1 <= i <= n (e.g. 2/4), got '${text}'`);
  }
  if (count > LIMITS.shards) throw new UsageError(`--shard ${text}: ${match![2]} shards is too large: at most ${LIMITS.shards}`);
  return { index, count };
}

/** Round-robin slices: disjoint, together the whole plan, and balanced across schedulers. */
export function shardOf(tasks: readonly RunTask[], shard: Shard | undefined): RunTask[] {
  if (!shard) return [...tasks];
  return tasks.filter((task) => task.index % shard.count === shard.index - 1);
}
