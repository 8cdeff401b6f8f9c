#!/usr/bin/env node
/**
 * npm run mutation [-- GROUP...] [-- --scores]
 *
 * Mutation testing (Stryker) of the pure modules, one module group at a time so
 * that a run can be resumed group by group on a shared 2-core machine. Each
 * group writes reports/mutation/GROUP/index.html and mutation.json; at the end
 * the mutation score of every module and group is printed from those JSON
 * reports. `--scores` prints the scores of the existing reports without running;
 * `--survivors` lists their surviving mutants too.
 * Exit code 1 when a group that was run or read scores below MINIMUM_SCORE.
 *
 * Stryker runs in a snapshot of the tree taken when the command starts (a temporary
 * folder, node_modules linked): its TypeScript checker reads the sources from
 * its working folder, not from Stryker's sandbox, and applies each mutant at
 * the line and column Stryker found it. Run in the work tree, an edit, rebase
 * or merge during the run made it check mutants spliced into the wrong text
 * (spurious CompileErrors) or crash ("Debug Failure" in
 * getPositionOfLineAndCharacter); see docs/testing.md.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';

const MINIMUM_SCORE = 85;
const REPORTS = 'reports/mutation';

const SPEC_MODULES = ['spec', 'spec-text', 'params', 'registry', 'definition', 'create'].map(
  (name) => `src/schedulers/${name}.ts`,
);
/** Type-only modules: nothing to mutate. */
const NOT_MUTATED = ['src/schedulers/index.ts', 'src/schedulers/types.ts'];
const schedules = () =>
  readdirSync('src/schedulers')
    .filter((name) => name.endsWith('.ts'))
    .map((name) => `src/schedulers/${name}`)
    .filter((file) => !SPEC_MODULES.includes(file) && !NOT_MUTATED.includes(file));

/**
 * Module groups. Candidates in both src/report/ and src/results/ because the
 * results modules move there (issue 13); a path that does not exist is left out.
 */
const GROUPS = {
  schedulers: schedules,
  spec: () => SPEC_MODULES,
  statistics: () => ['src/report/statistics.ts', 'src/report/student-t.ts', 'src/results/statistics.ts', 'src/results/student-t.ts'],
  idx: () => ['src/data/idx.ts'],
  'results-file': () => ['src/report/results-file.ts', 'src/results/results-file.ts', 'src/results/read.ts'],
};

/**
 * Groups whose static mutants (module-level tables, run when a module loads) are
 * tested: each runs every test, which the spec, statistics, idx and results-file
 * groups can afford (88 such mutants; the four groups took 43.5 min in all here
 * with them), and the spec group needs,
 * since registry.ts and definition.ts have no other mutants. The schedulers'
 * 982 static mutants (the catalogue's definitions) would take hours; they stay
 * Ignored (docs/testing.md). MUTATION_STATIC=1 tests them in every group,
 * MUTATION_STATIC=0 in none.
 */
const STATIC_TESTED = new Set(['spec', 'statistics', 'idx', 'results-file']);
function testsStatic(group) {
  if (process.env.MUTATION_STATIC === '1') return true;
  if (process.env.MUTATION_STATIC === '0') return false;
  return STATIC_TESTED.has(group);
}

const args = process.argv.slice(2);
const scoresOnly = args.includes('--scores') || args.includes('--survivors');
/** --survivors: also list every surviving or uncovered mutant (file:line, mutator, replacement). */
const listSurvivors = args.includes('--survivors');
/**
 * --only=FILE,FILE: mutate only these modules of the chosen groups (a partial
 * run, for a machine too loaded to finish a whole group); the group then
 * counts as not passed, since the report lacks its other modules.
 */
const only = args.find((arg) => arg.startsWith('--only='))?.slice('--only='.length).split(',').filter((file) => file !== '');
const chosen = args.filter((arg) => !arg.startsWith('--'));
for (const name of chosen) {
  if (!(name in GROUPS)) {
    console.error(`unknown module group "${name}"; allowed: ${Object.keys(GROUPS).join(', ')}`);
    process.exit(2);
  }
}
const groups = chosen.length > 0 ? chosen : Object.keys(GROUPS);

