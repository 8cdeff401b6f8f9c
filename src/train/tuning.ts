import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import type { ResultsFile, RunResult } from '../results/results.js';
import { tuningRecord, type TuningConfiguration } from '../results/tuning.js';
import type { ResolvedSchedulerSpec } from '../schedulers/types.js';
import { runComparison, type ComparisonHooks, type ComparisonRequest } from './comparison.js';
import { repeatSeed, runKey, shardOf, tunedPlanIndex, type RunTask } from './plan.js';

/**
 * Tuned comparisons (run --tune-lr): the plan of the selection and
 * confirmation runs, and running them in one process or in stages
 * (selection shards, merge, confirmation shards, merge). The selection itself
 * is results/tuning.ts' tuningRecord, so `merge` computes it the same way.
 */

/** The most rates a --tune-lr grid may hold. */
export const MAX_TUNE_RATES = LIMITS.tuneRates;
/** The most runs of one repeat a tuned plan may hold: schedulers (with parameter-grid variants) x rates. */
export const MAX_TUNED_RUNS_PER_REPEAT = LIMITS.tunedRunsPerRepeat;
/** --tune-lr auto: rates around the range test's suggestion, a decade below to a decade above. */
export const AUTO_GRID_EXPONENTS = [-1, -0.5, 0, 0.5, 1] as const;

/** Which runs a `run` trains: both phases, only the selection (sharded stage 1), or only the confirmation (stage 2). */
export type TuningStage = 'all' | 'select' | 'confirm';
export const TUNING_STAGES: readonly TuningStage[] = ['all', 'select', 'confirm'];

/** Parses --tune-lr's list: positive finite rates, no repeats, at most MAX_TUNE_RATES; ascending. */
export function parseRateGrid(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim());
  const rates = parts.map(Number);
  const bad = parts.find((part, i) => part === '' || !Number.isFinite(rates[i]) || rates[i] <= 0);
  if (bad !== undefined) throw new UsageError(`--tune-lr must be 'auto' or a comma-separated list of rates > 0 (e.g. 0.01,0.03,0.1), got '${bad}' in '${text}'`);
  if (new Set(rates).size !== rates.length) throw new UsageError(`--tune-lr lists a rate twice: '${text}'`);
  if (rates.length > MAX_TUNE_RATES) throw new UsageError(`--tune-lr has ${rates.length} rates; at most ${MAX_TUNE_RATES} are allowed`);
  return [...rates].sort((a, b) => a - b);
}

/** --tune-lr auto: five rates, log-spaced from a decade below the suggestion to a decade above (3 significant digits). */
export function autoRateGrid(suggestion: number): number[] {
  return AUTO_GRID_EXPONENTS.map((exponent) => Number((suggestion * 10 ** exponent).toPrecision(3)));
}

export interface TunedPlanOptions {
  readonly repeats: number;
  readonly seed: number;
  readonly tuning: TuningConfiguration;
}

/** Refuses a plan whose schedulers x rates exceed MAX_TUNED_RUNS_PER_REPEAT, naming the count. */
export function checkTunedPlanSize(schedulerCount: number, rateCount: number): void {
  const count = schedulerCount * rateCount;
  if (count > MAX_TUNED_RUNS_PER_REPEAT) {
    throw new UsageError(
      `the tuning grid has ${count} combinations (${schedulerCount} schedulers and parameter variants x ${rateCount} rates); at most ${MAX_TUNED_RUNS_PER_REPEAT} are allowed`,
    );
  }
}

/** Every selection run: each scheduler at each rate in each selection repeat (seed + repeat). */
export function planSelectionRuns(specs: readonly ResolvedSchedulerSpec[], options: TunedPlanOptions): RunTask[] {
  const plan = { schedulerCount: specs.length, grid: options.tuning.lr, repeats: options.repeats };
  const tasks: RunTask[] = [];
  for (let repeat = 0; repeat < options.repeats; repeat++) {
    for (const lr of options.tuning.lr) {
      for (const [i, spec] of specs.entries()) {
        const run = { phase: 'selection' as const, repeat, gridPoint: { ...spec.grid, lr } };
        tasks.push({ ...run, index: tunedPlanIndex(run, i, plan), seed: repeatSeed(options.seed, repeat), spec });
      }
    }
  }
  return tasks;
}

