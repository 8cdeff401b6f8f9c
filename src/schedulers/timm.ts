/**
 * timm's epoch schedulers (timm.scheduler.TanhLRScheduler, CosineLRScheduler)
 * without noise, as a timm training loop applies them: the scheduler sets the
 * rate when it is built (the base rate, or warmup_lr_init with warmup) and
 * `scheduler.step(epoch + 1)` at the end of each epoch (step_update per batch
 * with unit=batch). So step 0 runs at the initial rate and step t >= 1 at
 * `_get_lr(t)`. Float64, as timm computes in Python floats.
 */
import { ScheduleSpecError } from '../errors.js';
import type { SchedulerDefinition } from './definition.js';
import type { ParamDefinition, ParamRecord } from './params.js';
import { booleanParam, numberParam, optionalNumberParam } from './params.js';

const CYCLE_PARAMS: readonly ParamDefinition[] = [
  { key: 't_initial', type: 'integer', range: { min: 1 }, defaultText: 'schedule length', description: 'Steps of the first cycle (timm requires it).' },
  { key: 'lr_min', type: 'number', range: { min: 0 }, default: 0, description: 'Absolute rate at the end of each cycle and after the last one.' },
  { key: 'cycle_mul', type: 'number', range: { min: 0, minExclusive: true }, default: 1, description: 'Each cycle is cycle_mul times longer.' },
  { key: 'cycle_decay', type: 'number', range: { min: 0 }, default: 1, description: 'Each cycle peaks at cycle_decay times the previous peak.' },
  { key: 'cycle_limit', type: 'integer', range: { min: 0 }, default: 1, description: 'Cycles run; after them the rate stays at lr_min.' },
];
const WARMUP_PARAMS: readonly ParamDefinition[] = [
  { key: 'warmup_t', type: 'integer', range: { min: 0 }, default: 0, description: 'Steps of linear warmup from warmup_lr_init.' },
  { key: 'warmup_lr_init', type: 'number', range: { min: 0 }, default: 0, description: 'Absolute rate the warmup starts from.' },
  { key: 'warmup_prefix', type: 'boolean', default: false, description: 'true: the cycles start after the warmup; false: the warmup overlays the first warmup_t steps of the cycle.' },
];

interface CycleShape {
  readonly tInitial: number;
  readonly lrMin: number;
  readonly cycleMul: number;
  readonly cycleDecay: number;
  readonly cycleLimit: number;
  readonly warmupT: number;
  readonly warmupLrInit: number;
  readonly warmupPrefix: boolean;
}

function cycleShape(params: ParamRecord, scheduleSteps: number): CycleShape {
  return {
    tInitial: optionalNumberParam(params, 't_initial') ?? scheduleSteps,
    lrMin: numberParam(params, 'lr_min'),
    cycleMul: numberParam(params, 'cycle_mul'),
    cycleDecay: numberParam(params, 'cycle_decay'),
    cycleLimit: numberParam(params, 'cycle_limit'),
    warmupT: numberParam(params, 'warmup_t'),
    warmupLrInit: numberParam(params, 'warmup_lr_init'),
    warmupPrefix: booleanParam(params, 'warmup_prefix'),
  };
}

/**
 * `_get_lr(t)` of both schedulers: `curve(lrMax, position)` is the shape of one
 * cycle, position = t_curr / t_i (or the pair for cosine's k_decay).
 * `warmupEnd` is the rate the warmup heads for.
 */
