/**
 * What the output stream is (a live terminal, a log, or nothing at all) and
 * how wide text really is on it. Shared by the live progress display and the
 * tables that fit the terminal.
 */
import stringWidth from 'string-width';

/** A stream progress can be written to: process.stderr, or a fake terminal in tests. */
export interface ProgressTarget {
  readonly isTTY?: boolean;
  /** Terminal width; undefined when not a terminal. */
  readonly columns?: number;
  readonly rows?: number;
  write(text: string): unknown;
  on?(event: 'resize', listener: () => void): unknown;
  off?(event: 'resize', listener: () => void): unknown;
}

/**
 * live: redrawn in place (a terminal); plain: one line per event, no escape
 * codes (files, CI logs, TERM=dumb); quiet: nothing.
 */
export type DisplayMode = 'live' | 'plain' | 'quiet';

export type Environment = Readonly<Record<string, string | undefined>>;

export function displayMode(stream: Pick<ProgressTarget, 'isTTY'>, options: { quiet?: boolean; env?: Environment } = {}): DisplayMode {
  if (options.quiet) return 'quiet';
  const env = options.env ?? process.env;
  if (stream.isTTY !== true || env.TERM === 'dumb') return 'plain';
  return 'live';
}

/** https://no-color.org: NO_COLOR set and not empty turns colour off; a dumb terminal has none. */
export function colorEnabled(stream: Pick<ProgressTarget, 'isTTY'>, env: Environment = process.env): boolean {
  return stream.isTTY === true && env.TERM !== 'dumb' && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

/**
 * The width tables must fit: the terminal's columns when `stream` is a
 * terminal, undefined (no limit: today's full table) for files and pipes.
 */
export function terminalWidth(stream: Pick<ProgressTarget, 'isTTY' | 'columns'>): number | undefined {
  return stream.isTTY === true && stream.columns !== undefined && stream.columns > 0 ? stream.columns : undefined;
}

/** Columns the text takes on a terminal: ANSI codes take none, CJK and emoji take two. */
export function visibleWidth(text: string): number {
  return stringWidth(text);
}

const segmenter = new Intl.Segmenter();

/** Plain text (no ANSI codes) cut to `width` columns, ending in '…' when cut. */
export function truncate(text: string, width: number): string {
  if (width <= 0) return '';
  if (visibleWidth(text) <= width) return text;
  let out = '';
  let used = 0;
  for (const { segment } of segmenter.segment(text)) {
    const w = visibleWidth(segment);
    if (used + w > width - 1) break;
    out += segment;
    used += w;
  }
  return `${out}…`;
}

/**
 * Plain text word-wrapped to `width` columns; continuation lines start with
 * `indent` spaces so a table-like row keeps its description column. A word
 * longer than the room is left whole (a number or a path cut in two reads worse
 * than a long line).
 */
export function wrap(text: string, width: number, indent = 0): string[] {
  // Leading spaces are layout (a row's marker column), not a word separator.
  const leading = /^ */.exec(text)?.[0] ?? '';
  const lines: string[] = [];
  let line = '';
  for (const word of text.slice(leading.length).split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    const prefix = lines.length === 0 ? leading : ' '.repeat(indent);
    if (line !== '' && visibleWidth(prefix + candidate) > width) {
      lines.push(prefix + line);
      line = word;
    } else {
      line = candidate;
    }
  }
  lines.push((lines.length === 0 ? leading : ' '.repeat(indent)) + line);
  return lines;
}

/** Plain text padded with spaces to `width` columns (never cut). */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
}

const SGR = { cyan: [36, 39], green: [32, 39], red: [31, 39], yellow: [33, 39], dim: [2, 22], bold: [1, 22] } as const;
export type Style = keyof typeof SGR;

/** Colours text when `enabled` (ANSI SGR; widths are measured without it). */
export function paint(text: string, style: Style, enabled: boolean): string {
  if (!enabled || text === '') return text;
  const [on, off] = SGR[style];
  return `\x1b[${on}m${text}\x1b[${off}m`;
}