/**
 * Every confirmation run: each scheduler at its chosen rate, repeats
 * `repeats`.. `repeats + confirmRepeats - 1`, so seeds the selection never
 * used, and the same seed for every scheduler of a repeat (the runs pair up).
 */
export function planConfirmationRuns(
  specs: readonly ResolvedSchedulerSpec[],
  options: TunedPlanOptions,
  selected: Readonly<Record<string, { readonly lr: number }>>,
): RunTask[] {
  const plan = { schedulerCount: specs.length, grid: options.tuning.lr, repeats: options.repeats };
  const tasks: RunTask[] = [];
  for (let repeat = options.repeats; repeat < options.repeats + options.tuning.confirmRepeats; repeat++) {
    for (const [i, spec] of specs.entries()) {
      const chosen = selected[spec.label];
      if (!chosen) throw new UsageError(`no rate was selected for '${spec.label}': the selection results do not cover it`);
      const run = { phase: 'confirmation' as const, repeat, gridPoint: { ...spec.grid, lr: chosen.lr } };
      tasks.push({ ...run, index: tunedPlanIndex(run, i, plan), seed: repeatSeed(options.seed, repeat), spec });
    }
  }
  return tasks;
}

export interface TunedComparisonRequest extends ComparisonRequest {
  readonly tuning: TuningConfiguration;
  readonly stage: TuningStage;
  /** Stage 'confirm': the selection runs (a merged selection file's runs), all of them. */
  readonly selectionRuns?: readonly RunResult[];
}

/**
 * Runs a tuned comparison's stage. 'all': every selection run, the
 * selection, then every confirmation run (the shard's slice of each, with
 * --shard). 'select': the (shard's) selection runs. 'confirm': the (shard's)
 * confirmation runs at the rates chosen from `selectionRuns`, which the file
 * keeps so shards merge into the file an unsharded run writes.
 */
export async function runTunedComparison(request: TunedComparisonRequest, hooks: ComparisonHooks = {}): Promise<ResultsFile> {
  const options: TunedPlanOptions = { repeats: request.repeats, seed: request.seed, tuning: request.tuning };
  checkTunedPlanSize(request.specs.length, request.tuning.lr.length);
  const selectionPlan = planSelectionRuns(request.specs, options);
  const labels = request.specs.map((spec) => spec.label);
  let selectionRuns: readonly RunResult[];
  if (request.stage === 'confirm') {
    selectionRuns = request.selectionRuns ?? [];
  } else {
    const selectionResults = await runComparison({ ...request, plan: shardOf(selectionPlan, request.shard) }, hooks);
    if (request.stage === 'select') return selectionResults;
    selectionRuns = selectionResults.runs;
  }
  const record = tuningRecord(request, selectionRuns, labels);
  if (!record?.selected) {
    const missing = selectionPlan.length - selectionRuns.filter((run) => run.phase === 'selection').length;
    throw new UsageError(`the confirmation stage needs every selection run: ${missing} of ${selectionPlan.length} are missing (merge all selection shards first)`);
  }
  const confirmationPlan = shardOf(planConfirmationRuns(request.specs, options, record.selected), request.shard);
  const keys = new Set(selectionPlan.map((task) => runKey({ ...task, label: task.spec.label })));
  const finishedSelection = selectionRuns.filter((run) => run.phase === 'selection' && keys.has(runKey(run)));
  return runComparison(
    {
      ...request,
      plan: [...selectionPlan, ...confirmationPlan],
      finishedRuns: [...finishedSelection, ...(request.finishedRuns ?? []).filter((run) => run.phase === 'confirmation')],
    },
    hooks,
  );
}

