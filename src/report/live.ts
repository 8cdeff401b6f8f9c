/**
 * A block of lines redrawn in place at the bottom of a terminal, with
 * finished lines kept above it, plus a one-task progress bar built on it
 * (a download, the steps of a range test).
 *
 * The redraw is log-update's (cursor moves, line erasing, diffing, synchronized
 * output); this module only decides what the lines are: every line is cut to
 * the terminal's width minus one (a line that fills the last column leaves the
 * cursor in the "pending wrap" state, where the erase log-update appends would
 * remove the last character) and the block is drawn again when the terminal is
 * resized. Nothing here loads TensorFlow: scripts can import it cheaply.
 */
import cliCursor from 'cli-cursor';
import { createLogUpdate } from 'log-update';
import { maxOf } from '../extent.js';
import { duration } from './format.js';
import { colorEnabled, displayMode, padEnd, paint, truncate, visibleWidth, type DisplayMode, type Environment, type ProgressTarget } from './terminal.js';

/** Blocks on screen, so that a signal handler can clear them before printing (see stopLiveOutput). */
const onScreen = new Set<LiveBlock>();

/**
 * Clears every live block and shows the cursor again: call it before writing
 * anything on an interrupt, so the message does not land in a half-drawn bar.
 */
export function stopLiveOutput(): void {
  for (const block of [...onScreen]) block.stop();
}

export interface LiveBlockOptions {
  /** Default: from the stream (live on a terminal unless TERM=dumb). */
  readonly mode?: DisplayMode;
  readonly quiet?: boolean;
  readonly env?: Environment;
}

/**
 * `update(lines)` redraws the block in place (live mode only); `log(line)`
 * writes a line that stays: above the block on a terminal, as is in a log.
 */
export class LiveBlock {
  readonly mode: DisplayMode;
  readonly color: boolean;
  private readonly render: ReturnType<typeof createLogUpdate> | undefined;
  private lines: readonly string[] = [];
  private drawn = false;
  private stopped = false;
  private readonly onResize = () => this.draw();

  constructor(
    private readonly stream: ProgressTarget,
    options: LiveBlockOptions = {},
  ) {
    this.mode = options.mode ?? displayMode(stream, options);
    this.color = this.mode === 'live' && colorEnabled(stream, options.env);
    // showCursor: log-update would hide the cursor on process.stderr whatever stream it draws on; we do it on ours.
    this.render = this.mode === 'live' ? createLogUpdate(stream as NodeJS.WriteStream, { showCursor: true }) : undefined;
  }

  /** The width a line may take: the terminal's columns minus one (80 when unknown). */
  get width(): number {
    return Math.max(1, (this.stream.columns ?? 80) - 1);
  }

  /** How many lines the block may have without scrolling the terminal (at least 2). */
  get height(): number {
    return Math.max(2, (this.stream.rows ?? 24) - 2);
  }

  update(lines: readonly string[]): void {
    // Once stopped (the end, or an interrupt) the block stays gone; log() still writes lines.
    if (this.mode !== 'live' || this.stopped) return;
    this.lines = lines;
    this.draw();
  }

  log(line: string): void {
    if (this.mode === 'quiet') return;
    if (this.mode === 'plain' || !this.render) {
      this.stream.write(`${line}\n`);
      return;
    }
    // Lines that stay are never redrawn, so they may wrap: nothing of a message is cut.
    this.render.persist(line);
    this.drawn = false;
    this.draw();
  }

  /** Erases the block for good and shows the cursor. Safe to call twice. */
  stop(): void {
    this.stopped = true;
    if (this.render && this.drawn) {
      this.render.clear();
      this.render.done();
      cliCursor.show(this.stream as NodeJS.WriteStream);
      this.stream.off?.('resize', this.onResize);
    }
    this.drawn = false;
    this.lines = [];
    onScreen.delete(this);
  }

  private fit(lines: readonly string[]): string[] {
    const width = this.width;
    // Lines are built to fit; this only guards against a label or detail longer than the whole line.
    return lines.map((line) => (visibleWidth(line) <= width ? line : truncate(stripAnsi(line), width)));
  }

