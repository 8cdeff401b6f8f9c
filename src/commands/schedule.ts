/** `lr-compare schedule <spec> --steps N`: the learning rate of every step, without training. */
import asciichart from 'asciichart';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../errors.js';
import {
  createScheduler,
  learningRates,
  parseSchedulerSpec,
  renderCatalogueSummary,
  type ResolvedSchedulerSpec,
  type ScheduleContext,
  type StepUnit,
} from '../schedulers/index.js';
import { integerOption, numberOption } from './options.js';

interface ScheduleOptions {
  steps: number;
  lr: number;
  epochs?: number;
  batchesPerEpoch?: number;
  metrics?: number[];
  json?: boolean;
}

/** The rate used by `run` when --lr is not given; the same here so the two agree. */
const DEFAULT_LR = 0.1;
const CHART_HEIGHT = 12;
const Y_LABEL_WIDTH = 10;

function parseMetrics(value: string): number[] {
  const items = value.split(',').map((item) => item.trim());
  const metrics = items.map(Number);
  const bad = items.findIndex((item, index) => item === '' || !Number.isFinite(metrics[index]));
  if (bad >= 0) throw new InvalidArgumentError(`expected comma-separated numbers, got '${items[bad]}' at position ${bad + 1}.`);
  return metrics;
}

/**
 * The run a schedule is built for, when only --steps is known: the run is
 * --steps long in the schedule's own unit, so run-dependent defaults (cosine's
 * t_max, onecycle's total_steps) cover exactly the steps shown.
 */
export function scheduleContext(unit: StepUnit, options: Pick<ScheduleOptions, 'steps' | 'lr' | 'epochs' | 'batchesPerEpoch'>): ScheduleContext {
  if (unit === 'epoch') {
    return { baseLr: options.lr, epochs: options.epochs ?? options.steps, batchesPerEpoch: options.batchesPerEpoch ?? 1 };
  }
  const epochs = options.epochs ?? 1;
  return { baseLr: options.lr, epochs, batchesPerEpoch: options.batchesPerEpoch ?? Math.ceil(options.steps / epochs) };
}

/** Short, readable rate for chart labels: 0.1, 0.00125, 4.2e-7. */
function formatRate(rate: number): string {
  if (rate === 0) return '0';
  return Math.abs(rate) < 1e-4 ? rate.toExponential(2) : String(Number(rate.toPrecision(3)));
}

/** Every step if they fit in `width` columns, else `width` steps spread evenly (first and last included). */
function sampleSteps(count: number, width: number): number[] {
  if (count <= width) return Array.from({ length: count }, (_, step) => step);
  return Array.from({ length: width }, (_, column) => Math.round((column * (count - 1)) / (width - 1)));
}

export function renderScheduleChart(spec: ResolvedSchedulerSpec, rates: readonly number[], unit: StepUnit, columns: number): string {
  const last = rates.length - 1;
  const width = Math.max(10, columns - Y_LABEL_WIDTH - 4);
  const steps = sampleSteps(rates.length, width);
  const highest = Math.max(...rates);
  const chart = asciichart.plot(
    steps.map((step) => rates[step]!),
    {
      height: CHART_HEIGHT,
      // The y axis starts at 0 so drops read at their true size (and a flat schedule still gets labels).
      min: 0,
      // asciichart's label arithmetic leaves rounding residue such as -1.4e-17 where 0 is meant.
      format: (rate: number) => formatRate(Math.abs(rate) < highest * 1e-9 ? 0 : rate).padStart(Y_LABEL_WIDTH),
    },
  );
  const chartLines = chart.split('\n');
  // The plot starts one column right of the y axis (┤ or ┼) on every line.
  const plotStart = Math.max(...chartLines.map((line) => Math.max(line.indexOf('┤'), line.indexOf('┼')))) + 1;
  const leftLabel = `${unit} 0`;
  const rightLabel = `${unit} ${last}`;
  const axisWidth = Math.max(steps.length, leftLabel.length + rightLabel.length + 2);
  const xAxis = ' '.repeat(plotStart) + leftLabel + rightLabel.padStart(axisWidth - leftLabel.length);
  const sampling = steps.length < rates.length ? [`(${steps.length} of ${rates.length} steps drawn, evenly spaced)`] : [];
  const lowest = Math.min(...rates);
  return [
    `${spec.spec}: learning rate per ${unit}, steps 0..${last}`,
    ...sampling,
    `${' '.repeat(Math.max(0, plotStart - 'learning rate'.length))}learning rate`,
    chart,
    xAxis,
    '',
    `first: lr ${rates[0]} at ${unit} 0`,
    `last:  lr ${rates[last]} at ${unit} ${last}`,
    `range: ${lowest} .. ${highest}`,
  ].join('\n');
}

/** `{"spec": "...", "lr": [...]}`, spaced like Python's json.dumps. */
export function renderScheduleJson(spec: string, rates: readonly number[]): string {
  return `{"spec": ${JSON.stringify(spec)}, "lr": [${rates.map((rate) => JSON.stringify(rate)).join(', ')}]}`;
}

export function register(program: Command): void {
  program
    .command('schedule')
    .description('print the learning rate a scheduler uses at each step i = 0..N-1, without training')
    .argument('<spec>', "scheduler spec, e.g. 'cosine', 'step:step_size=10,gamma=0.5', 'multistep:milestones=30|60'")
    .requiredOption('--steps <n>', "steps to show, in the schedule's unit (epochs, or batches with unit=batch)", integerOption(1))
    .option('--lr <rate>', 'base learning rate, as run --lr', numberOption({ above: 0 }), DEFAULT_LR)
    .option('--epochs <n>', 'epochs of the run the schedule is built for (default: --steps with unit=epoch, 1 with unit=batch)', integerOption(1))
    .option('--batches-per-epoch <n>', 'mini-batches per epoch (default: 1 with unit=epoch, ceil(steps / epochs) with unit=batch)', integerOption(1))
    .option('--metrics <m0,m1,...>', 'plateau only: the validation loss seen at the end of each step (at least steps-1 values)', parseMetrics)
    .option('--json', 'print {"spec": "...", "lr": [...]} instead of a chart')
    .addHelpText(
      'after',
      '\nRun-dependent defaults (cosine t_max, onecycle total_steps, multistep milestones, cosine_restarts t_0)\n' +
        "are taken from the run: by default one of --steps steps, so they span exactly the steps shown. Give\n" +
        '--epochs/--batches-per-epoch to see a schedule built for a run of another length (e.g. past t_max).\n\n' +
        renderCatalogueSummary(),
    )
    .action(async (specText: string, options: ScheduleOptions) => {
      const spec = parseSchedulerSpec(specText);
      const unit: StepUnit = spec.params.unit === 'batch' ? 'batch' : 'epoch';
      const scheduler = await createScheduler(spec, scheduleContext(unit, options));
      if (options.metrics && scheduler.kind !== 'metric-driven') {
        throw new UsageError(`--metrics only feeds metric-driven schedulers (plateau); '${spec.name}' does not use it`);
      }
      const rates = learningRates(scheduler, options.steps, options.metrics);
      const output = options.json ? renderScheduleJson(spec.spec, rates) : renderScheduleChart(spec, rates, unit, process.stdout.columns ?? 80);
      process.stdout.write(`${output}\n`);
    });
}
