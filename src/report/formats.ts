import { renderFittedTable, renderBordered } from './fit-table.js';

export const OUTPUT_FORMATS = ['table', 'markdown', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** A table independent of how it is drawn: the terminal (cli-table3) or Markdown (CI job summaries). */
export interface TableModel {
  readonly head: readonly string[];
  /** Cells may hold several lines. */
  readonly rows: readonly (readonly string[])[];
}

export function renderTerminalTable(model: TableModel, options: { color?: boolean } = {}): string {
  return renderBordered(model, options.color);
}

function markdownCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

export function renderMarkdownTable(model: TableModel): string {
  const lines = [
    `| ${model.head.map(markdownCell).join(' | ')} |`,
    `| ${model.head.map((_, column) => (column === 0 ? '---' : '---:')).join(' | ')} |`,
    ...model.rows.map((row) => `| ${row.map(markdownCell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

/**
 * `width`: the terminal's columns to fit (see fit-table.ts), with `narrow` the
 * model to use when the full one does not fit; undefined keeps the full table.
 */
export function renderTable(
  model: TableModel,
  format: Exclude<OutputFormat, 'json'>,
  options: { color?: boolean; width?: number; narrow?: TableModel } = {},
): string {
  if (format === 'markdown') return renderMarkdownTable(model);
  return renderFittedTable({ full: model, narrow: options.narrow }, options.width, options.color);
}
