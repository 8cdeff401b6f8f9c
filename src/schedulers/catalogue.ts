/**
 * The catalogue, rendered from the registry three ways: the full listing of
 * `lr-compare schedules`, a short summary for --help text, and the markdown of
 * docs/schedulers.md (a test keeps that file equal to this output).
 */
import type { SchedulerDefinition } from './definition.js';
import { LABEL_DESCRIPTION, LABEL_KEY, SHARED_PARAMS } from './definition.js';
import type { ParamDefinition } from './params.js';
import { describeAllowed, describeDefault } from './params.js';
import { ALL_SCHEDULERS, ARTICLE_SCHEDULERS, SCHEDULER_REGISTRY } from './registry.js';

/** Run-dependent defaults are stated in this term; every rendering defines it. */
const SCHEDULE_LENGTH =
  "schedule length = the run's steps in the schedule's unit (epochs, or epochs x batches per epoch), less warmup";

const GRAMMAR =
  "A spec is `name` or `name:key=value,key=value`; list values use `|` (`multistep:milestones=30|60|90,gamma=0.1`).";

function definitions(): SchedulerDefinition[] {
  return Object.values(SCHEDULER_REGISTRY);
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

/** The full catalogue for `lr-compare schedules`. */
export function renderCatalogue(): string {
  const lines: string[] = [
    'Learning-rate schedulers (PyTorch semantics; names and parameters follow torch.optim.lr_scheduler).',
    `Select with --schedulers name,name,... ('${ALL_SCHEDULERS}' = ${ARTICLE_SCHEDULERS.join(', ')}) or -s/--scheduler 'name:key=value,...'.`,
    GRAMMAR.replaceAll('`', ''),
    ...wrap(`Defaults that depend on the run use the ${SCHEDULE_LENGTH}.`, '', ''),
    '',
  ];
  for (const definition of definitions()) {
    const tags = [isArticle(definition) ? `in '${ALL_SCHEDULERS}'` : '', `PyTorch: ${definition.pytorch}`].filter(Boolean).join('; ');
    lines.push(`${definition.name} - ${definition.summary} (${tags})`);
    const own = ownParams(definition);
    if (own.length > 0) lines.push(...padColumns(paramRows(own), '    '));
    else lines.push('    (no parameters of its own)');
    for (const note of definition.notes ?? []) lines.push(...wrap(note.replaceAll('`', ''), '    note: ', '          '));
    lines.push('');
  }
  lines.push('Every scheduler also takes:');
  lines.push(...padColumns([...paramRows(SHARED_PARAMS), LABEL_ROW], '    '));
  return lines.join('\n') + '\n';
}

/** A short catalogue for the --help text of commands that take scheduler specs. */
export function renderCatalogueSummary(): string {
  const rows = definitions().map((definition) => {
    const defaults = ownParams(definition)
      .filter((param) => param.key !== 'unit')
      .map((param) => `${param.key}=${describeDefault(param).split(' (')[0]}`);
    return [definition.name + (isArticle(definition) ? '*' : ''), definition.summary + (defaults.length ? ` [${defaults.join(', ')}]` : '')];
  });
  return [
    `Schedulers (* = in '${ALL_SCHEDULERS}'; 'lr-compare schedules' lists every parameter and range):`,
    ...padColumns(rows, '  '),
    GRAMMAR.replaceAll('`', ''),
    `(${SCHEDULE_LENGTH}.)`,
    `Every scheduler also takes ${SHARED_PARAMS.map((param) => `${param.key}=${describeAllowed(param).replace(/^whole number /, 'N ').replace(/^number /, 'f ')}`).join(', ')}, ${LABEL_KEY}=text.`,
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
    'Each scheduler reproduces its PyTorch counterpart in `torch.optim.lr_scheduler`, checked against',
    'sequences recorded from PyTorch itself (`scripts/golden/generate.py`, fixtures in `test/fixtures/schedules/`).',
    'Schedules are pure functions of the step; only `plateau` keeps state.',
    '',
    `${GRAMMAR} \`label=...\` names the run.`,
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
  for (const definition of definitions()) {
    lines.push(`## \`${definition.name}\``, '');
    lines.push(`${definition.summary} PyTorch: \`${definition.pytorch}\`.${isArticle(definition) ? ` Part of \`${ALL_SCHEDULERS}\`.` : ''}`, '');
    const own = ownParams(definition);
    if (own.length > 0) lines.push(...markdownParamTable(own, false), '');
    for (const note of definition.notes ?? []) lines.push(`- ${note}`);
    if (definition.notes?.length) lines.push('');
  }
  return lines.join('\n');
}
