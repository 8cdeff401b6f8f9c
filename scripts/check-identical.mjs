#!/usr/bin/env node
// Proves that a refactoring left the CLI's results unchanged, bit for bit.
//
//   node scripts/check-identical.mjs record <dir> [--rev <git-rev>]
//       Runs the matrix below and keeps each results file in <dir>. With --rev, the
//       commit is exported to a temporary folder (git archive), built there with this
//       worktree's node_modules, and the runs use that build: the "before" of a reshape.
//   node scripts/check-identical.mjs compare <dir>
//       Runs the same matrix with this worktree's dist/ and compares each results file
//       with the recorded one after removing what is meant to differ (timings and the
//       creation time). Exits 1 when anything else differs, naming the first difference.
//
// The matrix: every backend that loads here (tensorflow, wasm, cpu) x every optimizer,
// plus a batch-wise schedule (onecycle), on a tiny slice of MNIST (3 epochs, 600 samples).
// Numbers are compared as JSON text, which for doubles is their exact value; field order is compared too.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BACKENDS = ['tensorflow', 'wasm', 'cpu'];
const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'];
const COMMON = ['--epochs', '3', '--samples', '600', '--test-samples', '300', '--jobs', '1', '--quiet', '--no-chart'];

/** Every case: a name (the results file's) and the arguments that differ. */
function cases() {
  const list = [];
  for (const backend of BACKENDS) {
    for (const optimizer of OPTIMIZERS) {
      list.push({ name: `${backend}-${optimizer}`, args: ['--schedulers', 'all', '-s', 'none', '--optimizer', optimizer, '--backend', backend] });
    }
    list.push({ name: `${backend}-onecycle-batch`, args: ['-s', 'onecycle:max_lr=0.1', '--optimizer', 'sgd', '--backend', backend] });
    list.push({ name: `${backend}-onecycle-adam`, args: ['-s', 'onecycle:max_lr=0.1', '--optimizer', 'adam', '--backend', backend] });
  }
  return list;
}

/** Keys whose values are measurements of time, and the file's creation time. */
const VARYING = new Set(['seconds', 'secondsPerEpoch', 'createdAt']);

function stripVarying(value) {
  if (Array.isArray(value)) return value.map(stripVarying);
  if (value && typeof value === 'object') {
    const out = {};
    for (const [key, inner] of Object.entries(value)) if (!VARYING.has(key)) out[key] = stripVarying(inner);
    return out;
  }
  return value;
}

function runCase(bin, testCase, out) {
  try {
    execFileSync(process.execPath, [bin, 'run', ...COMMON, ...testCase.args, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    return true;
  } catch (error) {
    const stderr = String(error.stderr ?? '');
    if (/backend \S+ is not available/.test(stderr)) return false;
    throw new Error(`${testCase.name} failed: ${stderr.trim().split('\n')[0]}`);
  }
}

/** Exports `rev` to a temporary folder and builds it; returns its bin and a cleanup. */
function buildRevision(rev) {
  const folder = mkdtempSync(join(tmpdir(), 'lr-compare-rev-'));
  execFileSync('sh', ['-c', `git -C "${root}" archive "${rev}" | tar -x -C "${folder}"`]);
  symlinkSync(join(root, 'node_modules'), join(folder, 'node_modules'));
  execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(folder, 'tsconfig.json')], { stdio: 'inherit' });
  return { bin: join(folder, 'bin/lr-compare'), cleanup: () => rmSync(folder, { recursive: true, force: true }) };
}

function firstDifference(a, b, path = '$') {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b)) return `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  if (a && typeof a === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) {
      const found = firstDifference(a[key], b[key], `${path}.${key}`);
      if (found) return found;
    }
    return undefined;
  }
  return Object.is(a, b) ? undefined : `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

const [mode, dirArg, ...rest] = process.argv.slice(2);
if ((mode !== 'record' && mode !== 'compare') || !dirArg) {
  console.error('usage: check-identical.mjs record <dir> [--rev <git-rev>] | compare <dir>');
  process.exit(2);
}
const dir = resolve(dirArg);
const revIndex = rest.indexOf('--rev');
const rev = revIndex >= 0 ? rest[revIndex + 1] : undefined;

if (mode === 'record') {
  mkdirSync(dir, { recursive: true });
  const build = rev ? buildRevision(rev) : { bin: join(root, 'bin/lr-compare'), cleanup: () => undefined };
  try {
    const recorded = [];
    for (const testCase of cases()) {
      if (runCase(build.bin, testCase, join(dir, `${testCase.name}.json`))) recorded.push(testCase.name);
      else console.log(`${testCase.name}: backend not available here, skipped`);
    }
    writeFileSync(join(dir, 'cases.json'), JSON.stringify({ rev: rev ?? 'worktree', recorded }, null, 2) + '\n');
    console.log(`recorded ${recorded.length} results files in ${dir}`);
  } finally {
    build.cleanup();
  }
} else {
  const { recorded } = JSON.parse(readFileSync(join(dir, 'cases.json'), 'utf8'));
  const scratch = mkdtempSync(join(tmpdir(), 'lr-compare-compare-'));
  let differing = 0;
  try {
    for (const testCase of cases().filter((c) => recorded.includes(c.name))) {
      const out = join(scratch, `${testCase.name}.json`);
      if (!runCase(join(root, 'bin/lr-compare'), testCase, out) || !existsSync(out)) {
        console.log(`${testCase.name}: DIFFERS (backend no longer available)`);
        differing++;
        continue;
      }
      const before = stripVarying(JSON.parse(readFileSync(join(dir, `${testCase.name}.json`), 'utf8')));
      const after = stripVarying(JSON.parse(readFileSync(out, 'utf8')));
      // Values first (to name the first difference), then the text itself, which also fixes the fields' order.
      const difference =
        firstDifference(before, after) ?? (JSON.stringify(before, null, 2) === JSON.stringify(after, null, 2) ? undefined : 'field order');
      const runs = after.runs.length;
      if (difference) differing++;
      console.log(`${testCase.name}: ${difference ? `DIFFERS at ${difference}` : `identical (${runs} runs, histories, summaries, statistics)`}`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(differing === 0 ? 'all identical' : `${differing} case(s) differ`);
  process.exit(differing === 0 ? 0 : 1);
}
