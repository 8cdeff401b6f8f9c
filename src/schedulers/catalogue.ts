/**
 * The catalogue, rendered from the registry three ways: the full listing of
 * `lr-compare schedules`, a short summary for --help text, and the markdown of
 * docs/schedulers.md (a test keeps that file equal to this output).
 */
import type { SchedulerDefinition, SchedulerOrigin } from './definition.js';
import { LABEL_DESCRIPTION, LABEL_KEY, OPTIMIZER_DESCRIPTION, OPTIMIZER_KEY, ORIGIN_TITLES, SHARED_PARAMS } from './definition.js';
import { OPTIMIZER_NAMES } from './optimizer-names.js';
import type { ParamDefinition } from './params.js';
import { describeAllowed, describeDefault } from './params.js';
import { ALL_SCHEDULERS, ARTICLE_SCHEDULERS, SCHEDULER_REGISTRY } from './registry.js';
import { maxOf } from '../extent.js';
import { GRID_GRAMMAR } from './grid.js';

/** Run-dependent defaults are stated in this term; every rendering defines it. */
const SCHEDULE_LENGTH =
  "schedule length = the run's steps in the schedule's unit (epochs, or epochs x batches per epoch), less warmup";

const GRAMMAR =
  "A spec is `name` or `name:key=value,key=value`; list values use `|` (`multistep:milestones=30|60|90,gamma=0.1`).";

const COMPOSITE_GRAMMAR =
  "Composites take their parts in parentheses, separated by `;`, before their own parameters: `sequential(linear:start_factor=0.1,total_iters=5; cosine):milestones=5`, `chained(constant:factor=0.5; exponential:gamma=0.9)`. Parts nest; their `:`, `,` and `|` stay inside the parentheses.";

function definitions(): SchedulerDefinition[] {
  return Object.values(SCHEDULER_REGISTRY);
}

function originOf(definition: SchedulerDefinition): SchedulerOrigin {
  return definition.origin ?? 'pytorch';
}

/** The registry's schedulers grouped by origin, in ORIGIN_TITLES order, each group in registry order. */
function groups(): { origin: SchedulerOrigin; title: string; members: SchedulerDefinition[] }[] {
  return (Object.keys(ORIGIN_TITLES) as SchedulerOrigin[])
    .map((origin) => ({ origin, title: ORIGIN_TITLES[origin], members: definitions().filter((definition) => originOf(definition) === origin) }))
    .filter((group) => group.members.length > 0);
}

/** "Keras: keras.optimizers.schedules.ExponentialDecay" */
function semantics(definition: SchedulerDefinition): string {
  const library = ORIGIN_TITLES[originOf(definition)].split(' (')[0]!;
  return `${library} semantics: ${definition.pytorch}`;
}

/** The parameters a scheduler defines itself (plateau's narrowed `unit` included), without the shared ones. */
function ownParams(definition: SchedulerDefinition): ParamDefinition[] {
  return definition.params.filter((param) => !SHARED_PARAMS.includes(param));
}

function isArticle(definition: SchedulerDefinition): boolean {
  return ARTICLE_SCHEDULERS.includes(definition.name);
}

function padColumns(rows: readonly string[][], indent: string): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  return rows.map((row) => indent + row.map((cell, column) => (column < row.length - 1 ? cell.padEnd(widths[column]!) : cell)).join('  '));
}

/** Greedy word wrap; the first line starts with `first`, the others with `rest`. */
function wrap(text: string, first: string, rest: string, width = 100): string[] {
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/)) {
    if (line.trim() !== first.trim() && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
    } else {
      line += (line === first || line === rest ? '' : ' ') + word;
    }
  }
  lines.push(line);
  return lines;
}

function paramRows(params: readonly ParamDefinition[]): string[][] {
  return params.map((param) => [param.key, describeAllowed(param), `default ${describeDefault(param)}`, param.description]);
}

const LABEL_ROW = [LABEL_KEY, 'text', 'default the spec', LABEL_DESCRIPTION];
const OPTIMIZER_ROW = [OPTIMIZER_KEY, OPTIMIZER_NAMES.join('|'), 'default --optimizer', OPTIMIZER_DESCRIPTION];

/** The full catalogue for `lr-compare schedules`. */
export function renderCatalogue(): string {
  const lines: string[] = [
    'Learning-rate schedulers, grouped by the library whose semantics and parameter names each one has.',
    `Select with --schedulers name,name,... ('${ALL_SCHEDULERS}' = ${ARTICLE_SCHEDULERS.join(', ')}) or -s/--scheduler 'name:key=value,...'.`,
    GRAMMAR.replaceAll('`', ''),
    ...wrap(COMPOSITE_GRAMMAR.replaceAll('`', ''), '', ''),
    ...wrap(GRID_GRAMMAR, '', ''),
    ...wrap(`Defaults that depend on the run use the ${SCHEDULE_LENGTH}.`, '', ''),
    '',
  ];
  for (const group of groups()) {
    lines.push(`== ${group.title} ==`, '');
    for (const definition of group.members) {
      const tags = [isArticle(definition) ? `in '${ALL_SCHEDULERS}'` : '', semantics(definition)].filter(Boolean).join('; ');
      lines.push(`${definition.name} - ${definition.summary} (${tags})`);
      const own = ownParams(definition);
      if (own.length > 0) lines.push(...padColumns(paramRows(own), '    '));
      else lines.push('    (no parameters of its own)');
      if (definition.differs) lines.push(...wrap(definition.differs.replaceAll('`', ''), '    vs:   ', '          '));
      for (const note of definition.notes ?? []) lines.push(...wrap(note.replaceAll('`', ''), '    note: ', '          '));
      lines.push('');
    }
  }
  lines.push('Every scheduler also takes:');
  lines.push(...padColumns([...paramRows(SHARED_PARAMS), LABEL_ROW, OPTIMIZER_ROW], '    '));
  return lines.join('\n') + '\n';
}

