import { parseSchedulerSpec } from '../schedulers/index.js';
import type { ResolvedSchedulerSpec } from '../schedulers/types.js';

/** Schedules that set their own peak rate. */
const PEAK_RATE_SCHEDULERS = new Set(['cyclic', 'onecycle']);

/**
 * A spec trained at a base rate: cyclic and onecycle specs that do not give
 * max_lr take the rate as their peak (cyclic's base_lr follows at the source
 * article's ratio of 1/100 when its default would not stay below it). The
 * label stays the same. Used by --lr auto and by every grid rate of --tune-lr.
 */
export function atBaseRate(spec: ResolvedSchedulerSpec, learningRate: number): ResolvedSchedulerSpec {
  const given = (key: string) => new RegExp(`(^|[:,])${key}=`).test(spec.spec);
  if (!PEAK_RATE_SCHEDULERS.has(spec.name) || given('max_lr')) return spec;
  const extra = [`max_lr=${learningRate}`];
  if (spec.name === 'cyclic' && !given('base_lr') && Number(spec.params.base_lr) >= learningRate) extra.push(`base_lr=${learningRate / 100}`);
  // The label goes into the text too (as --lr auto has always recorded it), unless a grid's label cannot be spelled there.
  if (!given('label') && !/[[\],]/.test(spec.label)) extra.push(`label=${spec.label}`);
  const adjusted = parseSchedulerSpec(`${spec.spec}${spec.spec.includes(':') ? ',' : ':'}${extra.join(',')}`);
  return { ...adjusted, label: spec.label };
}
