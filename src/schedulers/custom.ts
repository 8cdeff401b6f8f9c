/** A user's schedule function, loaded from a JavaScript module (like LambdaLR / Keras' LearningRateScheduler). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScheduleSpecError } from '../errors.js';
import type { SchedulerDefinition } from './definition.js';
import { stringParam } from './params.js';

/** What the module must export: the rate used during the schedule's step `step` (0-based). */
export type CustomScheduleFunction = (step: number, baseLr: number) => number;

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

/** Imports the module and finds its schedule function: the default export, else the export named `lr`. */
export async function loadCustomSchedule(modulePath: string, where: string): Promise<CustomScheduleFunction> {
  const absolute = resolve(modulePath);
  if (!existsSync(absolute)) {
    throw new ScheduleSpecError(`${where}: module file '${modulePath}' not found (looked at ${absolute})`, { code: 'custom-module', parameter: 'module' });
  }
  let imported: Record<string, unknown>;
  try {
    imported = (await import(pathToFileURL(absolute).href)) as Record<string, unknown>;
  } catch (error) {
    throw new ScheduleSpecError(`${where}: cannot load module '${modulePath}': ${firstLine(error)}`, { code: 'custom-module', parameter: 'module' });
  }
  const candidate = typeof imported.default === 'function' ? imported.default : imported.lr;
  if (typeof candidate !== 'function') {
    throw new ScheduleSpecError(
      `${where}: module '${modulePath}' must export a function (step, baseLr) => lr as its default export or as 'lr'`,
      { code: 'custom-module', parameter: 'module' },
    );
  }
  return candidate as CustomScheduleFunction;
}

export const customScheduler: SchedulerDefinition = {
  name: 'custom',
  summary: "Your own function (step, baseLr) => lr from a JavaScript module.",
  pytorch: 'torch.optim.lr_scheduler.LambdaLR (which multiplies; here the function returns the rate itself)',
  notes: [
    "module is a path (relative to the working directory) to an ES module whose default export, or export named 'lr', is (step, baseLr) => lr.",
    'step counts from 0 in the schedule\'s unit (after warmup); baseLr is the run\'s --lr. The function must be pure and return a positive finite number: lr-compare checks every step of the run before training and each call during it.',
  ],
  params: [
    { key: 'module', type: 'string', required: true, description: "Path to the JavaScript module (.js/.mjs) exporting the schedule." },
  ],
  async build({ params, baseLr, where }) {
    const modulePath = stringParam(params, 'module');
    const schedule = await loadCustomSchedule(modulePath, where);
    return {
      kind: 'closed-form',
      warmupTarget: baseLr,
      lrAt(step) {
        let value: unknown;
        try {
          value = schedule(step, baseLr);
        } catch (error) {
          throw new ScheduleSpecError(`${where}: module '${modulePath}' threw at step ${step}: ${firstLine(error)}`, { code: 'custom-module', parameter: 'module' });
        }
        if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
          throw new ScheduleSpecError(
            `${where}: module '${modulePath}' returned ${String(value)} at step ${step}; it must return a positive finite number`,
            { code: 'custom-module', parameter: 'module' },
          );
        }
        return value;
      },
    };
  },
};