function timmSchedule(baseLr: number, shape: CycleShape, curve: (lrMax: number, tCurr: number, tI: number) => number, warmupEndsAtCurve: boolean) {
  const { tInitial, lrMin, cycleMul, cycleDecay, cycleLimit, warmupT, warmupLrInit, warmupPrefix } = shape;
  const cycleLr = (t0: number): number => {
    const t = warmupPrefix ? t0 - warmupT : t0;
    let i: number;
    let tI: number;
    let tCurr: number;
    if (cycleMul !== 1) {
      i = Math.floor(Math.log(1 - (t / tInitial) * (1 - cycleMul)) / Math.log(cycleMul));
      tI = cycleMul ** i * tInitial;
      tCurr = t - ((1 - cycleMul ** i) / (1 - cycleMul)) * tInitial;
    } else {
      i = Math.floor(t / tInitial);
      tI = tInitial;
      tCurr = t - tInitial * i;
    }
    return i < cycleLimit ? curve(baseLr * cycleDecay ** i, tCurr, tI) : lrMin;
  };
  // TanhLRScheduler warms up toward _get_lr(warmup_t) unless warmup_prefix; CosineLRScheduler toward the base rate.
  const warmupEnd = warmupT > 0 && warmupEndsAtCurve && !warmupPrefix ? cycleLr(warmupT) : baseLr;
  const warmupStep = warmupT > 0 ? (warmupEnd - warmupLrInit) / warmupT : 1;
  const getLr = (t: number) => (t < warmupT ? warmupLrInit + t * warmupStep : cycleLr(t));
  // The rate set at construction is used until the first step(1).
  const initialLr = warmupT > 0 ? warmupLrInit : baseLr;
  return { kind: 'closed-form' as const, warmupTarget: baseLr, lrAt: (step: number) => (step === 0 ? initialLr : getLr(step)) };
}

export const tanhScheduler: SchedulerDefinition = {
  name: 'tanh',
  origin: 'timm',
  summary: 'Hyperbolic-tangent decay from the base rate to lr_min over t_initial steps, with optional cycles and warmup (timm).',
  pytorch: 'timm.scheduler.TanhLRScheduler',
  differs:
    'No PyTorch or Keras counterpart; its nearest is timm\'s own cosine_cycles. The curve is lr_min + (lr - lr_min)(1 - tanh(lb(1-x) + ub x))/2, which at x=0 is a hair below lr; timm never evaluates it at step 0 (the rate set at construction is used), so neither does lr-compare.',
  params: [
    CYCLE_PARAMS[0]!,
    { key: 'lb', type: 'number', default: -7, description: 'tanh argument at the start of a cycle (lb < ub).' },
    { key: 'ub', type: 'number', default: 3, description: 'tanh argument at the end of a cycle.' },
    ...CYCLE_PARAMS.slice(1),
    ...WARMUP_PARAMS,
  ],
  checkParams(params, where) {
    if (!(numberParam(params, 'lb') < numberParam(params, 'ub'))) throw new ScheduleSpecError(`${where}: lb must be smaller than ub`, { code: 'invalid-value', parameter: 'lb' });
  },
  build({ params, baseLr, scheduleSteps }) {
    const shape = cycleShape(params, scheduleSteps);
    const lb = numberParam(params, 'lb');
    const ub = numberParam(params, 'ub');
    return timmSchedule(
      baseLr,
      shape,
      (lrMax, tCurr, tI) => {
        const tr = tCurr / tI;
        return shape.lrMin + 0.5 * (lrMax - shape.lrMin) * (1 - Math.tanh(lb * (1 - tr) + ub * tr));
      },
      true,
    );
  },
};

export const cosineCyclesScheduler: SchedulerDefinition = {
  name: 'cosine_cycles',
  origin: 'timm',
  summary: 'Cosine from the base rate to lr_min over t_initial steps, cycle_limit cycles (each cycle_mul longer, cycle_decay lower), then lr_min (timm).',
  pytorch: 'timm.scheduler.CosineLRScheduler',
  differs:
    'PyTorch CosineAnnealingWarmRestarts restarts for ever and has no warmup or decay of the peak; timm runs cycle_limit cycles (default 1, so after t_initial the rate stays at lr_min instead of climbing back like CosineAnnealingLR), scales each peak by cycle_decay, and k_decay bends the curve.',
  params: [...CYCLE_PARAMS, ...WARMUP_PARAMS, { key: 'k_decay', type: 'number', range: { min: 0, minExclusive: true }, default: 1, description: 'Shape: cos(pi t^k / T^k).' }],
  build({ params, baseLr, scheduleSteps }) {
    const shape = cycleShape(params, scheduleSteps);
    const k = numberParam(params, 'k_decay');
    return timmSchedule(
      baseLr,
      shape,
      (lrMax, tCurr, tI) => shape.lrMin + 0.5 * (lrMax - shape.lrMin) * (1 + Math.cos((Math.PI * tCurr ** k) / tI ** k)),
      false,
    );
  },
};