/** A short catalogue for the --help text of commands that take scheduler specs. */
export function renderCatalogueSummary(): string {
  const lines: string[] = [`Schedulers by origin (* = in '${ALL_SCHEDULERS}'; 'lr-compare schedules' lists parameters, ranges, differences):`];
  for (const group of groups()) {
    lines.push(` ${group.title}:`);
    const rows = group.members.map((definition): [name: string, text: string] => [
      definition.name + (isArticle(definition) ? '*' : ''),
      `${definition.pytorch.replace(/^(torch\.optim\.lr_scheduler|keras\.optimizers\.schedules|keras\.callbacks|transformers|optax|timm\.scheduler)\./, '')}: ${definition.summary}`,
    ]);
    const width = maxOf(rows.map(([name]) => name.length));
    for (const [name, text] of rows) {
      const prefix = `  ${name.padEnd(width)}  `;
      lines.push(...wrap(text, prefix, ' '.repeat(prefix.length)));
    }
  }
  return [
    ...lines,
    GRAMMAR.replaceAll('`', ''),
    ...wrap(COMPOSITE_GRAMMAR.replaceAll('`', ''), '', ''),
    `(${SCHEDULE_LENGTH}.)`,
    `Every scheduler also takes ${SHARED_PARAMS.map((param) => `${param.key}=${describeAllowed(param).replace(/^whole number /, 'N ').replace(/^number /, 'f ')}`).join(', ')}, ${LABEL_KEY}=text, ${OPTIMIZER_KEY}=NAME.`,
  ].join('\n');
}

function markdownCell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function markdownParamTable(params: readonly ParamDefinition[], withLabel: boolean): string[] {
  const rows = params.map(
    (param) => `| \`${param.key}\` | ${markdownCell(describeAllowed(param))} | ${markdownCell(describeDefault(param))} | ${markdownCell(param.description)} |`,
  );
  if (withLabel) rows.push(`| \`${LABEL_KEY}\` | text | the spec as written | ${markdownCell(LABEL_DESCRIPTION)} |`);
  if (withLabel) rows.push(`| \`${OPTIMIZER_KEY}\` | ${OPTIMIZER_NAMES.join(' \\| ')} | --optimizer | ${markdownCell(OPTIMIZER_DESCRIPTION)} |`);
  return ['| parameter | type and range | default | description |', '| --- | --- | --- | --- |', ...rows];
}

/** docs/schedulers.md, generated. */
export function renderCatalogueMarkdown(): string {
  const lines: string[] = [
    '<!-- Generated from src/schedulers/registry.ts by renderCatalogueMarkdown(); do not edit by hand.',
    '     Regenerate with: node bin/lr-compare schedules --markdown > docs/schedulers.md -->',
    '',
    '# Learning-rate schedulers',
    '',
    'Each scheduler reproduces one library\'s schedule, with that library\'s parameter names and semantics:',
    'PyTorch (`torch.optim.lr_scheduler`), Keras 3, Hugging Face transformers, optax or timm. Each is checked against',
    'sequences recorded from the library itself (`scripts/golden/generate*.py`, fixtures in `test/fixtures/schedules/`,',
    'each fixture stating the library versions and its tolerance: relative 1e-9 for float64 sources, 1e-5 for',
    'float32 ones, Keras and optax). Schedules are pure functions of the step; only `plateau` and `keras_plateau` keep state.',
    'Each entry says how it differs from its nearest neighbour in another library ("Differs from").',
    '',
    `${GRAMMAR} \`label=...\` names the run.`,
    '',
    COMPOSITE_GRAMMAR,
    '',
    GRID_GRAMMAR.replace(/(key=\{v1,v2,...\}|'cyclic:[^']*'|cyclic\[[^\]]*\]|milestones=\{[^}]*\})/g, '`$1`'),
    '',
    `\`--schedulers ${ALL_SCHEDULERS}\` selects the source article's five: ${ARTICLE_SCHEDULERS.map((name) => `\`${name}\``).join(', ')}.`,
    'Try any spec without training: `lr-compare schedule <spec> --steps N`.',
    '',
    '## Shared parameters',
    '',
    ...markdownParamTable(SHARED_PARAMS, true),
    '',
    "Steps are counted in the schedule's `unit`. Warmup is PyTorch's",
    '`SequentialLR([LinearLR(start_factor=warmup_start, total_iters=warmup), S], milestones=[warmup])`: the first',
    '`warmup` steps ramp linearly (never quite reaching the target), and S starts from its own step 0 at step `warmup`.',
    `Defaults that depend on the run (cosine's \`t_max\`, onecycle's \`total_steps\`, ...) use the ${SCHEDULE_LENGTH}.`,
    '',
  ];
  for (const group of groups()) {
    lines.push(`## ${group.title}`, '');
    for (const definition of group.members) {
      lines.push(`### \`${definition.name}\``, '');
      lines.push(`${definition.summary} ${semantics(definition).replace(/: (.*)$/, ': `$1`')}.${isArticle(definition) ? ` Part of \`${ALL_SCHEDULERS}\`.` : ''}`, '');
      const own = ownParams(definition);
      if (own.length > 0) lines.push(...markdownParamTable(own, false), '');
      if (definition.differs) lines.push(`Differs from: ${definition.differs}`, '');
      for (const note of definition.notes ?? []) lines.push(`- ${note}`);
      if (definition.notes?.length) lines.push('');
    }
  }
  return lines.join('\n');
}
