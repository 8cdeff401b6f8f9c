// Generated from the scheduler registry by scripts/generate-schedule-types.mjs; do not edit.
// test/library/factories.test.ts fails when this file no longer matches the registry.

/** Parameters of `step` (torch.optim.lr_scheduler.StepLR): Multiplies the rate by gamma every step_size steps. */
export interface StepParams {
  /** Steps between two decays. whole number >= 1; default: 20. */
  readonly stepSize?: number;
  /** Multiplicative factor of each decay. number > 0; default: 0.5. */
  readonly gamma?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `multistep` (torch.optim.lr_scheduler.MultiStepLR): Multiplies the rate by gamma at each milestone step. */
export interface MultistepParams {
  /** Steps at which the rate is multiplied by gamma, e.g. 30|60|90. N|N|..., increasing, each >= 1; default: 50%|75% of schedule length. */
  readonly milestones?: readonly number[];
  /** Multiplicative factor at each milestone. number > 0; default: 0.1. */
  readonly gamma?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `exponential` (torch.optim.lr_scheduler.ExponentialLR): Multiplies the rate by gamma every step. */
export interface ExponentialParams {
  /** Multiplicative factor per step. number > 0; default: 0.95. */
  readonly gamma?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `cosine` (torch.optim.lr_scheduler.CosineAnnealingLR): Cosine curve from the base rate down to eta_min over t_max steps. */
export interface CosineParams {
  /** Steps from the base rate down to eta_min. whole number >= 1; default: schedule length. */
  readonly tMax?: number;
  /** Lowest rate, reached at step t_max. number >= 0; default: 0. */
  readonly etaMin?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `cosine_restarts` (torch.optim.lr_scheduler.CosineAnnealingWarmRestarts): Cosine annealing that restarts at the base rate; each cycle is t_mult times longer (SGDR). */
export interface CosineRestartsParams {
  /** Steps of the first cycle (the default is rounded down, at least 1). whole number >= 1; default: schedule length / 4. */
  readonly t0?: number;
  /** Each cycle is t_mult times longer than the one before. whole number >= 1; default: 1. */
  readonly tMult?: number;
  /** Lowest rate, approached at the end of each cycle. number >= 0; default: 0. */
  readonly etaMin?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `plateau` (torch.optim.lr_scheduler.ReduceLROnPlateau): Multiplies the rate by factor when the validation loss stops improving for patience epochs. */
export interface PlateauParams {
  /** Always epoch: the monitored metric is measured once per epoch. epoch; default: epoch. */
  readonly unit?: 'epoch';
  /** min: the metric should fall (a loss); max: it should rise (an accuracy). min|max; default: min. */
  readonly mode?: 'min' | 'max';
  /** The metric watched in run (as Keras names it): auto is val_loss for mode=min and val_acc for mode=max. auto|val_loss|val_acc; default: auto. */
  readonly monitor?: 'auto' | 'val_loss' | 'val_acc';
  /** new rate = rate x factor. number in (0, 1); default: 0.5. */
  readonly factor?: number;
  /** Epochs without improvement tolerated before reducing. whole number >= 0; default: 5. */
  readonly patience?: number;
  /** How much better than the best a value must be to count as an improvement. number >= 0; default: 0.0001. */
  readonly threshold?: number;
  /** rel: best x (1 -/+ threshold); abs: best -/+ threshold. rel|abs; default: rel. */
  readonly thresholdMode?: 'rel' | 'abs';
  /** Epochs after a reduction during which bad epochs are not counted. whole number >= 0; default: 0. */
  readonly cooldown?: number;
  /** The rate never goes below this. number >= 0; default: 0. */
  readonly minLr?: number;
  /** Reductions smaller than eps are skipped. number >= 0; default: 1e-8. */
  readonly eps?: number;
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `cyclic` (torch.optim.lr_scheduler.CyclicLR): Triangular cycles between base_lr and max_lr (Smith 2017); ignores --lr. */
export interface CyclicParams {
  /** Lower bound of each cycle. number > 0; default: 0.001. */
  readonly baseLr?: number;
  /** Upper bound of each cycle (scaled down by triangular2 and exp_range). number > 0; default: 0.1. */
  readonly maxLr?: number;
  /** Steps from base_lr up to max_lr. whole number >= 1; default: 20. */
  readonly stepSizeUp?: number;
  /** Steps from max_lr back down to base_lr. whole number >= 1; default: same as step_size_up. */
  readonly stepSizeDown?: number;
  /** triangular: constant amplitude; triangular2: amplitude halves each cycle; exp_range: amplitude x gamma^step. triangular|triangular2|exp_range; default: triangular. */
  readonly mode?: 'triangular' | 'triangular2' | 'exp_range';
  /** Amplitude decay per step in exp_range mode. number in (0, 1]; default: 1. */
  readonly gamma?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `onecycle` (torch.optim.lr_scheduler.OneCycleLR): Warms up to max_lr then anneals far below the start (Smith & Topin 1cycle); ignores --lr. */
export interface OnecycleParams {
  /** Peak rate (PyTorch has no default; 0.1 matches cyclic's max_lr). number > 0; default: 0.1. */
  readonly maxLr?: number;
  /** Steps of the whole cycle; must cover the run. whole number >= 1; default: schedule length. */
  readonly totalSteps?: number;
  /** Fraction of the cycle spent increasing the rate. number in [0, 1]; default: 0.3. */
  readonly pctStart?: number;
  /** Shape of each phase. cos|linear; default: cos. */
  readonly annealStrategy?: 'cos' | 'linear';
  /** Initial rate = max_lr / div_factor. number > 0; default: 25. */
  readonly divFactor?: number;
  /** Final rate = initial rate / final_div_factor. number > 0; default: 10000. */
  readonly finalDivFactor?: number;
  /** Add a phase back down to the initial rate before annihilating it (the original paper). true|false; default: false. */
  readonly threePhase?: boolean;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `polynomial` (torch.optim.lr_scheduler.PolynomialLR): Decays the rate to 0 over total_iters steps along (1 - step/total_iters)^power, then stays at 0. */
export interface PolynomialParams {
  /** Steps until the rate reaches 0. whole number >= 1; default: 5. */
  readonly totalIters?: number;
  /** Power of the polynomial (1 = linear). number > 0; default: 1. */
  readonly power?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `linear` (torch.optim.lr_scheduler.LinearLR): Moves the rate linearly from start_factor x base to end_factor x base over total_iters steps. */
export interface LinearParams {
  /** Factor of the base rate at step 0. number in (0, 1]; default: 1/3. */
  readonly startFactor?: number;
  /** Factor of the base rate from step total_iters on. number in [0, 1]; default: 1. */
  readonly endFactor?: number;
  /** Steps of the ramp. whole number >= 1; default: 5. */
  readonly totalIters?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `constant` (torch.optim.lr_scheduler.ConstantLR): Uses factor x base for the first total_iters steps, then the base rate. */
export interface ConstantParams {
  /** Factor of the base rate until step total_iters. number in [0, 1]; default: 1/3. */
  readonly factor?: number;
  /** Steps at the reduced rate. whole number >= 1; default: 5. */
  readonly totalIters?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `none` (no scheduler (LambdaLR(lambda t: 1.0))): The fixed rate --lr throughout (a baseline; not part of "all"). */
export interface NoneParams {
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `custom` (torch.optim.lr_scheduler.LambdaLR (which multiplies; here the function returns the rate itself)): Your own function (step, baseLr) => lr from a JavaScript module. */
export interface CustomParams {
  /** Path to the JavaScript module (.js/.mjs) exporting the schedule. text; default: (required). */
  readonly module: string;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Every registered schedule name, as specs write it. */
export type ScheduleName = 'step' | 'multistep' | 'exponential' | 'cosine' | 'cosine_restarts' | 'plateau' | 'cyclic' | 'onecycle' | 'polynomial' | 'linear' | 'constant' | 'none' | 'custom';

/** Factory name (camelCase of the schedule name) -> its parameters. */
export interface ScheduleFactoryParams {
  step: StepParams;
  multistep: MultistepParams;
  exponential: ExponentialParams;
  cosine: CosineParams;
  cosineRestarts: CosineRestartsParams;
  plateau: PlateauParams;
  cyclic: CyclicParams;
  onecycle: OnecycleParams;
  polynomial: PolynomialParams;
  linear: LinearParams;
  constant: ConstantParams;
  none: NoneParams;
  custom: CustomParams;
}
