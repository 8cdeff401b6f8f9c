/**
 * What one entry of the scheduler registry is made of, and the parameters every
 * scheduler shares (unit, warmup, warmup_start).
 */
import type { ParamDefinition, ParamRecord } from './params.js';
import type { JoinPart } from './join.js';
import type { MetricDrivenScheduler, ResolvedSchedulerSpec } from './types.js';

/** What a scheduler's constructor gets besides its own parameters. */
export interface BuildInput {
  /** Every parameter, validated, static defaults filled in; run-dependent defaults absent. */
  readonly params: ParamRecord;
  /** The run's base learning rate (`--lr`). */
  readonly baseLr: number;
  /**
   * Steps the schedule itself runs, in its unit: the run's steps less warmup.
   * Run-dependent defaults (cosine's t_max, onecycle's total_steps, ...) come from it.
   */
  readonly scheduleSteps: number;
  /** Names the scheduler in error messages, e.g. `scheduler 'onecycle'`. */
  readonly where: string;
  /**
   * Parses and builds another spec (a part of `sequential(...)`/`chained(...)`)
   * over `steps` steps at the same base rate, its own warmup included.
   */
  readonly buildPart: (specText: string, steps: number) => Promise<{ readonly spec: ResolvedSchedulerSpec; readonly part: JoinPart }>;
}

/** The library whose semantics (and parameter names) a scheduler has; the catalogue groups by it. */
export type SchedulerOrigin = 'pytorch' | 'keras' | 'huggingface' | 'optax' | 'timm';

/** Catalogue headings, in catalogue order. */
export const ORIGIN_TITLES: Readonly<Record<SchedulerOrigin, string>> = {
  pytorch: 'PyTorch (torch.optim.lr_scheduler)',
  keras: 'Keras 3 (keras.optimizers.schedules, keras.callbacks)',
  huggingface: 'Hugging Face transformers (transformers.optimization)',
  optax: 'optax (optax.schedules)',
  timm: 'timm (timm.scheduler)',
};

/**
 * A built schedule. Closed-form ones are a pure function of the schedule's own
 * step (0 = first step after warmup); createScheduler adds warmup around them.
 */
export type BuiltSchedule =
  | {
      readonly kind: 'closed-form';
      readonly lrAt: (step: number) => number;
      /**
       * The rate warmup ramps toward, as PyTorch's SequentialLR([LinearLR, S])
       * produces it: the run's base rate, except where S's constructor overwrites
       * the optimizer's `initial_lr` (OneCycleLR: max_lr / div_factor).
       */
      readonly warmupTarget: number;
      /** The momentum during each step, when the schedule cycles it (cyclic, onecycle); warmup holds momentumAt(0). */
      readonly momentumAt?: (step: number) => number;
    }
  | { readonly kind: 'metric-driven'; readonly scheduler: MetricDrivenScheduler };

export interface SchedulerDefinition {
  /** Registry name, e.g. `cosine_restarts`. */
  readonly name: string;
  /** One line for catalogues and help text. */
  readonly summary: string;
  /**
   * The class or function this reproduces, e.g. `torch.optim.lr_scheduler.StepLR`
   * or `keras.optimizers.schedules.ExponentialDecay` (the field predates the
   * other libraries; `origin` says which library it is).
   */
  readonly pytorch: string;
  /** The library whose semantics it has; absent means PyTorch. */
  readonly origin?: SchedulerOrigin;
  /** How it differs from its nearest neighbour in another library (catalogue, docs, help). */
  readonly differs?: string;
  /** Longer notes for the catalogue documentation (semantics, quirks kept from PyTorch). */
  readonly notes?: readonly string[];
  /**
   * The scheduler's own parameters. A definition may also redefine a shared one
   * (plateau narrows `unit` to epoch); the registry appends the rest.
   */
  readonly params: readonly ParamDefinition[];
  /** Checks between parameters that need no run context (max_lr >= base_lr); throws ScheduleSpecError. */
  readonly checkParams?: (params: ParamRecord, where: string) => void;
  readonly build: (input: BuildInput) => BuiltSchedule | Promise<BuiltSchedule>;
}

/** The default of warmup_start: PyTorch LinearLR's start_factor default. */
export const DEFAULT_WARMUP_START = 1 / 3;

export const UNIT_PARAM: ParamDefinition = {
  key: 'unit',
  type: 'choice',
  choices: ['epoch', 'batch'],
  default: 'epoch',
  description: 'When the schedule steps: once per epoch or once per mini-batch.',
};

export const WARMUP_PARAM: ParamDefinition = {
  key: 'warmup',
  type: 'integer',
  range: { min: 0 },
  default: 0,
  description: "Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR).",
};

export const WARMUP_START_PARAM: ParamDefinition = {
  key: 'warmup_start',
  type: 'number',
  range: { min: 0, minExclusive: true, max: 1 },
  default: DEFAULT_WARMUP_START,
  defaultText: '1/3',
  description: 'Warmup starts at warmup_start x the target rate (LinearLR start_factor).',
};

/** Parameters every scheduler takes, in the order help text lists them. */
export const SHARED_PARAMS: readonly ParamDefinition[] = [UNIT_PARAM, WARMUP_PARAM, WARMUP_START_PARAM];

/** `label=` is not a parameter of the schedule: it names the run (ResolvedSchedulerSpec.label). */
export const LABEL_KEY = 'label';
export const LABEL_DESCRIPTION = 'Names the run in tables and results (default: the spec as written).';

/** `optimizer=` is not a parameter of the schedule either: it picks the run's optimizer (ResolvedSchedulerSpec.optimizer). */
export const OPTIMIZER_KEY = 'optimizer';
export const OPTIMIZER_DESCRIPTION =
  "This run's optimizer, overriding --optimizer (e.g. a schedule-free baseline among SGD runs); same seeds and batches, so runs still pair up.";
