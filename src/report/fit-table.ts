/**
 * Tables that fit a terminal's width. The widest form that fits wins:
 *   1. the full table (what files and CI logs get),
 *   2. the narrow model (short headers, fewer digits) with borders,
 *   3. the narrow model without borders (columns two spaces apart),
 *   4. one block per row: the row's first cell as a title, then one line per
 *      column, "header  value" (multi-line cells side by side, or below each
 *      other when they do not fit), from the full model when its lines fit,
 *      else from the narrow one.
 * Every form shows every cell of its model: only the layout changes.
 */
import Table from 'cli-table3';
import { maxOf } from '../extent.js';
import type { TableModel } from './formats.js';
import { paint, visibleWidth } from './terminal.js';

export interface TableLayouts {
  /** Today's table: shown whole when there is no width to fit. */
  readonly full: TableModel;
  /** The same cells for narrow terminals: short headers, no redundant digits or units. */
  readonly narrow?: TableModel;
}

const BORDERLESS = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '', right: '', 'right-mid': '',
  middle: '  ',
};

/** Rows without separators unless cells span several lines. */
const COMPACT_ROWS = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

function isMultiLine(model: TableModel): boolean {
  return model.rows.some((row) => row.some((cell) => cell.includes('\n')));
}

export function renderBordered(model: TableModel, color = false): string {
  const table = new Table({
    head: [...model.head],
    style: color ? { head: ['cyan'] } : { head: [], border: [] },
    colAligns: ['left', ...model.head.slice(1).map(() => 'right' as const)],
    ...(isMultiLine(model) ? {} : { chars: COMPACT_ROWS }),
  });
  for (const row of model.rows) table.push([...row]);
  return table.toString();
}

/** Columns two spaces apart, a rule under the header; a blank line between multi-line rows. */
export function renderBorderless(model: TableModel, color = false): string {
  const multiLine = isMultiLine(model);
  const table = new Table({
    head: [...model.head],
    chars: BORDERLESS,
    style: { head: color ? ['cyan'] : [], border: [], 'padding-left': 0, 'padding-right': 0 },
    colAligns: ['left', ...model.head.slice(1).map(() => 'right' as const)],
  });
  for (const row of model.rows) table.push([...row]);
  const lines = table.toString().split('\n').map((line) => line.trimEnd());
  const headLines = maxOf(model.head.map((cell) => cell.split('\n').length));
  const width = maxOf(lines.map(visibleWidth));
  const out = [...lines.slice(0, headLines), '─'.repeat(width)];
  if (!multiLine) return [...out, ...lines.slice(headLines)].join('\n');
  // Blank lines make the rows of two-line cells readable.
  let at = headLines;
  for (const row of model.rows) {
    const height = maxOf(row.map((cell) => cell.split('\n').length));
    if (at > headLines) out.push('');
    out.push(...lines.slice(at, at + height));
    at += height;
  }
  return out.join('\n');
}

function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (visibleWidth(candidate) <= width || line === '') line = candidate;
    else {
      lines.push(line);
      line = word;
    }
  }
  lines.push(line);
  return lines.flatMap((part) => (visibleWidth(part) <= width ? [part] : hardSplit(part, width)));
}

const segmenter = new Intl.Segmenter();

/** A word longer than the line (a path, a spec) split across lines rather than cut: nothing is lost. */
function hardSplit(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const { segment } of segmenter.segment(text)) {
    if (line !== '' && visibleWidth(line + segment) > width) {
      lines.push(line);
      line = '';
    }
    line += segment;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** One block per row: its first cell as a title, then "header  value" per other column. */
export function renderBlocks(model: TableModel, width: number, color = false): string {
  const names = model.head.map((cell) => cell.replace(/\s*\n\s*/g, ' '));
  const nameWidth = Math.min(maxOf(names.slice(1).map(visibleWidth)), Math.max(8, Math.floor(width * 0.4)));
  const indent = '  ';
  const blocks = model.rows.map((row) => {
    const lines = wrapWords(row[0].replace(/\s*\n\s*/g, ' '), width).map((line) => paint(line, 'bold', color));
    for (let column = 1; column < row.length; column++) {
      const parts = row[column].split('\n').filter((part) => part !== '');
      const name = names[column];
      const valueColumn = indent.length + nameWidth + 2;
      const room = Math.max(8, width - valueColumn);
      const nameLines = visibleWidth(name) <= nameWidth ? [name] : wrapWords(name, nameWidth);
      const joined = parts.join('  ');
      const valueLines = visibleWidth(joined) <= room ? [joined] : parts.flatMap((part) => wrapWords(part, room));
      for (let i = 0; i < Math.max(nameLines.length, valueLines.length); i++) {
        const label = nameLines[i] ?? '';
        lines.push(`${indent}${label}${' '.repeat(nameWidth - visibleWidth(label) + 2)}${valueLines[i] ?? ''}`.trimEnd());
      }
    }
    return lines.join('\n');
  });
  return blocks.join('\n\n');
}

function widest(text: string): number {
  return maxOf(text.split('\n').map(visibleWidth));
}

/**
 * The table as wide as `width` allows (undefined: the full table, as for a
 * file or a pipe). Widths are measured without ANSI codes.
 */
export function renderFittedTable(layouts: TableLayouts, width: number | undefined, color = false): string {
  const full = renderBordered(layouts.full, color);
  if (width === undefined || widest(full) <= width) return full;
  const narrow = layouts.narrow ?? layouts.full;
  for (const render of [() => renderBordered(narrow, color), () => renderBorderless(narrow, color)]) {
    const text = render();
    if (widest(text) <= width) return text;
  }
  // Blocks have room for the full headers and cells (units, spaces); the narrow ones when they do not fit.
  const blocks = renderBlocks(layouts.full, width, color);
  return widest(blocks) <= width ? blocks : renderBlocks(narrow, width, color);
}

/** Plain prose wrapped at spaces to `width` columns (undefined: as is). */
export function wrapText(text: string, width: number | undefined): string {
  if (width === undefined) return text;
  return text
    .split('\n')
    .map((paragraph) => wrapWords(paragraph, width).join('\n'))
    .join('\n');
}
