/** `lr-compare report <results.json>`: the charts and tables of a finished (or interrupted) run. */
import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { checkOutputPaths, writeFileAtomic, type NamedPath } from '../report/atomic.js';
import { readResultsFile } from '../results/results-file.js';

interface ReportOptions {
  html?: string;
  svg?: string;
  png?: string;
}

async function reportCommand(file: string, options: ReportOptions): Promise<void> {
  const path = resolve(file);
  const outputs: NamedPath[] = [];
  if (options.html) outputs.push({ option: '--html', given: options.html });
  if (options.svg) outputs.push({ option: '--svg', given: options.svg, folder: true });
  if (options.png) outputs.push({ option: '--png', given: options.png, folder: true });
  checkOutputPaths(outputs, [{ option: 'results file', given: file }]);
  const results = readResultsFile(path);
  if (!results.complete) {
    process.stderr.write(`lr-compare: ${file} holds partial results (the run was interrupted): reporting the ${results.runs.length} runs that finished\n`);
  }
  const written: string[] = [];
  if (options.html) {
    // Loaded only when needed: Vega is large and the other commands do not use it.
    const { writeHtmlReport } = await import('../report/html.js');
    const target = resolve(options.html);
    await writeHtmlReport(results, target);
    written.push(target);
  }
  if ((options.svg || options.png) && results.runs.length > 0) {
    const { chartDefinitions } = await import('../report/charts/specs.js');
    const { renderSvg, svgToPng } = await import('../report/charts/render.js');
    const svgFolder = options.svg ? resolve(options.svg) : undefined;
    const pngFolder = options.png ? resolve(options.png) : undefined;
    const { confirmationView } = await import('../results/tuning.js');
    for (const chart of chartDefinitions(confirmationView(results))) {
      const svg = await renderSvg(chart.spec);
      if (svgFolder) {
        writeFileAtomic(join(svgFolder, `${chart.id}.svg`), svg);
        written.push(join(svgFolder, `${chart.id}.svg`));
      }
      if (pngFolder) {
        writeFileAtomic(join(pngFolder, `${chart.id}.png`), svgToPng(svg));
        written.push(join(pngFolder, `${chart.id}.png`));
      }
    }
  } else if (options.svg || options.png) {
    process.stderr.write('lr-compare: no run has finished yet: no chart files written\n');
  }
  if (written.length > 0) {
    process.stdout.write(`${written.join('\n')}\n`);
    return;
  }
  // Without output files: the same table and terminal charts as after `run`.
  const { renderResultsTable } = await import('../report/table.js');
  const { renderTerminalCharts } = await import('../report/terminal-charts.js');
  const { colorEnabled, terminalWidth } = await import('../report/terminal.js');
  const color = colorEnabled(process.stdout);
  const width = Math.min(120, Math.max(60, process.stdout.columns ?? 80));
  if (results.runs.length === 0) {
    process.stdout.write('No run has finished yet: there is nothing to report.\n');
    return;
  }
  const { confirmationView } = await import('../results/tuning.js');
  const { renderTuningTables } = await import('../report/tuning-table.js');
  const compared = confirmationView(results);
  const tables = [
    ...(compared.runs.length > 0 ? [renderResultsTable(compared, { color, width: terminalWidth(process.stdout) })] : []),
    ...(results.tuning ? [renderTuningTables(results, { color, width: terminalWidth(process.stdout) })] : []),
    ...(compared.runs.length > 0 ? [renderTerminalCharts(compared, { color, width })] : []),
  ];
  process.stdout.write(`${tables.join('\n\n')}\n`);
}

export function register(program: Command): void {
  program
    .command('report')
    .description('draw the results of a run: HTML page, SVG/PNG charts, or (with no option) the table and terminal charts')
    .argument('<results>', "results JSON written by 'lr-compare run'")
    .option('--html <file>', 'one self-contained HTML page (opens offline): interactive charts, summary, configuration')
    .option('--svg <dir>', 'each chart as its own SVG file in <dir> (learning-rates.svg, validation-loss.svg, ...)')
    .option('--png <dir>', 'each chart as its own PNG file in <dir>')
    .action(async (file: string, options: ReportOptions) => {
      await reportCommand(file, options);
    });
}
