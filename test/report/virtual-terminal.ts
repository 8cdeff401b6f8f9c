import { EventEmitter } from 'node:events';
import stringWidth from 'string-width';

/**
 * Just enough of a terminal to check live output: it keeps every row ever
 * written (no scrolling off), interprets the cursor moves and erases that
 * log-update and cli-cursor send, and records any character that would land
 * beyond the last column (a wrapped line) instead of wrapping it.
 */
export class VirtualTerminal extends EventEmitter {
  readonly isTTY = true;
  readonly rows: number;
  columns: number;
  /** Every row the cursor has been on, top first (the scrollback included). */
  readonly screen: string[][] = [['']];
  row = 0;
  column = 0;
  cursorHidden = false;
  /** Text that would have passed the right edge, with its row. */
  readonly overflows: { row: number; text: string }[] = [];
  /** Every write, as sent. */
  readonly writes: string[] = [];
  linesUp = 0;
  linesDown = 0;
  newlines = 0;

  constructor(columns: number, rows = 40) {
    super();
    this.columns = columns;
    this.rows = rows;
  }

  resize(columns: number): void {
    this.columns = columns;
    this.emit('resize');
  }

  private line(): string[] {
    while (this.screen.length <= this.row) this.screen.push([]);
    return this.screen[this.row];
  }

  write(text: string): boolean {
    this.writes.push(text);
    // eslint-disable-next-line no-control-regex
    const tokens = text.match(/\x1b\[[?0-9;]*[A-Za-z]|\r|\n|[^\x1b\r\n]/gu) ?? [];
    for (const token of tokens) {
      if (token === '\n') {
        this.newlines += 1;
        this.row += 1;
        this.column = 0;
        this.line();
      } else if (token === '\r') {
        this.column = 0;
      } else if (token.startsWith('\x1b[')) {
        this.control(token);
      } else {
        const width = stringWidth(token);
        if (this.column + width > this.columns) {
          this.overflows.push({ row: this.row, text: token });
          continue;
        }
        const line = this.line();
        while (line.length < this.column) line.push(' ');
        line[this.column] = token;
        for (let i = 1; i < width; i++) line[this.column + i] = '';
        this.column += width;
      }
    }
    return true;
  }

  private control(sequence: string): void {
    const final = sequence[sequence.length - 1];
    const body = sequence.slice(2, -1);
    const n = body === '' ? 1 : Number(body);
    if (sequence === '\x1b[?25l') this.cursorHidden = true;
    else if (sequence === '\x1b[?25h') this.cursorHidden = false;
    else if (body.startsWith('?')) return; // synchronized output and the like: no effect on content
    else if (final === 'A') {
      this.linesUp += n;
      this.row = Math.max(0, this.row - n);
    } else if (final === 'B') {
      this.linesDown += n;
      this.row += n;
      this.line();
    } else if (final === 'G') this.column = n - 1;
    else if (final === 'K') {
      const line = this.line();
      if (body === '2') line.length = 0;
      else if (body === '' || body === '0') line.length = Math.min(line.length, this.column);
    } else if (final === 'm') return;
    else throw new Error(`virtual terminal: unexpected escape sequence ${JSON.stringify(sequence)}`);
  }

  /** The rows as text, trailing blanks trimmed, empty trailing rows dropped. */
  text(): string[] {
    const lines = this.screen.map((cells) => cells.join('').trimEnd());
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines.map((line) => line.replace(/\x1b\[[0-9;]*m/g, ''));
  }
}