function filesOf(group) {
  return GROUPS[group]().filter((file) => existsSync(file)).sort();
}

/** Where a partial (--only) run of these modules keeps its report, under the group's folder. */
function partFolder(files) {
  return `only-${files.map((file) => basename(file, '.ts')).join('+')}`;
}

/**
 * The modules' results of a group: its whole-group report, and for modules it
 * lacks, the newest partial (--only) report that has them. Returns file ->
 * { mutants, from } where `from` names a partial report.
 */
function groupResults(group) {
  const folder = join(REPORTS, group);
  const results = new Map();
  const read = (report, from) => {
    if (!existsSync(report)) return;
    for (const [file, { mutants }] of Object.entries(JSON.parse(readFileSync(report, 'utf8')).files)) {
      if (!results.has(file)) results.set(file, { mutants, from });
    }
  };
  read(join(folder, 'mutation.json'), undefined);
  const parts = existsSync(folder) ? readdirSync(folder).filter((name) => name.startsWith('only-') && existsSync(join(folder, name, 'mutation.json'))) : [];
  parts.sort((a, b) => statSync(join(folder, b, 'mutation.json')).mtimeMs - statSync(join(folder, a, 'mutation.json')).mtimeMs);
  for (const part of parts) read(join(folder, part, 'mutation.json'), part);
  // Runs stopped before their end (or still running) left only their progress file.
  for (const sub of ['', ...(existsSync(folder) ? readdirSync(folder).filter((name) => name.startsWith('only-')) : [])]) {
    const progress = join(folder, sub, 'progress.jsonl');
    const report = join(folder, sub, 'mutation.json');
    if (!existsSync(progress) || (existsSync(report) && statSync(report).mtimeMs >= statSync(progress).mtimeMs)) continue;
    const byFile = new Map();
    for (const text of readFileSync(progress, 'utf8').split('\n').filter((entry) => entry !== '')) {
      const mutant = JSON.parse(text);
      if (!byFile.has(mutant.file)) byFile.set(mutant.file, []);
      byFile.get(mutant.file).push(mutant);
    }
    for (const [file, mutants] of byFile) {
      if (!results.has(file)) results.set(file, { mutants, from: `${sub || group}/progress.jsonl: a run not finished, STOPPED or still running`, unfinished: true });
    }
  }
  return results;
}

for (const file of only ?? []) {
  if (!groups.some((group) => filesOf(group).includes(file))) {
    console.error(`--only: ${file} is not a module of ${groups.join(', ')}; its modules: ${groups.flatMap(filesOf).join(', ')}`);
    process.exit(2);
  }
}

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

/** Stryker's mutation score: detected / (detected + undetected); errors and ignored excluded. */
function score(mutants) {
  const detected = mutants.filter((m) => DETECTED.has(m.status)).length;
  const undetected = mutants.filter((m) => UNDETECTED.has(m.status)).length;
  const valid = detected + undetected;
  const byStatus = {};
  for (const mutant of mutants) byStatus[mutant.status] = (byStatus[mutant.status] ?? 0) + 1;
  return { detected, undetected, valid, byStatus, score: valid === 0 ? 100 : (100 * detected) / valid };
}

/** What the snapshot leaves out: installed, built, generated or version-control files. */
const NOT_SNAPSHOTTED = new Set(['node_modules', '.git', 'dist', 'dist-bench', 'reports', 'results', 'scratch', '.stryker-tmp', '.vitest-tmp']);

/** Copies the tree into a temporary folder (node_modules linked) and returns its path. */
function snapshotTree(root) {
  const snapshot = mkdtempSync(join(tmpdir(), 'lr-compare-mutation-'));
  cpSync(root, snapshot, {
    recursive: true,
    filter: (source) => {
      const top = relative(root, source).split(/[\\/]/)[0];
      return top === '' || !(NOT_SNAPSHOTTED.has(top) || top.startsWith('.stryker-tmp'));
    },
  });
  symlinkSync(join(root, 'node_modules'), join(snapshot, 'node_modules'), 'dir');
  return snapshot;
}

