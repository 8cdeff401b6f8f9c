/**
 * PyTorch's composition of schedulers: SequentialLR as `sequential(...)`
 * (built on join.ts) and ChainedScheduler as `chained(...)`. The parts are any
 * closed-form catalogue specs, written in parentheses and separated by `;`.
 */
import { ScheduleSpecError } from '../errors.js';
import type { SchedulerDefinition } from './definition.js';
import { joinClosedForm } from './join.js';
import type { ParamDefinition, ParamRecord } from './params.js';
import { optionalListParam, stringParam } from './params.js';
import { PARTS_KEY, splitTopLevel } from './spec-text.js';

const PARTS_PARAM: ParamDefinition = {
  key: PARTS_KEY,
  type: 'spec-list',
  required: true,
  description: 'The parts, any closed-form specs, in parentheses after the name and separated by ; (at most 16, nested at most 4 deep).',
};

/**
 * PyTorch schedulers whose constructors rewrite the optimizer's rate or
 * `initial_lr` (OneCycleLR, CyclicLR): inside SequentialLR that changes the
 * rate the other parts start from, so lr-compare refuses them as parts
 * rather than pretend they are independent.
 */
const INITIAL_LR_WRITERS = new Set(['onecycle', 'cyclic']);

/**
 * ChainedScheduler steps each part in turn on the same optimizer. PyTorch's
 * chainable schedulers multiply the current rate by their own step-to-step
 * ratio; the others (LambdaLR and so every Hugging Face / custom schedule,
 * CosineAnnealingWarmRestarts) overwrite it with their own value.
 */
const MULTIPLICATIVE = new Set(['step', 'multistep', 'exponential', 'linear', 'constant', 'polynomial', 'none']);
/** CosineAnnealingLR's recursive form adds past t_max and with eta_min; its product with other parts is not PyTorch's. */
const NOT_CHAINABLE = new Set(['cosine', 'onecycle', 'cyclic', 'plateau', 'keras_plateau']);

function partTexts(params: ParamRecord, where: string): string[] {
  return splitTopLevel(stringParam(params, PARTS_KEY), ';', where).map((part) => part.trim());
}

