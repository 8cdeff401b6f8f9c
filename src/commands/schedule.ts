/** `lr-compare schedule <spec> --steps N`: the learning rate of every step, without training. */
import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../errors.js';
import {
  createScheduler,
  cyclesMomentum,
  learningRates,
  momentums,
  OPTIMIZER_NAMES,
  type OptimizerName,
  parseSchedulerSpec,
  renderCatalogueSummary,
  type ResolvedSchedulerSpec,
  type ScheduleContext,
  type StepUnit,
} from '../schedulers/index.js';
import { integerOption, numberOption } from './options.js';
// The rate used by `run` when --lr is not given: the same here, so the two agree.
import { DEFAULT_LR } from './run-options.js';
import { LIMITS } from '../limits.js';
import { readDecimal } from '../parse-number.js';
import { extentOf } from '../extent.js';
import { renderLineChart } from '../report/terminal-charts.js';
import { spansDecades } from '../report/charts/data.js';

interface ScheduleOptions {
  steps: number;
  lr: number;
  epochs?: number;
  batchesPerEpoch?: number;
  metrics?: number[];
  optimizer: OptimizerName;
  json?: boolean;
}

function parseMetrics(value: string): number[] {
  const items = value.split(',');
  if (items.length > LIMITS.scheduleSteps) throw new InvalidArgumentError(`${items.length} values are too many: at most ${LIMITS.scheduleSteps}.`);
  const metrics: number[] = [];
  for (let index = 0; index < items.length; index++) {
    const reading = readDecimal(items[index]!);
    if (!reading.ok) throw new InvalidArgumentError(`${reading.problem} at position ${index + 1} (comma-separated numbers).`);
    metrics.push(reading.value);
  }
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

export function renderScheduleChart(spec: ResolvedSchedulerSpec, rates: readonly number[], unit: StepUnit, columns: number, color = false): string {
  const last = rates.length - 1;
  // Drawn as after `run`: the same chart code, a step line, log scale when the rates span decades.
  const chart = renderLineChart([{ name: spec.label, values: rates }], {
    title: `${spec.spec}: learning rate per ${unit}, steps 0..${last}`,
    yLabel: 'learning rate',
    xLabel: unit,
    xStart: 0,
    interpolation: 'step',
    logScale: spansDecades(rates),
    width: Math.max(40, columns),
    color,
  });
  return [
    chart,
    '',
    `first: lr ${rates[0]} at ${unit} 0`,
    `last:  lr ${rates[last]} at ${unit} ${last}`,
    `range: ${extentOf(rates).min} .. ${extentOf(rates).max}`,
  ].join('\n');
}

/** `{"spec": "...", "lr": [...]}` (and `"momentum": [...]` when the schedule drives it), spaced like Python's json.dumps. */
export function renderScheduleJson(spec: string, rates: readonly number[], momentum?: readonly number[]): string {
  const list = (values: readonly number[]) => `[${values.map((value) => JSON.stringify(value)).join(', ')}]`;
  return `{"spec": ${JSON.stringify(spec)}, "lr": ${list(rates)}${momentum ? `, "momentum": ${list(momentum)}` : ''}}`;
}

export function register(program: Command): void {
  program
    .command('schedule')
    .description('print the learning rate a scheduler uses at each step i = 0..N-1, without training')
    .argument('<spec>', "scheduler spec, e.g. 'cosine', 'step:step_size=10,gamma=0.5', 'multistep:milestones=30|60'")
    .requiredOption('--steps <n>', `steps to show, in the schedule's unit (epochs, or batches with unit=batch); at most ${LIMITS.scheduleSteps}`, integerOption(1, LIMITS.scheduleSteps))
    .option('--lr <rate>', 'base learning rate, as run --lr', numberOption({ above: 0 }), DEFAULT_LR)
    .option('--epochs <n>', `epochs of the run the schedule is built for (default: --steps with unit=epoch, 1 with unit=batch); at most ${LIMITS.epochs}`, integerOption(1, LIMITS.epochs))
    .option('--batches-per-epoch <n>', `mini-batches per epoch (default: 1 with unit=epoch, ceil(steps / epochs) with unit=batch); at most ${LIMITS.batchesPerEpoch}`, integerOption(1, LIMITS.batchesPerEpoch))
    .option('--metrics <m0,m1,...>', 'plateau only: the validation loss seen at the end of each step (at least steps-1 values)', parseMetrics)
    .addOption(
      new Option('--optimizer <name>', "the run's optimizer: with momentum, adam, adamw or rmsprop, cyclic/onecycle also cycle its momentum (shown; --json adds a momentum array)")
        .choices(OPTIMIZER_NAMES)
        .default('sgd'),
    )
    .option('--json', 'print {"spec": "...", "lr": [...]} instead of a chart (plus "momentum": [...] when the schedule cycles the optimizer\'s momentum)')
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
      const context = scheduleContext(unit, options);
      // createScheduler checks every step of the run it builds for: bound that run as --steps is bounded.
      const runLength = unit === 'epoch' ? context.epochs : context.epochs * context.batchesPerEpoch;
      if (runLength > LIMITS.scheduleSteps) {
        throw new UsageError(`the run the schedule is built for has ${runLength} ${unit}s, which is too large: at most ${LIMITS.scheduleSteps}; lower --epochs or --batches-per-epoch`);
      }
      const scheduler = await createScheduler(spec, context);
      if (options.metrics && scheduler.kind !== 'metric-driven') {
        throw new UsageError(`--metrics only feeds metric-driven schedulers (plateau); '${spec.name}' does not use it`);
      }
      const rates = learningRates(scheduler, options.steps, options.metrics);
      // Plain sgd and schedule-free optimizers keep their momentum: the run would not cycle it, so neither does the preview.
      const momentum = cyclesMomentum(spec.optimizer ?? options.optimizer) ? momentums(scheduler, options.steps) : undefined;
      let output = options.json ? renderScheduleJson(spec.spec, rates, momentum) : renderScheduleChart(spec, rates, unit, process.stdout.columns ?? 80, process.stdout.isTTY === true);
      if (momentum && !options.json) {
        output += `\nmomentum: ${momentum[0]} at ${unit} 0 .. ${momentum[momentum.length - 1]} at ${unit} ${momentum.length - 1}, range ${Math.min(...momentum)} .. ${Math.max(...momentum)}`;
      }
      process.stdout.write(`${output}\n`);
    });
}
