/**
 * `schedules.step({ stepSize: 20, gamma: 0.5 })`: one factory per registry
 * entry, made from the registry at load time so none can be missing. Their
 * TypeScript types come from schedule-params.generated.ts, which
 * scripts/generate-schedule-types.mjs writes from the same registry (a test
 * fails when it is stale).
 */
import { ScheduleSpecError } from '../errors.js';
import type { SchedulerDefinition } from '../schedulers/definition.js';
import { formatParamValue } from '../schedulers/params.js';
import { SCHEDULER_NAMES, SCHEDULER_REGISTRY } from '../schedulers/registry.js';
import { completeParams, describeScheduler } from '../schedulers/spec.js';
import type { ParamValue } from '../schedulers/types.js';
import type { ScheduleFactoryParams } from './schedule-params.generated.js';
import type { ScheduleSpec } from './schedule.js';

/** `step_size` -> `stepSize`, `cosine_restarts` -> `cosineRestarts`, `t_0` -> `t0`. */
export function camelCase(snake: string): string {
  return snake.replace(/[_-]+([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** A factory takes its parameters optionally, unless one of them is required (custom's module). */
export type ScheduleFactory<Params> = object extends Params
  ? (params?: Params) => ScheduleSpec
  : (params: Params) => ScheduleSpec;

/** `schedules.<name>(params)` for every registered schedule. */
export type ScheduleFactories = { readonly [Name in keyof ScheduleFactoryParams]: ScheduleFactory<ScheduleFactoryParams[Name]> };

function makeFactory(definition: SchedulerDefinition): (params?: Readonly<Record<string, unknown>>) => ScheduleSpec {
  const keyOf = new Map(definition.params.map((param) => [camelCase(param.key), param.key]));
  const where = describeScheduler(definition.name);
  return (params = {}) => {
    if (typeof params !== 'object' || params === null || Array.isArray(params)) {
      throw new ScheduleSpecError(`${where}: parameters must be an object such as { ${[...keyOf.keys()][0] ?? 'unit'}: ... }`, {
        code: 'invalid-value',
      });
    }
    const given: Record<string, ParamValue> = {};
    for (const [name, value] of Object.entries(params)) {
      if (value === undefined) continue;
      const key = keyOf.get(name);
      if (key === undefined) {
        throw new ScheduleSpecError(`${where} has no parameter '${name}'; valid keys: ${[...keyOf.keys()].join(', ')}`, {
          code: 'unknown-parameter',
          parameter: name,
        });
      }
      // completeParams checks each value's type and range, so a value of the wrong type from JavaScript is refused there.
      given[key] = value as ParamValue;
    }
    // A composite's parts go in parentheses after the name, as the spec grammar writes them.
    const partsKey = definition.params.find((param) => param.type === 'spec-list')?.key;
    const head = partsKey !== undefined && typeof given[partsKey] === 'string' ? `${definition.name}(${given[partsKey]})` : definition.name;
    const text = Object.entries(given)
      .filter(([key]) => key !== partsKey)
      .map(([key, value]) => `${key}=${formatParamValue(value)}`);
    const spec = text.length === 0 ? head : `${head}:${text.join(',')}`;
    return Object.freeze({ label: spec, name: definition.name, params: completeParams(definition, given), spec });
  };
}

/**
 * Typed factories beside the spec strings: `schedules.cosine({ tMax: 50 })`
 * is `'cosine:t_max=50'`. Parameter names are the catalogue's in camelCase,
 * with the same defaults and checks.
 */
export const schedules: ScheduleFactories = Object.freeze(
  Object.fromEntries(SCHEDULER_NAMES.map((name) => [camelCase(name), makeFactory(SCHEDULER_REGISTRY[name]!)])),
) as unknown as ScheduleFactories;
