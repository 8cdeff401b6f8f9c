import { UsageError } from '../errors.js';
import { LIMITS } from '../limits.js';
import { parseSchedulerSpec, resolveSchedulerSelection } from './spec.js';
import type { ParamValue, ResolvedSchedulerSpec } from './types.js';

/**
 * Parameter sweeps in a spec: `key={v1,v2,...}` in place of a value, e.g.
 * `cyclic:max_lr={0.05,0.1},step_size_up={10,20}`. Braces are used nowhere
 * else in the spec grammar, so a grid never collides with `|` lists
 * (`milestones={10|20,30|40}` sweeps two lists), with `,` between parameters,
 * `:` or a composite's `name(SPEC; SPEC):...` (a grid inside a part works
 * too). A spec expands into one run per combination, the last grid varying
 * fastest, labelled `<label>[key=v,...]` (label: the spec without its grids,
 * or its label=).
 */

/** The most runs one spec's grids may expand into. */
export const MAX_GRID_COMBINATIONS = LIMITS.gridCombinations;

export const GRID_GRAMMAR =
  "Sweep a parameter with key={v1,v2,...} (e.g. -s 'cyclic:max_lr={0.05,0.1},step_size_up={10,20}'): one run per combination, " +
  `labelled cyclic[max_lr=0.05,step_size_up=10]; at most ${MAX_GRID_COMBINATIONS} per spec; combines with run --tune-lr. ` +
  "Values may be | lists (milestones={10|20,30}); give grids with -s or a config file's schedulers, not --schedulers (which splits at commas).";

const GRID = /([A-Za-z_][\w]*)\s*=\s*\{([^{}]*)\}/g;

export interface GridVariant {
  readonly text: string;
  readonly label: string;
  /** The swept parameters' values in this variant. */
  readonly values: Readonly<Record<string, ParamValue>>;
}

function valueOf(text: string): ParamValue {
  const number = Number(text);
  return text !== '' && Number.isFinite(number) ? number : text;
}

/** The variants of a spec with grids (one, unchanged, without). Bad grids are one-line UsageErrors. */
export function expandGridSpec(spec: string): GridVariant[] {
  const grids = [...spec.matchAll(GRID)].map((match) => ({ key: match[1], whole: match[0], values: match[2].split(',').map((value) => value.trim()) }));
  const outside = spec.replace(GRID, '');
  if (/[{}]/.test(outside)) throw new UsageError(`scheduler spec '${spec}': a grid is key={v1,v2,...} with matching braces and no braces inside`);
  if (grids.length === 0) return [{ text: spec, label: '', values: {} }];
  const keys = new Set<string>();
  for (const grid of grids) {
    if (grid.values.some((value) => value === '')) throw new UsageError(`scheduler spec '${spec}': an empty value in ${grid.key}={${grid.values.join(',')}}`);
    if (new Set(grid.values).size !== grid.values.length) throw new UsageError(`scheduler spec '${spec}': ${grid.key}={...} lists a value twice`);
    if (keys.has(grid.key)) throw new UsageError(`scheduler spec '${spec}': ${grid.key} is swept twice; one grid per parameter name`);
    keys.add(grid.key);
  }
  const count = grids.reduce((product, grid) => product * grid.values.length, 1);
  if (count > MAX_GRID_COMBINATIONS) {
    throw new UsageError(`scheduler spec '${spec}' expands into ${count} combinations; at most ${MAX_GRID_COMBINATIONS} are allowed`);
  }
  // label= may stand anywhere among the composite's own parameters (the parts, in parentheses, take none).
  const givenLabel = /(?:^|[:,])\s*label\s*=\s*([^,()]+)/.exec(spec.replace(/\(.*\)/s, '()'))?.[1]?.trim();
  const base = givenLabel ?? spec.replace(GRID, '').replace(/,\s*,+/g, ',').replace(/:\s*,/g, ':').replace(/[:,]\s*$/, '').replace(/,\s*\)/g, ')').replace(/:\s*(?=[;)])/g, '');
  const variants: GridVariant[] = [];
  for (let index = 0; index < count; index++) {
    let rest = index;
    const chosen = new Array<string>(grids.length);
    for (let g = grids.length - 1; g >= 0; g--) {
      chosen[g] = grids[g].values[rest % grids[g].values.length];
      rest = Math.floor(rest / grids[g].values.length);
    }
    let text = spec;
    grids.forEach((grid, g) => (text = text.replace(grid.whole, `${grid.key}=${chosen[g]}`)));
    variants.push({
      text,
      label: `${base}[${grids.map((grid, g) => `${grid.key}=${chosen[g]}`).join(',')}]`,
      values: Object.fromEntries(grids.map((grid, g) => [grid.key, valueOf(chosen[g])])),
    });
  }
  return variants;
}

/** A spec with grids as its runs: parsed, labelled by grid point, the swept values in `grid`. */
export function resolveGridSpec(spec: string): ResolvedSchedulerSpec[] {
  return expandGridSpec(spec).map((variant) => {
    const parsed = parseSchedulerSpec(variant.text);
    return variant.label === '' ? parsed : Object.freeze({ ...parsed, label: variant.label, grid: variant.values });
  });
}

/**
 * resolveSchedulerSelection with grids: names (a config file's schedulers
 * may be specs) and -s specs with `key={...}` expand into their variants.
 */
export function resolveGridSelection(names: readonly string[], specs: readonly string[]): ResolvedSchedulerSpec[] {
  const hasGrid = (text: string) => /[{}]/.test(text);
  if (![...names, ...specs].some(hasGrid)) return resolveSchedulerSelection(names, specs);
  const resolved: ResolvedSchedulerSpec[] = [];
  for (const name of names) resolved.push(...(hasGrid(name) ? resolveGridSpec(name) : resolveSchedulerSelection([name], [])));
  for (const spec of specs) resolved.push(...(hasGrid(spec) ? resolveGridSpec(spec) : resolveSchedulerSelection([], [spec])));
  const seen = new Set<string>();
  for (const spec of resolved) {
    if (seen.has(spec.label)) throw new UsageError(`scheduler run '${spec.label}' is selected twice; drop one or name it apart with label=...`);
    seen.add(spec.label);
  }
  return resolved;
}
