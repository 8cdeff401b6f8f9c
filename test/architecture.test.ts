import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Keeps the import direction of docs/architecture.md:
 *
 *   cli (cli.ts, commands/) -> report/ -> engine (train/, native/, results/, model/, data/, linalg/)
 *     -> callbacks (callbacks/, train/optimizers.ts) -> library/ (schedule(), schedules.*) -> schedulers/
 *
 * A file may import its own layer or a lower one, never a higher one. Inside
 * the engine the same holds for its parts: train -> results -> model -> data -> linalg.
 * errors.ts and version.ts are leaves anyone may import; index.ts (the library
 * surface) sits above the engine, below report, and nothing imports it.
 */

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src');

/** Layer ranks: higher may import lower. Fractions order the engine's parts. */
function layerOf(file: string): { name: string; rank: number } {
  const path = file.replace(/\\/g, '/');
  if (['errors.ts', 'version.ts', 'limits.ts', 'parse-number.ts', 'read-input.ts', 'extent.ts', 'format-rate.ts'].includes(path)) return { name: 'shared leaf', rank: 0 };
  if (path.startsWith('schedulers/')) return { name: 'schedulers', rank: 1 };
  // library/: schedule() and the typed factories, the schedules' public face (issue 13).
  if (path.startsWith('library/')) return { name: 'library schedules', rank: 1.5 };
  if (path.startsWith('callbacks/') || path === 'train/optimizers.ts' || path.startsWith('train/optimizers/')) return { name: 'callbacks', rank: 2 };
  if (path.startsWith('linalg/')) return { name: 'engine/linalg', rank: 3.0 };
  if (path.startsWith('data/')) return { name: 'engine/data', rank: 3.1 };
  if (path.startsWith('model/')) return { name: 'engine/model', rank: 3.2 };
  if (path.startsWith('results/')) return { name: 'engine/results', rank: 3.3 };
  if (path.startsWith('train/')) return { name: 'engine/train', rank: 3.4 };
  if (path.startsWith('native/')) return { name: 'engine/native', rank: 3.4 };
  if (path === 'index.ts') return { name: 'library surface', rank: 3.9 };
  if (path.startsWith('report/')) return { name: 'report', rank: 4 };
  if (path === 'cli.ts' || path.startsWith('commands/')) return { name: 'cli', rank: 5 };
  throw new Error(`src/${path} is in no layer of docs/architecture.md: add it there and to this test`);
}

/**
 * Known exceptions, each with its reason. Keep this list short; an entry is a
 * debt, not a rule.
 */
const ALLOWED: ReadonlyMap<string, string> = new Map<string, string>([]);

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative module specifiers of static imports, re-exports and dynamic imports. */
function importsOf(text: string): string[] {
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'"]*?\sfrom\s*['"](\.[^'"]+)['"]/g, /\bimport\s*['"](\.[^'"]+)['"]/g, /\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of text.matchAll(pattern)) found.push(match[1]);
  return found;
}

interface Violation {
  readonly from: string;
  readonly to: string;
  readonly why: string;
}

/** Every import in src/ that points up the layers (or at index.ts), as "from -> to" with the layers named. */
function layerViolations(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  for (const [from, text] of files) {
    const source = layerOf(from);
    for (const specifier of importsOf(text)) {
      const to = relative(SRC, resolve(SRC, dirname(from), specifier)).replace(/\\/g, '/').replace(/\.js$/, '.ts');
      const target = layerOf(to);
      if (ALLOWED.has(`${from} -> ${to}`)) continue;
      if (to === 'index.ts') violations.push({ from, to, why: 'nothing inside src/ imports the library surface' });
      else if (target.rank > source.rank) violations.push({ from, to, why: `${source.name} may not import ${target.name}` });
    }
  }
  return violations;
}

function readSources(): Map<string, string> {
  return new Map(sourceFiles(SRC).map((path) => [relative(SRC, path).replace(/\\/g, '/'), readFileSync(path, 'utf8')]));
}

describe('the layers of docs/architecture.md', () => {
  it('no file in src/ imports a higher layer', () => {
    const violations = layerViolations(readSources()).map((v) => `src/${v.from} imports src/${v.to}: ${v.why}`);
    expect(violations).toEqual([]);
  });

  it('every allowed exception still exists (a fixed one must leave the list)', () => {
    const sources = readSources();
    for (const edge of ALLOWED.keys()) {
      const [from, to] = edge.split(' -> ');
      const targets = importsOf(sources.get(from) ?? '').map((specifier) =>
        relative(SRC, resolve(SRC, dirname(from), specifier)).replace(/\\/g, '/').replace(/\.js$/, '.ts'),
      );
      expect(targets, edge).toContain(to);
    }
  });

  it('catches an upward import, a re-export and a dynamic import', () => {
    const files = new Map([
      ['model/network.ts', "import { gemm } from '../linalg/gemm.js';\nimport { rate } from '../report/format.js';"],
      ['schedulers/step.ts', "export { x } from '../train/job.js';"],
      ['data/mnist.ts', "const m = await import('../commands/run.js');"],
      ['train/job.ts', "import type { X } from '../index.js';"],
    ]);
    expect(layerViolations(files).map((v) => `${v.from} -> ${v.to}`)).toEqual([
      'model/network.ts -> report/format.ts',
      'schedulers/step.ts -> train/job.ts',
      'data/mnist.ts -> commands/run.ts',
      'train/job.ts -> index.ts',
    ]);
  });

  it('only train/backend/ and train/steps/choose.ts name backends', () => {
    // commands/doctor.ts and commands/native.ts diagnose and provision backends by name (issue 12): the other places.
    const diagnosing = ['commands/doctor.ts', 'commands/native.ts'];
    const allowed = (file: string) => file.startsWith('train/backend/') || file === 'train/steps/choose.ts' || diagnosing.includes(file);
    const naming = [...readSources()]
      .filter(([file, text]) => !allowed(file) && /['"](tensorflow|wasm|cpu)['"]/.test(text))
      .map(([file]) => file);
    expect(naming).toEqual([]);
  });

  it('a file in src/ over 300 lines says at its top why it is one file', () => {
    const unexplained = [...readSources()]
      .filter(([, text]) => text.split('\n').length > 300)
      .filter(([, text]) => !/300 lines/.test(text.split('\n').slice(0, 8).join('\n')))
      .map(([file]) => file);
    expect(unexplained).toEqual([]);
  });
});
