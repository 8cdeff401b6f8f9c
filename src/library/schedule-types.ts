/**
 * Renders the TypeScript types of `schedules.*` from the registry. Written to
 * schedule-params.generated.ts by scripts/generate-schedule-types.mjs; the
 * library test renders it again and fails when the file differs, so a
 * registry entry or parameter cannot be added without its type.
 */
import type { SchedulerDefinition } from '../schedulers/definition.js';
import type { ParamDefinition } from '../schedulers/params.js';
import { describeAllowed, describeDefault } from '../schedulers/params.js';
import { camelCase } from './factories.js';

function typeOf(param: ParamDefinition): string {
  switch (param.type) {
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'choice':
      return (param.choices ?? []).map((choice) => `'${choice}'`).join(' | ');
    case 'integer-list':
    case 'number-list':
      return 'readonly number[]';
    case 'spec-list':
      // The parts of a composite, as spec text separated by ';' (the factory writes them in parentheses).
      return 'string';
    case 'string':
      return 'string';
  }
}

function pascalCase(snake: string): string {
  const camel = camelCase(snake);
  return camel.charAt(0).toUpperCase() + camel.slice(1);
}

/** Doc comments cannot contain the sequence that ends them. */
function docText(text: string): string {
  return text.replaceAll('*/', '*\\/');
}

/** The generated file's text for these definitions (the registry's, in catalogue order). */
export function renderScheduleParamTypes(definitions: readonly SchedulerDefinition[]): string {
  const lines = [
    '// Generated from the scheduler registry by scripts/generate-schedule-types.mjs; do not edit.',
    '// test/library/factories.test.ts fails when this file no longer matches the registry.',
    '// Over 300 lines because it holds one interface per registry entry; one generated file keeps them in step.',
    '',
  ];
  for (const definition of definitions) {
    lines.push(`/** Parameters of \`${definition.name}\` (${docText(definition.pytorch)}): ${docText(definition.summary)} */`);
    lines.push(`export interface ${pascalCase(definition.name)}Params {`);
    for (const param of definition.params) {
      lines.push(`  /** ${docText(param.description)} ${docText(describeAllowed(param))}; default: ${docText(describeDefault(param))}. */`);
      lines.push(`  readonly ${camelCase(param.key)}${param.required ? '' : '?'}: ${typeOf(param)};`);
    }
    lines.push('}', '');
  }
  lines.push('/** Every registered schedule name, as specs write it. */');
  lines.push(`export type ScheduleName = ${definitions.map((definition) => `'${definition.name}'`).join(' | ')};`, '');
  lines.push('/** Factory name (camelCase of the schedule name) -> its parameters. */');
  lines.push('export interface ScheduleFactoryParams {');
  for (const definition of definitions) lines.push(`  ${camelCase(definition.name)}: ${pascalCase(definition.name)}Params;`);
  lines.push('}', '');
  return lines.join('\n');
}
