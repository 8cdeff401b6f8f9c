/** `lr-compare report <results.json>`: the charts and tables of a finished (or interrupted) run. */
import type { Command } from 'commander';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { writeFileAtomic } from '../report/atomic.js';
import { RESULTS_VERSION, type ResultsFile } from '../report/results.js';
import { compareSchedulers } from '../report/statistics.js';

interface ReportOptions {
  html?: string;
  svg?: string;
  png?: string;
}

type Check = (value: unknown) => boolean;
const isNumber: Check = (value) => typeof value === 'number';
/** NaN and Infinity (a diverged epoch) are written by JSON.stringify as null. */
const isMetric: Check = (value) => value === null || typeof value === 'number';
const isString: Check = (value) => typeof value === 'string';
const isBoolean: Check = (value) => typeof value === 'boolean';
const isObject: Check = (value) => typeof value === 'object' && value !== null && !Array.isArray(value);
const isEpochOrNull: Check = (value) => value === null || (Number.isInteger(value) && (value as number) >= 1);

const EPOCH_FIELDS: Record<string, Check> = {
  epoch: (value) => Number.isInteger(value) && (value as number) >= 1,
  learningRate: isMetric,
  loss: isMetric,
  accuracy: isMetric,
  validationLoss: isMetric,
  validationAccuracy: isMetric,
  seconds: isNumber,
};

/** The summary fields that the tables and charts read. */
const SUMMARY_FIELDS: Record<string, Check> = {
  epochsRun: isNumber,
  finalValidationAccuracy: isMetric,
  bestValidationAccuracy: isMetric,
  bestValidationAccuracyEpoch: isNumber,
  lowestValidationLoss: isMetric,
  lowestValidationLossEpoch: isNumber,
  finalValidationLoss: isMetric,
  testAccuracy: isMetric,
  testAccuracyAtBestValidationLoss: isMetric,
  finalLearningRate: isMetric,
  epochsToTarget: isEpochOrNull,
  divergedAtEpoch: isEpochOrNull,
  seconds: isNumber,
  secondsPerEpoch: isMetric,
};

const RUN_FIELDS: Record<string, Check> = {
  label: (value) => isString(value) && (value as string) !== '',
  scheduler: isString,
  repeat: (value) => Number.isInteger(value) && (value as number) >= 0,
  history: Array.isArray,
  summary: isObject,
};

const CONFIGURATION_FIELDS: Record<string, Check> = {
  schedulers: (value) => Array.isArray(value) && value.every(isString),
  epochs: (value) => Number.isInteger(value) && (value as number) >= 1,
  repeats: (value) => Number.isInteger(value) && (value as number) >= 1,
  targetAcc: isNumber,
  validationSamples: isNumber,
};

/** The first field of `record` that is missing or of the wrong type, as a path. */
function badField(record: Record<string, unknown>, fields: Record<string, Check>, at: string): string | null {
  for (const [name, check] of Object.entries(fields)) {
    if (!(name in record)) return `${at}.${name} is missing`;
    if (!check(record[name])) return `${at}.${name} has a wrong value (${JSON.stringify(record[name])?.slice(0, 40)})`;
  }
  return null;
}

function problemIn(data: Record<string, unknown>): string | null {
  const top = badField(
    data,
    { complete: isBoolean, createdAt: isString, configuration: isObject, environment: isObject, runs: Array.isArray },
    'results',
  );
  if (top) return top;
  const configuration = badField(data.configuration as Record<string, unknown>, CONFIGURATION_FIELDS, 'configuration');
  if (configuration) return configuration;
  const environment = data.environment as Record<string, unknown>;
  if (!isString(environment.backend)) return 'environment.backend is missing';
  const runs = data.runs as unknown[];
  for (let index = 0; index < runs.length; index++) {
    const run = runs[index];
    const at = `runs[${index}]`;
    if (!isObject(run)) return `${at} is not an object`;
    const record = run as Record<string, unknown>;
    const problem = badField(record, RUN_FIELDS, at) ?? badField(record.summary as Record<string, unknown>, SUMMARY_FIELDS, `${at}.summary`);
    if (problem) return problem;
    const history = record.history as unknown[];
    if (history.length === 0) return `${at}.history is empty`;
    for (let epoch = 0; epoch < history.length; epoch++) {
      if (!isObject(history[epoch])) return `${at}.history[${epoch}] is not an object`;
      const epochProblem = badField(history[epoch] as Record<string, unknown>, EPOCH_FIELDS, `${at}.history[${epoch}]`);
      if (epochProblem) return epochProblem;
    }
  }
  if (data.complete === true && runs.length === 0) return 'results.runs is empty although the run is marked complete';
  return null;
}

/** Reads and checks a results file; every problem is a UsageError of one line. */
export function readResultsFile(path: string): ResultsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code === 'EACCES' ? 'permission denied' : code;
    throw new UsageError(`cannot read results file ${path}: ${reason}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // JSON.parse quotes the text it choked on, newlines included: keep the message to one short line.
    const reason = (error as Error).message.replace(/\s+/g, ' ').slice(0, 100);
    throw new UsageError(`${path} is not JSON (${reason}); give the results file that 'lr-compare run' wrote`);
  }
  if (!isObject(data)) throw new UsageError(`${path} is not an lr-compare results file: it holds no JSON object`);
  const record = data as Record<string, unknown>;
  if (!Number.isInteger(record.version) || (record.version as number) < 1) {
    throw new UsageError(`${path} is not an lr-compare results file: it has no results version`);
  }
  if ((record.version as number) > RESULTS_VERSION) {
    throw new UsageError(
      `${path} was written by a newer lr-compare (results version ${record.version}; this one reads version ${RESULTS_VERSION}): upgrade lr-compare`,
    );
  }
  const problem = problemIn(record);
  if (problem) throw new UsageError(`${path} is not a complete lr-compare results file: ${problem}`);
  const results = data as ResultsFile;
  if (results.runs.length === 0) return results;
  // The statistics of exactly the runs in the file, computed as `run` computes them (also for files
  // written before statistics were stored, and for runs pasted together by hand).
  return { ...results, statistics: compareSchedulers(results.runs, results.configuration.validationSamples) };
}

function writeBinaryFile(path: string, content: Buffer): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, content);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UsageError(`cannot write ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

function makeFolder(path: string): void {
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw new UsageError(`cannot create folder ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

async function reportCommand(file: string, options: ReportOptions): Promise<void> {
  const path = resolve(file);
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
    if (svgFolder) makeFolder(svgFolder);
    if (pngFolder) makeFolder(pngFolder);
    for (const chart of chartDefinitions(results)) {
      const svg = await renderSvg(chart.spec);
      if (svgFolder) {
        writeFileAtomic(join(svgFolder, `${chart.id}.svg`), svg);
        written.push(join(svgFolder, `${chart.id}.svg`));
      }
      if (pngFolder) {
        writeBinaryFile(join(pngFolder, `${chart.id}.png`), svgToPng(svg));
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
  const color = process.stdout.isTTY === true;
  const width = Math.min(120, Math.max(60, process.stdout.columns ?? 80));
  if (results.runs.length === 0) {
    process.stdout.write('No run has finished yet: there is nothing to report.\n');
    return;
  }
  process.stdout.write(`${renderResultsTable(results, { color })}\n\n${renderTerminalCharts(results, { color, width })}\n`);
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
