import type { RunResult } from '../results/results.js';
import type { EpochRecord } from '../results/results.js';
import type { RunTask } from '../train/plan.js';
import { rate } from '../format-rate.js';
import { duration, fixed, percent } from './format.js';
import { fitLine, fitRows, LiveBlock, type LiveBlockOptions } from './live.js';
import { padEnd, paint, truncate, visibleWidth, type ProgressTarget } from './terminal.js';

interface ActiveRun {
  readonly label: string;
  readonly number: number;
  readonly repeat: number;
  record?: EpochRecord;
}

/** Run lines in the live block at most (the block also has the overall line and, beyond it, a "more running" line). */
export const MAX_RUN_LINES = 8;
/** Labels longer than this are cut in the live block (the results table shows them whole). */
const MAX_LABEL_WIDTH = 28;

export interface ProgressReporterOptions extends LiveBlockOptions {
  /** Repeats in the plan: with more than one, run lines name the repeat. */
  readonly repeats?: number;
}

/**
 * Training progress on stderr (stdout is kept for the table or the JSON).
 *
 * On a terminal: a block redrawn in place with one line per run in progress
 * (a bar over its epochs, label, epoch x/N, rate, loss, validation accuracy)
 * and an overall line (runs done, a bar over every epoch of every run,
 * elapsed, ETA); each finished run leaves a one-line result above the block.
 * Many parallel runs (sweeps): at most MAX_RUN_LINES run lines, then a count.
 * In logs (not a terminal, TERM=dumb): a plain line per epoch. Quiet: nothing.
 */
export class ProgressReporter {
  private readonly started = performance.now();
  private runCount = 0;
  private finishedRuns = 0;
  private epochsDone = 0;
  private epochsToDo = 0;
  private readonly active = new Map<number, ActiveRun>();
  private readonly block: LiveBlock;
  private readonly repeats: number;
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    target: ProgressTarget,
    private readonly epochsPerRun: number,
    quiet: boolean,
    options: ProgressReporterOptions = {},
  ) {
    this.block = new LiveBlock(target, { quiet, ...options });
    this.repeats = options.repeats ?? 1;
  }

  /** `alreadyFinished` runs (resumed) count as done. */
  start(runCount: number, alreadyFinished: number): void {
    this.runCount = runCount;
    this.finishedRuns = alreadyFinished;
    this.epochsToDo = (runCount - alreadyFinished) * this.epochsPerRun;
    this.redraw();
    // Elapsed time and ETA keep moving between epochs (a large epoch can take minutes); unref: it never keeps the process alive.
    if (this.block.mode === 'live' && !this.ticker) this.ticker = setInterval(() => this.redraw(), 1000).unref();
  }

  /** Wall-clock ETA: with parallel jobs, epoch times overlap. */
  private eta(): string {
    if (this.epochsDone === 0) return '?';
    const elapsed = (performance.now() - this.started) / 1000;
    return duration((elapsed / this.epochsDone) * (this.epochsToDo - this.epochsDone));
  }

  private activeRun(task: RunTask): ActiveRun {
    let run = this.active.get(task.index);
    if (!run) {
      run = { label: task.spec.label, number: this.finishedRuns + this.active.size + 1, repeat: task.repeat };
      this.active.set(task.index, run);
    }
    return run;
  }

  /** A run was handed to a worker: it shows (at epoch 0) before its first epoch ends. */
  runStarted(task: RunTask): void {
    this.activeRun(task);
    this.redraw();
  }

  epoch(task: RunTask, record: EpochRecord): void {
    this.epochsDone += 1;
    const run = this.activeRun(task);
    run.record = record;
    if (this.block.mode === 'plain') {
      this.block.log(
        `[${run.number}/${this.runCount}] ${task.spec.label} epoch ${record.epoch}/${this.epochsPerRun} ` +
          `lr ${rate(record.learningRate)} loss ${fixed(record.loss)} val_loss ${fixed(record.validationLoss)} val_acc ${percent(record.validationAccuracy)} ETA ${this.eta()}`,
      );
    }
    this.redraw();
  }

  runFinished(task: RunTask, result: RunResult): void {
    // A diverged run stops early: its remaining epochs no longer count towards the ETA.
    this.epochsToDo -= this.epochsPerRun - result.history.length;
    const run = this.activeRun(task);
    this.active.delete(task.index);
    this.finishedRuns += 1;
    if (this.block.mode !== 'live') return;
    const s = result.summary;
    const color = this.block.color;
    const diverged = s.divergedAtEpoch !== null;
    const mark = diverged ? paint('✗', 'red', color) : paint('✓', 'green', color);
    const outcome = diverged ? `diverged at epoch ${s.divergedAtEpoch}` : `best val acc ${percent(s.bestValidationAccuracy)}`;
    const head = `${mark} [${run.number}/${this.runCount}] `;
    const tail = `: ${outcome}, ${duration(s.seconds)}`;
    // The label gives way first: the outcome is what the line is for.
    const label = truncate(this.labelOf(run), Math.max(8, this.block.width - visibleWidth(head + tail)));
    this.block.log(fitLine({ text: head + label + tail }, this.block.width));
    this.redraw();
  }

  /** Erases the live block and shows the cursor (at the end, or before an error or interrupt message). */
  stop(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.block.stop();
  }

  private labelOf(run: ActiveRun): string {
    return this.repeats > 1 ? `${run.label} #${run.repeat}` : run.label;
  }

  /** The live block's lines, each fitted to the terminal's width. */
  lines(): string[] {
    const width = this.block.width;
    const color = this.block.color;
    const runs = [...this.active.values()].sort((a, b) => a.number - b.number);
    const shown = runs.length > MAX_RUN_LINES ? runs.slice(0, MAX_RUN_LINES - 1) : runs;
    const labelWidth = Math.min(MAX_LABEL_WIDTH, Math.max(0, ...shown.map((run) => visibleWidth(this.labelOf(run)))));
    const epochDigits = String(this.epochsPerRun).length;
    const rows = shown.map((run) => {
      const record = run.record;
      const epoch = record?.epoch ?? 0;
      const text = `${padEnd(truncate(this.labelOf(run), labelWidth), labelWidth)}  epoch ${String(epoch).padStart(epochDigits)}/${this.epochsPerRun}`;
      const optional = record
        ? [`val ${percent(record.validationAccuracy)}`, `loss ${fixed(record.loss)}`, `lr ${rate(record.learningRate)}`]
        : ['starting'];
      return { fraction: epoch / this.epochsPerRun, text, optional, barWidth: { min: 5, max: 20 } };
    });
    const lines = fitRows(rows, width, color);
    if (shown.length < runs.length) lines.push(`  … and ${runs.length - shown.length} more running`);
    const waiting = this.runCount - this.finishedRuns - runs.length;
    const counts = `${this.finishedRuns}/${this.runCount} runs done`;
    const extra = [runs.length > 0 ? `${runs.length} running` : '', waiting > 0 ? `${waiting} waiting` : ''].filter((part) => part !== '');
    const elapsed = duration((performance.now() - this.started) / 1000);
    const epochs = this.epochsToDo > 0 ? this.epochsDone / this.epochsToDo : 1;
    lines.push(
      fitLine(
        { lead: paint('all', 'bold', color), fraction: epochs, text: `${counts}  ETA ${this.eta()}`, optional: [`${elapsed} elapsed`, ...extra], barWidth: { min: 5, max: 30 } },
        width,
        color,
      ),
    );
    return lines;
  }

  private redraw(): void {
    if (this.block.mode === 'live' && this.runCount > 0) this.block.update(this.lines());
  }
}
