// Generated from the scheduler registry by scripts/generate-schedule-types.mjs; do not edit.
// test/library/factories.test.ts fails when this file no longer matches the registry.
// Over 300 lines because it holds one interface per registry entry; one generated file keeps them in step.

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
  /** Cycle the momentum inversely to the rate (momentum SGD: its momentum; adam/adamw: beta1; rmsprop: its momentum); plain sgd and schedule-free optimizers keep theirs. true|false; default: true. */
  readonly cycleMomentum?: boolean;
  /** Momentum where the rate peaks. number in [0, 1); default: 0.8. */
  readonly baseMomentum?: number;
  /** Momentum where the rate is lowest. number in [0, 1); default: 0.9. */
  readonly maxMomentum?: number;
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
  /** Cycle the momentum inversely to the rate (momentum SGD: its momentum; adam/adamw: beta1; rmsprop: its momentum); plain sgd and schedule-free optimizers keep theirs. true|false; default: true. */
  readonly cycleMomentum?: boolean;
  /** Momentum where the rate peaks. number in [0, 1); default: 0.85. */
  readonly baseMomentum?: number;
  /** Momentum where the rate is lowest. number in [0, 1); default: 0.95. */
  readonly maxMomentum?: number;
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

/** Parameters of `sequential` (torch.optim.lr_scheduler.SequentialLR): Runs the parts one after another, switching at the milestones; each part counts from its own step 0. */
export interface SequentialParams {
  /** The parts, any closed-form specs, in parentheses after the name and separated by ; (at most 16, nested at most 4 deep). (SPEC; SPEC; ...); default: (required). */
  readonly schedulers: string;
  /** Steps at which the next part starts, one fewer than the parts, e.g. 5|50 (PyTorch requires them). N|N|..., increasing, each >= 1; default: (required). */
  readonly milestones: readonly number[];
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `chained` (torch.optim.lr_scheduler.ChainedScheduler): Applies all parts at every step, as PyTorch's ChainedScheduler does: chainable parts multiply the rate by their own factor. */
export interface ChainedParams {
  /** The parts, any closed-form specs, in parentheses after the name and separated by ; (at most 16, nested at most 4 deep). (SPEC; SPEC; ...); default: (required). */
  readonly schedulers: string;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `exponential_decay` (keras.optimizers.schedules.ExponentialDecay): lr x decay_rate^(step / decay_steps), floored with staircase=true. */
export interface ExponentialDecayParams {
  /** Steps per decay period p = step / decay_steps (Keras requires it). number > 0; default: (required). */
  readonly decaySteps: number;
  /** The decay rate (Keras requires it). number >= 0; default: (required). */
  readonly decayRate: number;
  /** Floor p: decay in discrete steps. true|false; default: false. */
  readonly staircase?: boolean;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `inverse_time_decay` (keras.optimizers.schedules.InverseTimeDecay): lr / (1 + decay_rate x step / decay_steps), floored with staircase=true. */
export interface InverseTimeDecayParams {
  /** Steps per decay period p = step / decay_steps (Keras requires it). number > 0; default: (required). */
  readonly decaySteps: number;
  /** The decay rate (Keras requires it). number >= 0; default: (required). */
  readonly decayRate: number;
  /** Floor p: decay in discrete steps. true|false; default: false. */
  readonly staircase?: boolean;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `piecewise_constant_decay` (keras.optimizers.schedules.PiecewiseConstantDecay): Absolute rates: values[0] while step <= boundaries[0], values[i] while boundaries[i-1] < step <= boundaries[i]; ignores --lr. */
export interface PiecewiseConstantDecayParams {
  /** Increasing steps, e.g. 100|200 (Keras requires them). N|N|..., increasing, each >= 0; default: (required). */
  readonly boundaries: readonly number[];
  /** One more rate than boundaries, e.g. 0.1|0.01|0.001 (Keras requires them). x|x|..., each >= 0; default: (required). */
  readonly values: readonly number[];
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `polynomial_decay` (keras.optimizers.schedules.PolynomialDecay): From lr to end_learning_rate along (1 - step/decay_steps)^power; cycle=true stretches the period instead of stopping. */
export interface PolynomialDecayParams {
  /** Steps to reach end_learning_rate (Keras requires it). number > 0; default: schedule length. */
  readonly decaySteps?: number;
  /** Absolute rate at the end of the decay. number >= 0; default: 0.0001. */
  readonly endLearningRate?: number;
  /** Power of the polynomial. number > 0; default: 1. */
  readonly power?: number;
  /** Past decay_steps, decay again over the next multiple of decay_steps. true|false; default: false. */
  readonly cycle?: boolean;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `cosine_decay` (keras.optimizers.schedules.CosineDecay): Cosine from lr to alpha x lr over decay_steps, then flat; optional linear warmup from lr to warmup_target first. */
export interface CosineDecayParams {
  /** Steps of the cosine (Keras requires it). number > 0; default: schedule length - warmup_steps. */
  readonly decaySteps?: number;
  /** Floor as a fraction of the peak rate. number in [0, 1]; default: 0. */
  readonly alpha?: number;
  /** Absolute rate the warmup reaches; without it there is no warmup. number > 0; default: none (no warmup). */
  readonly warmupTarget?: number;
  /** Steps of linear warmup (only with warmup_target). whole number >= 0; default: 0. */
  readonly warmupSteps?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `cosine_decay_restarts` (keras.optimizers.schedules.CosineDecayRestarts): SGDR: cosine from lr to alpha x lr over first_decay_steps, each period t_mul times longer and m_mul times lower. */
export interface CosineDecayRestartsParams {
  /** Steps of the first period (Keras requires it; ours: a quarter of the run, at least 1). number > 0; default: schedule length / 4. */
  readonly firstDecaySteps?: number;
  /** Each period is t_mul times longer. number > 0; default: 2. */
  readonly tMul?: number;
  /** Each restart peaks at m_mul times the previous peak. number >= 0; default: 1. */
  readonly mMul?: number;
  /** Floor as a fraction of lr. number in [0, 1]; default: 0. */
  readonly alpha?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `keras_plateau` (keras.callbacks.ReduceLROnPlateau): Multiplies the rate by factor once the monitored metric has not improved by min_delta for patience epochs (Keras). */
export interface KerasPlateauParams {
  /** Always epoch: the monitored metric is measured once per epoch. epoch; default: epoch. */
  readonly unit?: 'epoch';
  /** The metric watched: auto is val_loss, or val_acc with mode=max (Keras' own default is val_loss). auto|val_loss|val_acc; default: auto. */
  readonly monitor?: 'auto' | 'val_loss' | 'val_acc';
  /** new rate = rate x factor. number in (0, 1); default: 0.1. */
  readonly factor?: number;
  /** Reduce once this many epochs in a row brought no improvement. whole number >= 0; default: 10. */
  readonly patience?: number;
  /** Absolute change that counts as an improvement. number >= 0; default: 0.0001. */
  readonly minDelta?: number;
  /** Epochs after a reduction during which bad epochs are not counted. whole number >= 0; default: 0. */
  readonly cooldown?: number;
  /** The rate never goes below this. number >= 0; default: 0. */
  readonly minLr?: number;
  /** min: the metric should fall; max: rise; auto: from the metric's name. auto|min|max; default: auto. */
  readonly mode?: 'auto' | 'min' | 'max';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `constant_with_warmup` (transformers.get_constant_schedule_with_warmup): Linear warmup from 0 over num_warmup_steps, then the base rate. */
export interface ConstantWithWarmupParams {
  /** Steps of linear warmup from 0 (transformers requires it; 0 for none). whole number >= 0; default: (required). */
  readonly numWarmupSteps: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `linear_with_warmup` (transformers.get_linear_schedule_with_warmup): Linear warmup from 0, then linear decay to 0 at num_training_steps. */
export interface LinearWithWarmupParams {
  /** Steps of linear warmup from 0 (transformers requires it; 0 for none). whole number >= 0; default: (required). */
  readonly numWarmupSteps: number;
  /** Total steps, warmup included. whole number >= 1; default: schedule length. */
  readonly numTrainingSteps?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `cosine_with_warmup` (transformers.get_cosine_schedule_with_warmup): Linear warmup from 0, then num_cycles cosine waves (default half a wave: down to 0 at num_training_steps). */
export interface CosineWithWarmupParams {
  /** Steps of linear warmup from 0 (transformers requires it; 0 for none). whole number >= 0; default: (required). */
  readonly numWarmupSteps: number;
  /** Total steps, warmup included. whole number >= 1; default: schedule length. */
  readonly numTrainingSteps?: number;
  /** Cosine waves after warmup (0.5 = from the peak down to 0). number > 0; default: 0.5. */
  readonly numCycles?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `cosine_with_hard_restarts` (transformers.get_cosine_with_hard_restarts_schedule_with_warmup): Linear warmup from 0, then num_cycles cosine decays to 0, each restarting at the base rate; 0 from num_training_steps on. */
export interface CosineWithHardRestartsParams {
  /** Steps of linear warmup from 0 (transformers requires it; 0 for none). whole number >= 0; default: (required). */
  readonly numWarmupSteps: number;
  /** Total steps, warmup included. whole number >= 1; default: schedule length. */
  readonly numTrainingSteps?: number;
  /** Hard restarts: cycles after warmup. whole number >= 1; default: 1. */
  readonly numCycles?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `polynomial_with_warmup` (transformers.get_polynomial_decay_schedule_with_warmup): Linear warmup from 0, then polynomial decay to the absolute rate lr_end at num_training_steps. */
export interface PolynomialWithWarmupParams {
  /** Steps of linear warmup from 0 (transformers requires it; 0 for none). whole number >= 0; default: (required). */
  readonly numWarmupSteps: number;
  /** Total steps, warmup included. whole number >= 1; default: schedule length. */
  readonly numTrainingSteps?: number;
  /** Absolute rate reached at num_training_steps. number >= 0; default: 1e-7. */
  readonly lrEnd?: number;
  /** Power of the decay. number > 0; default: 1. */
  readonly power?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `inverse_sqrt` (transformers.get_inverse_sqrt_schedule): Linear warmup from 0, then lr / sqrt((step + timescale - num_warmup_steps) / timescale). */
export interface InverseSqrtParams {
  /** Steps of linear warmup from 0 (transformers requires it; 0 for none). whole number >= 0; default: (required). */
  readonly numWarmupSteps: number;
  /** After warmup the rate is lr x sqrt(timescale / (step + timescale - num_warmup_steps)). whole number >= 1; default: num_warmup_steps, or 10000 if that is 0. */
  readonly timescale?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `cosine_with_min_lr` (transformers.get_cosine_with_min_lr_schedule_with_warmup): Linear warmup from 0, then a cosine from the base rate down to a floor (min_lr_rate x lr, or the absolute min_lr). */
export interface CosineWithMinLrParams {
  /** Steps of linear warmup from 0 (transformers requires it; 0 for none). whole number >= 0; default: (required). */
  readonly numWarmupSteps: number;
  /** Total steps, warmup included. whole number >= 1; default: schedule length. */
  readonly numTrainingSteps?: number;
  /** Cosine waves after warmup (0.5 = down to the floor). number > 0; default: 0.5. */
  readonly numCycles?: number;
  /** The floor as a fraction of --lr (give this or min_lr). number in [0, 1]; default: (none). */
  readonly minLrRate?: number;
  /** The floor as an absolute rate (give this or min_lr_rate). number >= 0; default: (none). */
  readonly minLr?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `wsd` (transformers.get_wsd_schedule): Warmup-stable-decay: warmup to the base rate, hold it, decay to min_lr_ratio x lr, then stay there. */
export interface WsdParams {
  /** Steps of linear warmup from 0 (transformers requires it; 0 for none). whole number >= 0; default: (required). */
  readonly numWarmupSteps: number;
  /** Steps at the base rate. whole number >= 0; default: num_training_steps - num_warmup_steps - num_decay_steps. */
  readonly numStableSteps?: number;
  /** Steps of the decay (transformers requires it). whole number >= 0; default: (required). */
  readonly numDecaySteps: number;
  /** Total steps; only used to derive num_stable_steps. whole number >= 1; default: schedule length. */
  readonly numTrainingSteps?: number;
  /** Floor (and warmup start) as a fraction of --lr. number in [0, 1]; default: 0. */
  readonly minLrRatio?: number;
  /** Shape of the warmup. linear|cosine|1-sqrt; default: linear. */
  readonly warmupType?: 'linear' | 'cosine' | '1-sqrt';
  /** Shape of the decay. linear|cosine|1-sqrt; default: cosine. */
  readonly decayType?: 'linear' | 'cosine' | '1-sqrt';
  /** Cosine waves of a cosine decay. number > 0; default: 0.5. */
  readonly numCycles?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `warmup_cosine_decay` (optax.warmup_cosine_decay_schedule): Linear warmup from init_value to peak_value, then a cosine to end_value at step decay_steps (warmup included), then flat. */
export interface WarmupCosineDecayParams {
  /** Absolute rate at step 0, where the warmup starts (optax requires it). number >= 0; default: (required). */
  readonly initValue: number;
  /** Absolute rate at the end of the warmup. number > 0; default: --lr. */
  readonly peakValue?: number;
  /** Steps of the linear warmup (optax requires it; 0 for none). whole number >= 0; default: (required). */
  readonly warmupSteps: number;
  /** Total steps of warmup plus cosine. whole number >= 1; default: schedule length. */
  readonly decaySteps?: number;
  /** Absolute rate at the end of the cosine. number >= 0; default: 0. */
  readonly endValue?: number;
  /** The cosine factor is raised to this power. number > 0; default: 1. */
  readonly exponent?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `warmup_exponential_decay` (optax.warmup_exponential_decay_schedule): Linear warmup from init_value to peak_value, then peak x decay_rate^((step - transition_begin) / transition_steps), clipped at end_value. */
export interface WarmupExponentialDecayParams {
  /** Absolute rate at step 0, where the warmup starts (optax requires it). number >= 0; default: (required). */
  readonly initValue: number;
  /** Absolute rate at the end of the warmup. number > 0; default: --lr. */
  readonly peakValue?: number;
  /** Steps of the linear warmup (optax requires it; 0 for none). whole number >= 0; default: (required). */
  readonly warmupSteps: number;
  /** Steps per factor of decay_rate (optax requires it). whole number >= 1; default: (required). */
  readonly transitionSteps: number;
  /** Factor per transition_steps (optax requires it). number > 0; default: (required). */
  readonly decayRate: number;
  /** Steps after the warmup before the decay starts. whole number >= 0; default: 0. */
  readonly transitionBegin?: number;
  /** Decay in whole transitions only. true|false; default: false. */
  readonly staircase?: boolean;
  /** Floor (or ceiling when decay_rate > 1) of the rate. number >= 0; default: none. */
  readonly endValue?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `linear_onecycle` (optax.linear_onecycle_schedule): Linear 1cycle: peak/div_factor up to peak_value by pct_start, back down by pct_final, then to peak/div_factor/final_div_factor. */
export interface LinearOnecycleParams {
  /** Steps of the whole cycle. whole number >= 1; default: schedule length. */
  readonly transitionSteps?: number;
  /** Absolute rate at the end of the warmup. number > 0; default: --lr. */
  readonly peakValue?: number;
  /** Fraction of the cycle spent rising. number in [0, 1]; default: 0.3. */
  readonly pctStart?: number;
  /** Fraction of the cycle at which the rate is back at the initial rate. number in [0, 1]; default: 0.85. */
  readonly pctFinal?: number;
  /** Initial rate = peak_value / div_factor. number > 0; default: 25. */
  readonly divFactor?: number;
  /** Final rate = initial rate / final_div_factor. number > 0; default: 10000. */
  readonly finalDivFactor?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `tanh` (timm.scheduler.TanhLRScheduler): Hyperbolic-tangent decay from the base rate to lr_min over t_initial steps, with optional cycles and warmup (timm). */
export interface TanhParams {
  /** Steps of the first cycle (timm requires it). whole number >= 1; default: schedule length. */
  readonly tInitial?: number;
  /** tanh argument at the start of a cycle (lb < ub). number; default: -7. */
  readonly lb?: number;
  /** tanh argument at the end of a cycle. number; default: 3. */
  readonly ub?: number;
  /** Absolute rate at the end of each cycle and after the last one. number >= 0; default: 0. */
  readonly lrMin?: number;
  /** Each cycle is cycle_mul times longer. number > 0; default: 1. */
  readonly cycleMul?: number;
  /** Each cycle peaks at cycle_decay times the previous peak. number >= 0; default: 1. */
  readonly cycleDecay?: number;
  /** Cycles run; after them the rate stays at lr_min. whole number >= 0; default: 1. */
  readonly cycleLimit?: number;
  /** Steps of linear warmup from warmup_lr_init. whole number >= 0; default: 0. */
  readonly warmupT?: number;
  /** Absolute rate the warmup starts from. number >= 0; default: 0. */
  readonly warmupLrInit?: number;
  /** true: the cycles start after the warmup; false: the warmup overlays the first warmup_t steps of the cycle. true|false; default: false. */
  readonly warmupPrefix?: boolean;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Parameters of `cosine_cycles` (timm.scheduler.CosineLRScheduler): Cosine from the base rate to lr_min over t_initial steps, cycle_limit cycles (each cycle_mul longer, cycle_decay lower), then lr_min (timm). */
export interface CosineCyclesParams {
  /** Steps of the first cycle (timm requires it). whole number >= 1; default: schedule length. */
  readonly tInitial?: number;
  /** Absolute rate at the end of each cycle and after the last one. number >= 0; default: 0. */
  readonly lrMin?: number;
  /** Each cycle is cycle_mul times longer. number > 0; default: 1. */
  readonly cycleMul?: number;
  /** Each cycle peaks at cycle_decay times the previous peak. number >= 0; default: 1. */
  readonly cycleDecay?: number;
  /** Cycles run; after them the rate stays at lr_min. whole number >= 0; default: 1. */
  readonly cycleLimit?: number;
  /** Steps of linear warmup from warmup_lr_init. whole number >= 0; default: 0. */
  readonly warmupT?: number;
  /** Absolute rate the warmup starts from. number >= 0; default: 0. */
  readonly warmupLrInit?: number;
  /** true: the cycles start after the warmup; false: the warmup overlays the first warmup_t steps of the cycle. true|false; default: false. */
  readonly warmupPrefix?: boolean;
  /** Shape: cos(pi t^k / T^k). number > 0; default: 1. */
  readonly kDecay?: number;
  /** When the schedule steps: once per epoch or once per mini-batch. epoch|batch; default: epoch. */
  readonly unit?: 'epoch' | 'batch';
  /** Steps of linear warmup; the schedule then starts from its own step 0 (PyTorch's SequentialLR after LinearLR). whole number >= 0; default: 0. */
  readonly warmup?: number;
  /** Warmup starts at warmup_start x the target rate (LinearLR start_factor). number in (0, 1]; default: 1/3. */
  readonly warmupStart?: number;
}

/** Every registered schedule name, as specs write it. */
export type ScheduleName = 'step' | 'multistep' | 'exponential' | 'cosine' | 'cosine_restarts' | 'plateau' | 'cyclic' | 'onecycle' | 'polynomial' | 'linear' | 'constant' | 'none' | 'custom' | 'sequential' | 'chained' | 'exponential_decay' | 'inverse_time_decay' | 'piecewise_constant_decay' | 'polynomial_decay' | 'cosine_decay' | 'cosine_decay_restarts' | 'keras_plateau' | 'constant_with_warmup' | 'linear_with_warmup' | 'cosine_with_warmup' | 'cosine_with_hard_restarts' | 'polynomial_with_warmup' | 'inverse_sqrt' | 'cosine_with_min_lr' | 'wsd' | 'warmup_cosine_decay' | 'warmup_exponential_decay' | 'linear_onecycle' | 'tanh' | 'cosine_cycles';

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
  sequential: SequentialParams;
  chained: ChainedParams;
  exponentialDecay: ExponentialDecayParams;
  inverseTimeDecay: InverseTimeDecayParams;
  piecewiseConstantDecay: PiecewiseConstantDecayParams;
  polynomialDecay: PolynomialDecayParams;
  cosineDecay: CosineDecayParams;
  cosineDecayRestarts: CosineDecayRestartsParams;
  kerasPlateau: KerasPlateauParams;
  constantWithWarmup: ConstantWithWarmupParams;
  linearWithWarmup: LinearWithWarmupParams;
  cosineWithWarmup: CosineWithWarmupParams;
  cosineWithHardRestarts: CosineWithHardRestartsParams;
  polynomialWithWarmup: PolynomialWithWarmupParams;
  inverseSqrt: InverseSqrtParams;
  cosineWithMinLr: CosineWithMinLrParams;
  wsd: WsdParams;
  warmupCosineDecay: WarmupCosineDecayParams;
  warmupExponentialDecay: WarmupExponentialDecayParams;
  linearOnecycle: LinearOnecycleParams;
  tanh: TanhParams;
  cosineCycles: CosineCyclesParams;
}
