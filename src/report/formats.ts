import Table from 'cli-table3';

export const OUTPUT_FORMATS = ['table', 'markdown', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** A table independent of how it is drawn: the terminal (cli-table3) or Markdown (CI job summaries). */
export interface TableModel {
  readonly head: readonly string[];
  /** Cells may hold several lines. */
  readonly rows: readonly (readonly string[])[];
}

/** Rows without separators unless cells span several lines. */
const COMPACT_ROWS = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };

export function renderTerminalTable(model: TableModel, options: { color?: boolean } = {}): string {
  const multiLine = model.rows.some((row) => row.some((cell) => cell.includes('\n')));
  const table = new Table({
    head: [...model.head],
    style: options.color ? { head: ['cyan'] } : { head: [], border: [] },
    colAligns: ['left', ...model.head.slice(1).map(() => 'right' as const)],
    ...(multiLine ? {} : { chars: COMPACT_ROWS }),
  });
  for (const row of model.rows) table.push([...row]);
  return table.toString();
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

export function renderTable(model: TableModel, format: Exclude<OutputFormat, 'json'>, options: { color?: boolean } = {}): string {
  return format === 'markdown' ? renderMarkdownTable(model) : renderTerminalTable(model, options);
}