/** Runs one group in `snapshot`; the reports go to the work tree's reports/mutation/GROUP. */
async function run(group, root, snapshot) {
  const { Stryker } = await import('@stryker-mutator/core');
  const mutate = filesOf(group).filter((file) => only === undefined || only.includes(file));
  // A partial run keeps its own report (and incremental file), so that two parts can run side by side.
  const folder = join(root, REPORTS, group, ...(only === undefined ? [] : [partFolder(mutate)]));
  const started = Date.now();
  process.env.MUTATION_PROGRESS_FILE = join(folder, 'progress.jsonl');
  // Stryker reads its config, the sources and the tests from the working folder.
  process.chdir(snapshot);
  try {
    const stryker = new Stryker({
      mutate,
      htmlReporter: { fileName: join(folder, 'index.html') },
      jsonReporter: { fileName: join(folder, 'mutation.json') },
      incremental: process.env.MUTATION_INCREMENTAL === '1',
      ignoreStatic: !testsStatic(group),
      // MUTATION_CONCURRENCY=1 leaves a core to others (stryker.config.mjs uses 2).
      ...(process.env.MUTATION_CONCURRENCY ? { concurrency: Number(process.env.MUTATION_CONCURRENCY) } : {}),
      incrementalFile: join(folder, 'stryker-incremental.json'),
    });
    await stryker.runMutationTest();
  } finally {
    process.chdir(root);
  }
  console.log(`mutation: ${group} took ${((Date.now() - started) / 60_000).toFixed(1)} min`);
}

if (!scoresOnly) {
  const root = resolve('.');
  const snapshot = snapshotTree(root);
  console.log(`mutation: testing a snapshot of the tree in ${snapshot}; edits made from now on are not in this run`);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      rmSync(snapshot, { recursive: true, force: true });
      process.exit(signal === 'SIGINT' ? 130 : 143);
    });
  }
  try {
    for (const group of groups) await run(group, root, snapshot);
  } finally {
    rmSync(snapshot, { recursive: true, force: true });
  }
}

let failed = false;
/** Mutants outside the score, by status, so that an unusual count (a run's CompileErrors tripling) shows. */
const NOT_SCORED = ['CompileError', 'RuntimeError', 'Ignored'];
const line = (name, s) =>
  `${name.padEnd(40)} ${s.score.toFixed(1).padStart(6)}%  (${s.detected} of ${s.valid} detected, ${s.undetected} survived` +
  NOT_SCORED.map((status) => (s.byStatus[status] ? `; ${s.byStatus[status]} ${status}` : '')).join('') +
  ')';
for (const group of groups) {
  const files = groupResults(group);
  if (files.size === 0) {
    console.log(`${group}: no report under ${join(REPORTS, group)} (run npm run mutation -- ${group})`);
    failed = true;
    continue;
  }
  const all = [];
  console.log(`\n== ${group}`);
  for (const [file, { mutants, from }] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    all.push(...mutants);
    console.log(line(`  ${file}`, score(mutants)) + (from ? `  [${from}]` : ''));
    if (listSurvivors) {
      for (const mutant of mutants.filter((m) => UNDETECTED.has(m.status))) {
        const replacement = String(mutant.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80);
        console.log(`    ${mutant.status} ${file}:${mutant.location.start.line}:${mutant.location.start.column} ${mutant.mutatorName}: ${replacement}`);
      }
    }
  }
  const total = score(all);
  const missing = filesOf(group).filter((file) => !files.has(file) || files.get(file).unfinished);
  console.log(line(`  ${group} (group${missing.length > 0 ? `, PARTIAL: no finished report of ${missing.join(', ')}` : ''})`, total));
  if (total.score < MINIMUM_SCORE || missing.length > 0) failed = true;
}
process.exit(failed ? 1 : 0);
