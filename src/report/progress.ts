import type { RunResult } from './results.js';
import type { EpochRecord } from '../train/job.js';
import type { RunTask } from '../train/plan.js';
import { duration, fixed, percent, rate } from './format.js';

export interface ProgressTarget {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

interface ActiveRun {
  readonly label: string;
  readonly number: number;
  line: string;
}

/**
 * Training progress on stderr (stdout is kept for the table or the JSON):
 * on a terminal a live line with every run in progress and an ETA for the
 * whole comparison, then a line per finished run; in CI logs a plain line per
 * epoch; nothing when quiet. Runs may train in parallel (--jobs).
 */
export class ProgressReporter {
  private readonly started = performance.now();
  private runCount = 0;
  private finishedRuns = 0;
  private epochsDone = 0;
  private epochsToDo = 0;
  private readonly active = new Map<number, ActiveRun>();

  constructor(
    private readonly target: ProgressTarget,
    private readonly epochsPerRun: number,
    private readonly quiet: boolean,
  ) {}

  /** `alreadyFinished` runs (resumed) count as done. */
  start(runCount: number, alreadyFinished: number): void {
    this.runCount = runCount;
    this.finishedRuns = alreadyFinished;
    this.epochsToDo = (runCount - alreadyFinished) * this.epochsPerRun;
  }

  /** Wall-clock ETA: with parallel jobs, epoch times overlap. */
  private eta(): string {
    if (this.epochsDone === 0) return '?';
    const elapsed = (performance.now() - this.started) / 1000;
    return duration((elapsed / this.epochsDone) * (this.epochsToDo - this.epochsDone));
  }

  private number(task: RunTask): number {
    const existing = this.active.get(task.index);
    if (existing) return existing.number;
    return this.finishedRuns + this.active.size + 1;
  }

  epoch(task: RunTask, record: EpochRecord): void {
    this.epochsDone += 1;
    if (this.quiet) return;
    const number = this.number(task);
    const line =
      `[${number}/${this.runCount}] ${task.spec.label} epoch ${record.epoch}/${this.epochsPerRun} ` +
      `lr ${rate(record.learningRate)} loss ${fixed(record.loss)} val_loss ${fixed(record.validationLoss)} val_acc ${percent(record.validationAccuracy)}`;
    this.active.set(task.index, { label: task.spec.label, number, line });
    if (this.target.isTTY) {
      const lines = [...this.active.values()].map((run) => run.line).join(' | ');
      this.target.write(`\r\x1b[2K${lines} ETA ${this.eta()}`);
    } else {
      this.target.write(`${line} ETA ${this.eta()}\n`);
    }
  }

  runFinished(task: RunTask, result: RunResult): void {
    // A diverged run stops early: its remaining epochs no longer count towards the ETA.
    this.epochsToDo -= this.epochsPerRun - result.history.length;
    const number = this.number(task);
    this.active.delete(task.index);
    this.finishedRuns += 1;
    if (this.quiet || !this.target.isTTY) return;
    const s = result.summary;
    const outcome = s.divergedAtEpoch !== null ? `diverged at epoch ${s.divergedAtEpoch}` : `best val acc ${percent(s.bestValidationAccuracy)}`;
    this.target.write(`\r\x1b[2K[${number}/${this.runCount}] ${task.spec.label}: ${outcome}, ${duration(s.seconds)}\n`);
  }
}
