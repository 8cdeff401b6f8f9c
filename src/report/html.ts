import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from './atomic.js';
import { CHART_FONT, chartDefinitions } from './charts/specs.js';
import type { ResultsFile } from '../results/results.js';
import { compareSchedulers } from '../results/statistics.js';
import { resultsTableModel } from './table.js';
import { chosenRatesModel, sensitivityModel } from './tuning-table.js';
import { confirmationView } from '../results/tuning.js';

/**
 * The browser side, inlined so that the report opens offline from disk:
 * Vega renders the charts (compiled from Vega-Lite here, in Node, so the
 * browser needs no Vega-Lite) and vega-embed adds tooltips and export menus.
 */
function bundle(packageName: string, file: string): string {
  const entry = fileURLToPath(import.meta.resolve(packageName));
  const path = join(dirname(entry), file);
  if (!existsSync(path)) throw new Error(`${packageName} has no ${file} next to ${entry}; reinstall the dependencies (npm ci)`);
  return readFileSync(path, 'utf8');
}

let bundles: { vega: string; embed: string } | undefined;
function scripts(): { vega: string; embed: string } {
  bundles ??= { vega: bundle('vega', 'vega.min.js'), embed: bundle('vega-embed', 'vega-embed.min.js') };
  return bundles;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Script text that cannot close its <script> element early. */
function inlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** JSON for a <script type="application/json"> element. */
function inlineJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function table(head: string[], rows: string[][], className = ''): string {
  const headHtml = head.map((cell) => `<th>${cell}</th>`).join('');
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${cell}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${className}"><thead><tr>${headHtml}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** A table cell of the terminal table model: its first line plain, the lines below (CIs, p-values) smaller. */
function modelCell(text: string): string {
  const [first, ...rest] = text.split('\n').map(escapeHtml);
  return rest.length === 0 ? first : `${first}<br><span class="ci">${rest.join('<br>')}</span>`;
}

/**
 * The summary: the very table the terminal shows (table.ts's model, best
 * first; mean ± sd and 95% CI with repeats) and its conclusion in words.
 */
function summarySection(results: ResultsFile): string {
  if (results.runs.length === 0) return '<p>No run has finished yet: there is nothing to compare.</p>';
  const withStatistics: ResultsFile = (results as { statistics?: unknown }).statistics
    ? results
    : { ...results, statistics: compareSchedulers(results.runs, results.configuration.validationSamples) };
  const model = resultsTableModel(withStatistics);
  const head = model.head.map((cell) => cell.split('\n').map(escapeHtml).join('<br>'));
  const body = table(head, model.rows.map((row) => row.map(modelCell)), 'numbers');
  // Options such as --repeats as code, so that a line never breaks inside them.
  const conclusion = escapeHtml(withStatistics.statistics.conclusion).replace(/(--[a-z][a-z-]*)/g, '<code>$1</code>');
  return `${body}\n<p class="conclusion">${conclusion}</p>`;
}

function valueText(value: unknown): string {
  if (value === null || value === undefined) return '–';
  if (Array.isArray(value)) return value.length === 0 ? 'none' : value.map((item) => valueText(item)).join(', ');
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .map(([key, item]) => `${key} ${valueText(item)}`)
      .join(', ');
  }
  return String(value);
}

function keyValueTable(record: object): string {
  const rows = Object.entries(record).map(([key, value]) => [`<code>${escapeHtml(key)}</code>`, escapeHtml(valueText(value))]);
  return table(['setting', 'value'], rows, 'settings');
}

function expectedRuns(results: ResultsFile): number {
  return results.configuration.schedulers.length * results.configuration.repeats;
}

function partialBanner(results: ResultsFile): string {
  if (results.complete) return '';
  const finished = results.runs.length;
  return `<div class="partial" role="alert"><strong>Partial results.</strong> This run was interrupted: ${finished} of ${expectedRuns(results)} runs finished. The table and charts show only the finished runs; unfinished ones are missing, not worse.</div>`;
}

const STYLE = `
  body { font-family: ${CHART_FONT}; margin: 24px auto; max-width: 1100px; padding: 0 16px; color: #1a1a1a; }
  h1 { font-size: 24px; margin-bottom: 4px; }
  h2 { font-size: 19px; margin-top: 36px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
  .meta { color: #555; margin-top: 0; }
  .partial { background: #fff3cd; border: 2px solid #d39e00; color: #5c4400; padding: 12px 16px; border-radius: 6px; margin: 16px 0; font-size: 16px; }
  table { border-collapse: collapse; margin: 12px 0; font-size: 14px; }
  th, td { border: 1px solid #ddd; padding: 5px 9px; vertical-align: top; }
  th { background: #f4f4f4; text-align: left; }
  table.numbers td { text-align: right; white-space: nowrap; }
  table.numbers td:first-child { text-align: left; font-weight: bold; }
  table.numbers td:last-child { white-space: normal; }
  .ci { color: #666; font-size: 12px; }
  .diverged { color: #b00020; font-weight: normal; }
  .conclusion { font-size: 15px; max-width: 900px; }
  .hint { color: #555; font-size: 13px; }
  figure { margin: 16px 0 28px; }
  .chart { min-height: 120px; }
  .chart-error { color: #b00020; }
  code { font-size: 13px; white-space: nowrap; }
`;

/** A tuned file's chosen rates and sensitivity, the tables the terminal shows. */
function tuningSection(results: ResultsFile): string {
  if (!results.tuning) return '';
  const tables = [chosenRatesModel(results), sensitivityModel(results)]
    .filter((model) => model !== undefined)
    .map((model) => table(model.head.map((cell) => cell.split('\n').map(escapeHtml).join('<br>')), model.rows.map((row) => row.map(modelCell)), 'numbers'));
  const seeds = results.tuning.seeds;
  return `<h2>Tuning</h2>
<p>Each scheduler's base rate was chosen on validation (${escapeHtml(results.tuning.select)}, mean over the selection repeats, seeds ${seeds.selection.join('..')}); the summary above compares them at the chosen rates on fresh seeds ${seeds.confirmation.join('..')}, on the test set. The second table is each scheduler's selection score at every rate of the grid (* chosen).</p>
${tables.join('\n')}`;
}

/** The report as one self-contained HTML page (about 600 KB, most of it the inlined Vega runtime). */
export async function renderHtmlReport(file: ResultsFile): Promise<string> {
  // A tuned file's table and run charts show the comparison (the confirmation runs); its selection has a section of its own.
  const results = confirmationView(file);
  // Vega-Lite and Vega load only when a report is made, not with every command that imports this file.
  const { toVega } = await import('./charts/render.js');
  const charts = results.runs.length > 0 ? chartDefinitions(results) : [];
  const specs = charts.map((chart) => ({ id: chart.id, series: chart.series, spec: toVega(chart.spec) }));
  const figures = charts
    .map(
      (chart) =>
        `<figure><div class="chart" id="chart-${chart.id}" data-chart="${chart.id}" aria-label="${escapeHtml(chart.title)}"></div></figure>`,
    )
    .join('\n');
  const { vega, embed } = scripts();
  const created = escapeHtml(results.createdAt);
  const names = [...new Set(results.runs.map((run) => run.label))];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lr-compare report${results.complete ? '' : ' (partial)'}: ${escapeHtml(names.join(', '))}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>lr-compare: learning-rate schedulers compared</h1>
<p class="meta">Results written ${created}; ${results.configuration.epochs} epochs, ${results.configuration.repeats} repeat(s) per scheduler, backend ${escapeHtml(results.environment.backend)}.</p>
${partialBanner(results)}
<h2>Summary</h2>
${summarySection(results)}
${tuningSection(file)}
<h2>Charts</h2>
<p class="hint">Hover a line for its values. Click a legend entry to hide or show that scheduler (click again to bring it back). The menu (…) at a chart's top right saves it as SVG or PNG.</p>
${figures || '<p>No run has finished yet: there is nothing to draw.</p>'}
<h2>Configuration</h2>
${keyValueTable(file.configuration)}
<h2>Backend and environment</h2>
${keyValueTable(results.environment)}
<script>${inlineScript(vega)}</script>
<script>${inlineScript(embed)}</script>
<script type="application/json" id="chart-specs">${inlineJson(specs)}</script>
<script>
(function () {
  var charts = JSON.parse(document.getElementById('chart-specs').textContent);
  var options = { mode: 'vega', renderer: 'svg', actions: { export: true, source: false, compiled: false, editor: false } };
  charts.forEach(function (chart) {
    var element = document.getElementById('chart-' + chart.id);
    vegaEmbed(element, chart.spec, options).then(function () {
      element.setAttribute('data-rendered', 'true');
    }).catch(function (error) {
      console.error('chart ' + chart.id + ' failed: ' + error);
      element.className += ' chart-error';
      element.textContent = 'This chart could not be drawn: ' + error;
    });
  });
})();
</script>
</body>
</html>
`;
}

/** Writes the HTML report atomically (for `report --html` and `run --report`). */
export async function writeHtmlReport(results: ResultsFile, path: string): Promise<void> {
  writeFileAtomic(path, await renderHtmlReport(results));
}
