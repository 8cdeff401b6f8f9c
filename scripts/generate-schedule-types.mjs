#!/usr/bin/env node
// Writes src/library/schedule-params.generated.ts from the scheduler registry
// (the types of `schedules.*`). Run after changing the registry:
//   npx tsc -p tsconfig.json && node scripts/generate-schedule-types.mjs && npx tsc -p tsconfig.json
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { SCHEDULER_NAMES, SCHEDULER_REGISTRY } = await import(join(root, 'dist/schedulers/registry.js'));
const { renderScheduleParamTypes } = await import(join(root, 'dist/library/schedule-types.js'));
const target = join(root, 'src/library/schedule-params.generated.ts');
writeFileSync(target, renderScheduleParamTypes(SCHEDULER_NAMES.map((name) => SCHEDULER_REGISTRY[name])));
console.log(`wrote ${target}`);
