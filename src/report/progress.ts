import type { EpochRecord } from '../train/job.js';
import { duration, fixed, percent, rate } from './format.js';

export interface ProgressTarget {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Training progress on stderr (stdout is kept for the table or the JSON):
 * on a terminal one live line per run that ends with an ETA for the whole
 * comparison; in CI logs a plain line per epoch; nothing when quiet.
 */
export class ProgressReporter {
  private secondsSoFar = 0;
  private epochsSoFar = 0;
  private live = false;

  constructor(
    private readonly target: ProgressTarget,
    private totalEpochs: number,
    private readonly quiet: boolean,
  ) {}

  private eta(): string {
    if (this.epochsSoFar === 0) return '?';
    return duration((this.secondsSoFar / this.epochsSoFar) * (this.totalEpochs - this.epochsSoFar));
  }

  epoch(runIndex: number, runCount: number, label: string, epochs: number, record: EpochRecord): void {
    this.secondsSoFar += record.seconds;
    this.epochsSoFar += 1;
    if (this.quiet) return;
    const line =
      `[${runIndex + 1}/${runCount}] ${label} epoch ${record.epoch}/${epochs} ` +
      `lr ${rate(record.learningRate)} loss ${fixed(record.loss)} val_loss ${fixed(record.validationLoss)} ` +
      `val_acc ${percent(record.validationAccuracy)} ETA ${this.eta()}`;
    if (this.target.isTTY) {
      this.target.write(`\r\x1b[2K${line}`);
      this.live = true;
    } else {
      this.target.write(`${line}\n`);
    }
  }

  /** Ends the live line of a run so that the next run starts on its own line. */
  runFinished(): void {
    if (this.live) this.target.write('\n');
    this.live = false;
  }

  /** Epochs a run skips (divergence) no longer count towards the ETA. */
  skipEpochs(count: number): void {
    this.totalEpochs -= count;
  }
}