function partName(text: string): string {
  return text.split(/[(:]/, 1)[0]!.trim();
}

export const sequentialScheduler: SchedulerDefinition = {
  name: 'sequential',
  summary: 'Runs the parts one after another, switching at the milestones; each part counts from its own step 0.',
  pytorch: 'torch.optim.lr_scheduler.SequentialLR',
  differs:
    'optax join_schedules (which lr-compare\'s join() implements) is the same rule: part i runs schedule_i(step - boundary). ChainedScheduler (chained) runs the parts at the same time instead.',
  notes: [
    'Example: `sequential(linear:start_factor=0.1,total_iters=5; cosine):milestones=5`. Parts are written in parentheses and separated by `;`, so their own `:`, `,` and `|` never mix with the composite\'s `:milestones=...`; parts nest (`sequential(chained(a; b); c):milestones=10`).',
    'Run-length defaults of a part (cosine\'s t_max, ...) are the part\'s own span: the steps between its milestones (the last part: to the end of the run).',
    'unit= and label= go on the composite, not on its parts. Metric-driven parts (plateau) are refused, as PyTorch\'s SequentialLR refuses ReduceLROnPlateau; so are onecycle and cyclic, whose constructors rewrite the optimizer\'s initial rate and so change the other parts in PyTorch.',
  ],
  params: [
    PARTS_PARAM,
    { key: 'milestones', type: 'integer-list', range: { min: 1 }, required: true, description: 'Steps at which the next part starts, one fewer than the parts, e.g. 5|50 (PyTorch requires them).' },
  ],
  checkParams(params, where) {
    const parts = partTexts(params, where);
    const milestones = optionalListParam(params, 'milestones') ?? [];
    if (milestones.length !== parts.length - 1) {
      throw new ScheduleSpecError(`${where}: milestones needs one entry fewer than the parts (${parts.length} parts, ${milestones.length} milestones)`, { code: 'invalid-value', parameter: 'milestones' });
    }
    for (const part of parts) {
      if (INITIAL_LR_WRITERS.has(partName(part))) {
        throw new ScheduleSpecError(`${where}: '${partName(part)}' cannot be a part: in PyTorch it rewrites the optimizer's initial rate, which changes the other parts; use it alone or with warmup=`, { code: 'invalid-value' });
      }
    }
  },
  async build({ params, scheduleSteps, buildPart, where, baseLr }) {
    const texts = partTexts(params, where);
    const milestones = optionalListParam(params, 'milestones') ?? [];
    const spans = texts.map((_, i) => {
      const start = i === 0 ? 0 : milestones[i - 1]!;
      const end = i < milestones.length ? milestones[i]! : scheduleSteps;
      return Math.max(1, end - start);
    });
    const parts = [];
    for (let i = 0; i < texts.length; i++) {
      const { part, spec } = await buildPart(texts[i]!, spans[i]!);
      if (part.kind !== 'closed-form') throw new ScheduleSpecError(`${where}: '${spec.name}' is metric-driven; SequentialLR only sequences step-driven schedules`, { code: 'invalid-value' });
      parts.push(part.lrAt);
    }
    // SequentialLR steps part i with step(0) at milestone i, i.e. its closed form from its own step 0.
    return { kind: 'closed-form', warmupTarget: baseLr, lrAt: joinClosedForm(parts, milestones) };
  },
};

export const chainedScheduler: SchedulerDefinition = {
  name: 'chained',
  summary: 'Applies all parts at every step, as PyTorch\'s ChainedScheduler does: chainable parts multiply the rate by their own factor.',
  pytorch: 'torch.optim.lr_scheduler.ChainedScheduler',
  differs:
    'sequential runs one part at a time; chained runs all of them at once. With only chainable parts (step, multistep, exponential, linear, constant, polynomial) the rate is --lr x the product of each part\'s factor.',
  notes: [
    'Example: `chained(linear:start_factor=0.1,total_iters=5; exponential:gamma=0.97)`.',
    'PyTorch\'s non-chainable schedulers (LambdaLR, so every Hugging Face, Keras, optax, timm and custom part, and cosine_restarts) overwrite the rate with their own value when stepped; the parts after the last of them multiply it by their step-to-step ratio. lr-compare reproduces exactly that, order included.',
    'cosine (CosineAnnealingLR\'s recursive form adds, not multiplies), onecycle, cyclic and metric-driven parts are refused.',
  ],
  params: [PARTS_PARAM],
  checkParams(params, where) {
    for (const part of partTexts(params, where)) {
      if (NOT_CHAINABLE.has(partName(part))) {
        throw new ScheduleSpecError(`${where}: '${partName(part)}' cannot be chained (PyTorch's result is not a product with the other parts); use sequential(...) or use it alone`, { code: 'invalid-value' });
      }
    }
  },
  async build({ params, scheduleSteps, buildPart, where, baseLr }) {
    const texts = partTexts(params, where);
    const parts: { multiplicative: boolean; lrAt: (step: number) => number }[] = [];
    for (const text of texts) {
      const { part, spec } = await buildPart(text, scheduleSteps);
      if (part.kind !== 'closed-form') throw new ScheduleSpecError(`${where}: '${spec.name}' is metric-driven and cannot be chained`, { code: 'invalid-value' });
      // A part with warmup is itself a SequentialLR, neither plainly chainable nor overwriting.
      if (spec.params.warmup !== undefined && spec.params.warmup !== 0) throw new ScheduleSpecError(`${where}: a chained part cannot take warmup=; chain a linear part instead`, { code: 'invalid-value' });
      parts.push({ multiplicative: MULTIPLICATIVE.has(spec.name), lrAt: part.lrAt });
    }
    const lastOverwrite = parts.map((part) => part.multiplicative).lastIndexOf(false);
    const ratio = (part: (typeof parts)[number], step: number) => {
      if (step === 0) return part.lrAt(0) / baseLr;
      const before = part.lrAt(step - 1);
      const now = part.lrAt(step);
      return now === before ? 1 : now / before;
    };
    return {
      kind: 'closed-form',
      warmupTarget: baseLr,
      lrAt(step) {
        if (lastOverwrite < 0) {
          // All chainable: the step-to-step ratios telescope to the product of the factors.
          return parts.reduce((lr, part) => (lr * part.lrAt(step)) / baseLr, baseLr);
        }
        let lr = parts[lastOverwrite]!.lrAt(step);
        for (const part of parts.slice(lastOverwrite + 1)) lr *= ratio(part, step);
        return lr;
      },
    };
  },
};