  private draw(): void {
    if (!this.render || this.lines.length === 0) return;
    if (!this.drawn) {
      this.drawn = true;
      if (!onScreen.has(this)) {
        onScreen.add(this);
        cliCursor.hide(this.stream as NodeJS.WriteStream);
        this.stream.on?.('resize', this.onResize);
      }
    }
    this.render(this.fit(this.lines.slice(-this.height)).join('\n'));
  }
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/** A bar of `width` cells, `fraction` of them filled. */
export function bar(fraction: number, width: number, color = false): string {
  if (width <= 0) return '';
  const filled = Math.round(Math.min(1, Math.max(0, Number.isFinite(fraction) ? fraction : 0)) * width);
  return paint('█'.repeat(filled), 'cyan', color) + paint('░'.repeat(width - filled), 'dim', color);
}

/**
 * Parts of a line from most to least important: when the line is too wide the
 * last optional parts go first, then the bar shrinks (down to `minBar`, then
 * goes), then the line is cut.
 */
export interface LineParts {
  readonly lead?: string;
  /** Fraction done, for the bar; undefined for no bar. */
  readonly fraction?: number;
  readonly text: string;
  /** Dropped from the end when space runs out. */
  readonly optional?: readonly string[];
  readonly barWidth?: { readonly min: number; readonly max: number };
}

export function fitLine(parts: LineParts, width: number, color = false): string {
  const optional = [...(parts.optional ?? [])];
  const { min, max } = parts.barWidth ?? { min: 6, max: 24 };
  const lead = parts.lead ? `${parts.lead} ` : '';
  const join = (extra: readonly string[]) => [parts.text, ...extra].join('  ');
  for (;;) {
    const body = join(optional);
    const room = width - visibleWidth(lead) - visibleWidth(body) - 1;
    if (parts.fraction === undefined) {
      if (visibleWidth(lead + body) <= width || optional.length === 0) return lead + fitPlain(body, width - visibleWidth(lead));
    } else if (room >= min) {
      return `${lead}${bar(parts.fraction, Math.min(max, room), color)} ${body}`;
    } else if (optional.length === 0) {
      return lead + fitPlain(body, width - visibleWidth(lead));
    }
    optional.pop();
  }
}

/**
 * Lines of one table-like group (the runs of the live block): the same bar
 * width and the same optional parts for all, each part padded to the widest,
 * so bars and values line up from one line to the next.
 */
export function fitRows(rows: readonly LineParts[], width: number, color = false): string[] {
  if (rows.length === 0) return [];
  const parts = maxOf(rows.map((row) => row.optional?.length ?? 0));
  const { min, max } = rows[0].barWidth ?? { min: 6, max: 24 };
  const columnWidth = (column: number) => Math.max(0, maxOf(rows.map((row) => visibleWidth(row.optional?.[column] ?? ''))));
  const textWidth = maxOf(rows.map((row) => visibleWidth(row.text)));
  for (let kept = parts; kept >= 0; kept--) {
    const widths = Array.from({ length: kept }, (_, column) => columnWidth(column));
    const body = textWidth + widths.reduce((sum, w) => sum + 2 + w, 0);
    const room = width - body - 1;
    if (room >= min || kept === 0) {
      return rows.map((row) => {
        const cells = [padEnd(row.text, textWidth), ...widths.map((w, column) => padEnd(row.optional?.[column] ?? '', w))];
        const text = cells.join('  ').trimEnd();
        if (room < min || row.fraction === undefined) return fitPlain(text, width);
        return `${bar(row.fraction, Math.min(max, room), color)} ${text}`;
      });
    }
  }
  return [];
}

function fitPlain(text: string, width: number): string {
  return visibleWidth(text) <= width ? text : truncate(text, width);
}

export interface TaskProgressOptions {
  /** What is in progress, e.g. 'downloading libtensorflow'. */
  readonly label: string;
  /** The amount to do; undefined when unknown (no bar, no ETA). */
  readonly total?: number;
  /** How amounts read: 'bytes' as MB, 'steps' as counts. */
  readonly unit?: 'bytes' | 'steps';
  /** Default process.stderr. */
  readonly stream?: ProgressTarget;
  readonly quiet?: boolean;
  readonly env?: Environment;
  /** Plain mode (logs): a line each time this fraction more is done (default 0.25). */
  readonly plainEvery?: number;
}

export interface TaskProgress {
  /** `done` so far (same unit as total); `detail` is shown after it (e.g. the current loss). */
  update(done: number, detail?: string): void;
  /** Replaces the bar with a line that stays, e.g. 'downloaded libtensorflow (42.1 MB) in 12.3s'. */
  finish(message: string): void;
  /** Same for a failure; the message is left on its own line. */
  fail(message: string): void;
}

function amount(value: number, unit: 'bytes' | 'steps'): string {
  return unit === 'bytes' ? `${(value / 1e6).toFixed(1)}` : String(Math.round(value));
}

/**
 * One task's progress: a live bar with the amount, speed and ETA on a
 * terminal, a line per quarter in logs, nothing when quiet. For example:
 *
 *   const progress = createTaskProgress({ label: 'downloading', total: bytes, unit: 'bytes' });
 *   response.on('data', (chunk) => progress.update((received += chunk.length)));
 *   progress.finish(`downloaded in ${seconds}s`);
 */
export function createTaskProgress(options: TaskProgressOptions): TaskProgress {
  const block = new LiveBlock(options.stream ?? process.stderr, options);
  const unit = options.unit ?? 'steps';
  const started = performance.now();
  const every = options.plainEvery ?? 0.25;
  let nextPlain = every;
  let ended = false;
  const line = (done: number, detail: string | undefined): string => {
    const seconds = (performance.now() - started) / 1000;
    const total = options.total;
    const suffix = unit === 'bytes' ? ' MB' : '';
    const count = total !== undefined ? `${amount(done, unit)}/${amount(total, unit)}${suffix}` : `${amount(done, unit)}${suffix}`;
    const speed = unit === 'bytes' && seconds > 0 ? `${(done / 1e6 / seconds).toFixed(1)} MB/s` : undefined;
    const eta = total !== undefined && done > 0 && done < total ? `ETA ${duration((seconds / done) * (total - done))}` : undefined;
    const optional = [detail, speed, eta].filter((part): part is string => part !== undefined && part !== '');
    return fitLine({ text: `${options.label}  ${count}`, fraction: total !== undefined && total > 0 ? done / total : undefined, optional }, block.width, block.color);
  };
  return {
    update(done, detail) {
      if (ended) return;
      if (block.mode === 'live') block.update([line(done, detail)]);
      else if (block.mode === 'plain' && options.total !== undefined && options.total > 0 && done / options.total >= nextPlain && done < options.total) {
        while (nextPlain <= done / options.total) nextPlain += every;
        block.log(`${options.label}: ${amount(done, unit)}/${amount(options.total, unit)}${unit === 'bytes' ? ' MB' : ''}${detail ? `  ${detail}` : ''}`);
      }
    },
    finish(message) {
      if (ended) return;
      ended = true;
      block.stop();
      block.log(message);
    },
    fail(message) {
      if (ended) return;
      ended = true;
      block.stop();
      if (block.mode !== 'quiet') (options.stream ?? process.stderr).write(`${message}\n`);
    },
  };
}
