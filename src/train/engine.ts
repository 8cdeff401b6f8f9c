import type { BackendName } from './backend/select.js';
import { cohortFasterOn } from './steps/choose.js';
import { cohortsOf, cohortSupports } from './cohort-job.js';
import type { OptimizerName } from './optimizers.js';
import type { RunTask } from './plan.js';
import { UsageError } from '../errors.js';
import { COHORT_OPTIMIZERS } from './steps/optimizer-rules.js';

/** Why --engine cohort cannot train `optimizer`: one line, the optimizers it can train and the engines that can. */
export function cohortRefusal(optimizer: OptimizerName): string {
  return `--engine cohort cannot train optimizer '${optimizer}' (the cohort trains ${['sgd', ...COHORT_OPTIMIZERS].join(', ')}); give --engine per-run or auto`;
}

/**
 * How the runs of a comparison are trained: one after another (`per-run`,
 * `runTrainingJob`), or the runs of each repeat together (`cohort`,
 * `runCohortJob`: same initial weights and batches, one stacked product per
 * step). Both give the same histories within float tolerance
 * (test/train/cohort.test.ts); `auto` takes the cohort wherever it is
 * supported and was measured faster.
 */
export const ENGINE_CHOICES = ['auto', 'cohort', 'per-run'] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];
export type Engine = Exclude<EngineChoice, 'auto'>;

export function chooseEngine(choice: EngineChoice | undefined, backend: BackendName, optimizer: OptimizerName): Engine {
  if (!cohortSupports(optimizer)) {
    // Asked for by name, the cohort must not quietly become per-run training.
    if (choice === 'cohort') throw new UsageError(cohortRefusal(optimizer));
    return 'per-run';
  }
  if (choice === 'cohort' || choice === 'per-run') return choice;
  return cohortFasterOn(backend) ? 'cohort' : 'per-run';
}

/**
 * The units of work: with the cohort engine, the tasks of each repeat
 * together (in plan order, at most MAX_COHORT_RUNS per cohort); per run, one
 * task each. Tasks of different repeats never share a cohort: their seeds,
 * and so their initial weights and batch orders, differ.
 *
 * With fewer cohorts than worker processes (`jobs`), the largest cohort is
 * halved until every process has one (or every cohort is one run): the
 * default comparison is one repeat, and one cohort in one process would
 * leave the other cores idle while run-by-run training uses them. The split
 * depends only on the plan and `jobs`, so a given --jobs always trains the
 * same cohorts.
 */
export function workUnits(tasks: readonly RunTask[], engine: Engine, jobs = 1): RunTask[][] {
  if (engine === 'per-run') return tasks.map((task) => [task]);
  const byRepeat = new Map<number, RunTask[]>();
  for (const task of tasks) {
    const group = byRepeat.get(task.repeat);
    if (group) group.push(task);
    else byRepeat.set(task.repeat, [task]);
  }
  const units = [...byRepeat.values()].flatMap((group) => cohortsOf(group));
  while (units.length < jobs) {
    let largest = 0;
    for (let i = 1; i < units.length; i++) if (units[i].length > units[largest].length) largest = i;
    const unit = units[largest];
    if (!unit || unit.length < 2) break;
    const half = Math.ceil(unit.length / 2);
    units.splice(largest, 1, unit.slice(0, half), unit.slice(half));
  }
  return units;
}

/**
 * The worker processes to use when --jobs is not given, for `cores` cores.
 * Whole runs cannot be split between processes, so `cores` processes can
 * leave a core idle for a long tail: the default comparison (one repeat of
 * five runs) on two cores trains as cohorts of 3 and 2, and the second
 * process waits a third of the time. One process more (cohorts of 2, 2 and
 * 1, the operating system sharing the cores between three processes) ends
 * sooner when the runs do not divide evenly: the time is about the larger
 * of the busiest process's runs and all runs / cores. This compares that
 * estimate for `cores` and `cores + 1` processes, and takes the extra
 * process only when it is strictly better (measured: the default comparison
 * on wasm 49.7 s with 2 processes, 43.2 s with 3; docs/performance.md).
 * Per-run training has one run per unit, so `cores` processes balance it.
 */
export function defaultJobs(tasks: readonly RunTask[], engine: Engine, cores: number): number {
  const processes = Math.max(1, cores);
  if (engine === 'per-run' || tasks.length <= processes) return processes;
  const estimate = (jobs: number): number => {
    const units = workUnits(tasks, engine, jobs).map((unit) => unit.length);
    // Units go to the process that is free first, in plan order, as runInWorkers hands them out.
    const load = new Array<number>(Math.min(jobs, units.length)).fill(0);
    for (const size of units) load[load.indexOf(Math.min(...load))] += size;
    return Math.max(Math.max(...load), tasks.length / processes);
  };
  return estimate(processes + 1) < estimate(processes) ? processes + 1 : processes;
}
