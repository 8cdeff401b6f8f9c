import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { RunPhase } from '../results/tuning.js';
import type { ParamValue, ResolvedSchedulerSpec } from '../schedulers/types.js';

/** One training job of a comparison: a scheduler in a repeat. */
export interface RunTask {
  /** Position in the full plan: repeat-major, then the schedulers' order. */
  readonly index: number;
  readonly repeat: number;
  readonly seed: number;
  readonly spec: ResolvedSchedulerSpec;
  /** Tuned comparisons (tuning.ts): the phase and the base rate (and swept parameters) of this run. */
  readonly phase?: RunPhase;
  readonly gridPoint?: Readonly<Record<string, ParamValue>> & { readonly lr: number };
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
 * The position of a tuned plan's run (tuning.ts plans them): selection runs
 * first, repeat-major, then the grid's rates, then the schedulers; then the
 * confirmation runs, repeat-major, then the schedulers.
 */
export function tunedPlanIndex(
  run: { readonly phase?: RunPhase; readonly repeat: number; readonly gridPoint?: { readonly lr: number } },
  schedulerIndex: number,
  plan: { readonly schedulerCount: number; readonly grid: readonly number[]; readonly repeats: number },
): number {
  const selectionCount = plan.repeats * plan.grid.length * plan.schedulerCount;
  if (run.phase === 'selection') {
    const rateIndex = Math.max(0, plan.grid.indexOf(run.gridPoint?.lr ?? Number.NaN));
    return (run.repeat * plan.grid.length + rateIndex) * plan.schedulerCount + schedulerIndex;
  }
  return selectionCount + planIndex(run.repeat - plan.repeats, schedulerIndex, plan.schedulerCount);
}

/**
 * Runs (from any files: shards, resumed runs) sorted as `planRuns` orders
 * them, given the plan's schedulers as the configuration records them (specs);
 * with `tuning` (grid and selection repeats), as a tuned plan orders them.
 */
export function inPlanOrder<T extends { readonly spec: string; readonly repeat: number; readonly phase?: RunPhase; readonly gridPoint?: { readonly lr: number } }>(
  runs: readonly T[],
  schedulers: readonly string[],
  tuning?: { readonly grid: readonly number[]; readonly repeats: number },
): T[] {
  const schedulerIndex = (run: T) => Math.max(0, schedulers.indexOf(run.spec));
  const position = (run: T) =>
    tuning
      ? tunedPlanIndex(run, schedulerIndex(run), { schedulerCount: schedulers.length, ...tuning })
      : planIndex(run.repeat, schedulerIndex(run), schedulers.length);
  return [...runs].sort((a, b) => position(a) - position(b));
}

/** The identity of a run across files (shards, resumed runs); a selection run's rate is part of it. */
export function runKey(run: { readonly label: string; readonly repeat: number; readonly phase?: RunPhase; readonly gridPoint?: { readonly lr: number } }): string {
  return run.phase === 'selection' ? `${run.label}@${run.gridPoint?.lr}#${run.repeat}` : `${run.label}#${run.repeat}`;
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

/**
 * --shard env: a Kubernetes Indexed Job's pod runs shard JOB_COMPLETION_INDEX + 1
 * (the index counts from 0) of LR_COMPARE_SHARDS (the Job's completions).
 */
export function shardFromEnvironment(env: Readonly<Record<string, string | undefined>>): Shard {
  const index = env.JOB_COMPLETION_INDEX;
  const count = env.LR_COMPARE_SHARDS;
  if (index === undefined || !/^\d+$/.test(index.trim())) {
    throw new UsageError(`--shard env needs JOB_COMPLETION_INDEX, a whole number from 0 (a Kubernetes Indexed Job sets it), got ${index === undefined ? 'nothing' : `'${index}'`}`);
  }
  if (count === undefined || !/^\d+$/.test(count.trim()) || Number(count) < 1 || Number(count) > LIMITS.shards) {
    throw new UsageError(`--shard env needs LR_COMPARE_SHARDS, the number of shards from 1 to ${LIMITS.shards}, got ${count === undefined ? 'nothing' : `'${count}'`}`);
  }
  if (Number(index) >= Number(count)) throw new UsageError(`--shard env: JOB_COMPLETION_INDEX ${index} must be below LR_COMPARE_SHARDS ${count}`);
  return { index: Number(index) + 1, count: Number(count) };
}

/** Round-robin slices: disjoint, together the whole plan, and balanced across schedulers. */
export function shardOf(tasks: readonly RunTask[], shard: Shard | undefined): RunTask[] {
  if (!shard) return [...tasks];
  return tasks.filter((task) => task.index % shard.count === shard.index - 1);
}
