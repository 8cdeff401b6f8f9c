#!/usr/bin/env node
// Provision the native TensorFlow backend (@tensorflow/tfjs-node) without the
// download that its own install script does (storage.googleapis.com answers
// 403, tensorflow/tfjs#8742). See docs/native-backend.md for the why and how.
//
// One plain-Node file with no dependencies, shipped in the package (`files`),
// because it runs as the project's `postinstall`, where neither dist/ (npm runs
// `prepare` after `postinstall`) nor any dev dependency can be relied on, and
// because `lr-compare native install` runs it from an installed package.
//
//   1. npm install --no-save --ignore-scripts @tensorflow/tfjs-node@<version>,
//      only when lr-compare cannot resolve it (npm drops it when its own
//      download fails)
//   2. the tensorflow-cpu wheel whose version is tfjs-node's
//      LIBTENSORFLOW_VERSION, from PyPI with pip (hash-pinned), cached in
//      ~/.cache/lr-compare/wheels
//   3. unpack TensorFlow's libraries + C API headers into tfjs-node's deps/
//   4. build tfjs-node's addon (binding.gyp) with npm's node-gyp
//   5. verify in a fresh process: load, backend 'tensorflow', a tiny matMul
//
// Idempotent: when the addon already loads and computes, it only verifies.
// Writes <project>/node_modules/.lr-compare-native-status: "ok" or the reason.
//
// Usage: native-install.mjs [--force] [--postinstall] [--package-dir DIR]
//   --force         rebuild even if the backend already works
//   --postinstall   run as npm's postinstall: never fail (exit 0, one line);
//                   in a clone provision, as an installed dependency only
//                   print how to provision (see README, "Backends")
//   --package-dir   the lr-compare package (or clone) whose resolution of
//                   @tensorflow/tfjs-node counts (default: the one holding this file)
// Exit codes: 0 ok; 1 the environment is at fault (network, pip, compiler,
// permissions); 2 the user is (bad option, LR_COMPARE_TF_WHEEL/LR_COMPARE_TF_VERSION);
// 130/143 interrupted by SIGINT/SIGTERM.
// Env: LR_COMPARE_NATIVE=skip      do nothing (postinstall and this script)
//      LR_COMPARE_CACHE_DIR        cache dir (default ~/.cache/lr-compare)
//      LR_COMPARE_TF_VERSION       tensorflow-cpu version (default: tfjs-node's LIBTENSORFLOW_VERSION)
//      LR_COMPARE_TF_WHEEL         an already downloaded tensorflow-cpu wheel (skips pip)
//      PIP_INDEX_URL etc., CC, CXX, PYTHON  honoured

import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// ---------------------------------------------------------------- options

class ProvisionError extends Error {
  /** @param {string} reason @param {{ user?: boolean }} [o] user: the user's input is at fault (exit 2) */
  constructor(reason, o = {}) {
    super(reason);
    this.user = o.user === true;
  }
}
class Interrupted extends Error {}
const fail = (reason, o) => {
  throw new ProvisionError(reason, o);
};

const args = process.argv.slice(2);
const POSTINSTALL = args.includes('--postinstall');
const FORCE = args.includes('--force');
const NAME = POSTINSTALL ? 'lr-compare postinstall' : 'lr-compare native install';

function parseArgs() {
  let packageDir;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--force' || args[i] === '--postinstall') continue;
    if (args[i] === '--package-dir' && args[i + 1] !== undefined) packageDir = args[++i];
    else fail(`unknown option '${args[i]}' (allowed: --force, --postinstall, --package-dir DIR)`, { user: true });
  }
  return packageDir;
}

// The lr-compare package (a clone, or node_modules/lr-compare in a project).
let PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Where npm installs: the folder above the first node_modules on the way, else the package itself.
const projectRootOf = (dir) => {
  const parts = dir.split(path.sep);
  const i = parts.indexOf('node_modules');
  return i < 0 ? dir : parts.slice(0, i).join(path.sep) || path.sep;
};
let ROOT = projectRootOf(PACKAGE_DIR);
let NODE_MODULES = path.join(ROOT, 'node_modules');
let STATUS_FILE = path.join(NODE_MODULES, '.lr-compare-native-status');
const CACHE_DIR =
  process.env.LR_COMPARE_CACHE_DIR ||
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'lr-compare');
const LOG_DIR = path.join(CACHE_DIR, 'logs');
// The wheel's Python tag does not matter for the C library; cp310 exists for
// every tensorflow-cpu from 2.8 to 2.15, and for later versions too.
const WHEEL_PYTHON = process.env.LR_COMPARE_WHEEL_PYTHON || '3.10';
// PyPI's own record of the default wheel (the simple index's sha256 and size),
// so that a damaged cache or a wrong LR_COMPARE_TF_WHEEL is caught before use.
const KNOWN_WHEELS = {
  'tensorflow_cpu-2.9.1-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl': {
    version: '2.9.1',
    sha256: '6666ddeae45e1f41da788cb4bdea3435aba16edb0bc17b7ac00631c7c9eb052e',
    size: 207453921,
  },
};

const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1) + 's';
const log = (msg) => console.log(`[native ${secs()}] ${msg}`);
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;
const tail = (text, n = 15) => text.trim().split('\n').slice(-n).join('\n');

// ---------------------------------------------------------------- processes

let current; // the child running now, so a signal can stop it
let interrupted; // 'SIGINT' | 'SIGTERM' once one arrived
let phase = 'starting';

/** Runs a command to completion, output captured (and logged); never rejects. */
function run(cmd, argv, opts = {}) {
  return new Promise((resolve) => {
    let out = '';
    let settled = false;
    const child = spawn(cmd, argv, { cwd: opts.cwd ?? ROOT, env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    current = child;
    const timer = setTimeout(() => child.kill('SIGTERM'), opts.timeout ?? 15 * 60 * 1000);
    const done = (status, signal, spawnError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      current = undefined;
      if (opts.logName) {
        try {
          fs.mkdirSync(LOG_DIR, { recursive: true });
          fs.writeFileSync(path.join(LOG_DIR, opts.logName), `$ ${cmd} ${argv.join(' ')}\n${out}`);
        } catch {
          /* logs are a convenience */
        }
      }
      resolve({ ok: !spawnError && status === 0 && !interrupted, status, signal, out, interrupted: Boolean(interrupted) });
    };
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (out += d));
    // A command that does not exist: 'error' (ENOENT), and no 'close' to rely on.
    child.on('error', (error) => {
      out += `${error.message}\n`;
      done(null, null, error);
    });
    child.on('close', (status, signal) => done(status, signal));
  });
}

async function checked(cmd, argv, opts) {
  if (interrupted) throw new Interrupted();
  const r = await run(cmd, argv, opts);
  if (r.interrupted) throw new Interrupted();
  return r;
}

const has = async (cmd, argv = ['--version']) => (await checked(cmd, argv, { timeout: 60_000 })).ok;

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    interrupted ??= signal;
    current?.kill('SIGTERM');
  });
}

// ---------------------------------------------------------------- where things are

function requireFromPackage() {
  return createRequire(path.join(PACKAGE_DIR, 'package.json'));
}

/** The @tensorflow/tfjs-node folder lr-compare loads (its own resolution), if any. */
function tfjsNodeDir() {
  try {
    return path.dirname(requireFromPackage().resolve('@tensorflow/tfjs-node/package.json'));
  } catch {
    return undefined;
  }
}

const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

function installedVersion(dir) {
  try {
    return readJson(path.join(dir, 'package.json')).version;
  } catch {
    return undefined;
  }
}

/** The tfjs-node version to install: the project's lock, else tfjs' own version (they release together). */
function wantedTfjsNodeVersion() {
  for (const lockPath of [path.join(ROOT, 'package-lock.json'), path.join(NODE_MODULES, '.package-lock.json')]) {
    try {
      const lock = readJson(lockPath);
      const entry = Object.entries(lock.packages ?? {}).find(([k]) => k.endsWith('node_modules/@tensorflow/tfjs-node'));
      if (entry?.[1]?.version) return entry[1].version;
    } catch {
      /* no lock here */
    }
  }
  try {
    return requireFromPackage()('@tensorflow/tfjs/package.json').version;
  } catch {
    const pkg = readJson(path.join(PACKAGE_DIR, 'package.json'));
    const spec = pkg.optionalDependencies?.['@tensorflow/tfjs-node'] ?? pkg.dependencies?.['@tensorflow/tfjs-node'];
    const m = spec && /^[\^~=]?(\d+\.\d+\.\d+)$/.exec(spec.trim());
    if (!m) fail(`cannot tell which @tensorflow/tfjs-node version to install (package.json has "${spec}")`);
    return m[1];
  }
}

function libtensorflowVersion(dir) {
  const file = path.join(dir, 'scripts', 'deps-constants.js');
  const m = /LIBTENSORFLOW_VERSION\s*=\s*['"](\d+\.\d+\.\d+)['"]/.exec(fs.readFileSync(file, 'utf8'));
  if (!m) fail(`no LIBTENSORFLOW_VERSION in ${file}`);
  return m[1];
}

function canResolveDeps(dir) {
  try {
    createRequire(path.join(dir, 'package.json')).resolve('@mapbox/node-pre-gyp');
    return true;
  } catch {
    return false;
  }
}

function bindingPath(dir) {
  const req = createRequire(path.join(dir, 'package.json'));
  return req('@mapbox/node-pre-gyp').find(path.join(dir, 'package.json'));
}

function writeStatus(line) {
  // No node_modules (no npm install yet), or a read-only one: nowhere to write.
  try {
    if (fs.existsSync(NODE_MODULES)) fs.writeFileSync(STATUS_FILE, line.replace(/\s+/g, ' ').trim() + '\n');
  } catch {
    /* the line on the terminal is what matters */
  }
}

function dirSize(p) {
  let total = 0;
  const st = fs.lstatSync(p);
  if (!st.isDirectory()) return st.size;
  for (const f of fs.readdirSync(p)) total += dirSize(path.join(p, f));
  return total;
}

/** Fails with one line when `dir` cannot be written (read-only file system, permissions). */
function assertWritable(dir) {
  try {
    fs.rmSync(fs.mkdtempSync(path.join(dir, '.lr-compare-probe-')), { recursive: true });
  } catch (e) {
    fail(`${dir} is not writable (${e.code ?? e.message}): run as the user who owns it, or on a writable copy of the project`);
  }
}

// ---------------------------------------------------------------- verify

// In a fresh process, so that a failing dlopen or a crash is reported, not inherited. One JSON line.
const VERIFY_JS = `
process.env.TF_CPP_MIN_LOG_LEVEL = process.env.TF_CPP_MIN_LOG_LEVEL || '2';
const tf = require(process.argv[1]);
const backend = tf.getBackend();
const a = tf.tensor2d([[1, 2], [3, 4]]);
const got = Array.from(tf.matMul(a, a).dataSync());
console.log(JSON.stringify({ backend, got, tfjsNode: tf.version['tfjs-node'],
  libtensorflow: tf.backend().binding && tf.backend().binding.TF_Version }));
`;

async function verify(dir) {
  const r = await checked(process.execPath, ['-e', VERIFY_JS, dir], { timeout: 180_000 });
  const line = r.out.split('\n').find((l) => l.startsWith('{"backend"'));
  if (!r.ok || !line) {
    const why =
      r.out.split('\n').find((l) => /^(Error|\w*Error):|undefined symbol|cannot open shared object/.test(l)) ??
      (r.signal ? `killed by ${r.signal}` : tail(r.out, 3));
    return { ok: false, reason: `require('@tensorflow/tfjs-node') failed: ${why.trim()}` };
  }
  const res = JSON.parse(line);
  const want = [7, 10, 15, 22];
  if (res.backend !== 'tensorflow') return { ok: false, reason: `backend is '${res.backend}', not 'tensorflow'` };
  if (res.got.join() !== want.join()) return { ok: false, reason: `matMul gave [${res.got}] instead of [${want}]` };
  return { ok: true, ...res };
}

// ---------------------------------------------------------------- tools

async function preflight({ needPip }) {
  const missing = [];
  const py = process.env.PYTHON || 'python3';
  if (!(await has(py))) missing.push(`python3 (${py})`);
  const cc = process.env.CC || 'cc';
  if (!(await has(cc))) missing.push(`a C compiler (${cc})`);
  const cxx = process.env.CXX || 'g++';
  if (!(await has(cxx))) missing.push(`a C++ compiler (${cxx})`);
  if (!(await has('make'))) missing.push('make');
  if (!(await has('readelf'))) missing.push('readelf (binutils)');
  let pip;
  if (needPip) {
    pip = await findPip(py);
    if (!pip) missing.push('pip (tried pip3, pip, python3 -m pip)');
  }
  if (missing.length > 0) {
    fail(`missing ${missing.join(', ')}; on Debian/Ubuntu: apt-get install build-essential python3-pip`);
  }
  return { py, pip };
}

async function findPip(py) {
  for (const cmd of [['pip3'], ['pip'], [py, '-m', 'pip']]) {
    if (await has(cmd[0], [...cmd.slice(1), '--version'])) return cmd;
  }
  return undefined;
}

// ---------------------------------------------------------------- steps

async function installPackage(version) {
  phase = 'installing @tensorflow/tfjs-node';
  log(`1/5 @tensorflow/tfjs-node@${version}: not installed (npm drops it when its own download fails); installing from npm with --ignore-scripts`);
  const guarded = ['package.json', 'package-lock.json'].map((f) => path.join(ROOT, f)).filter((f) => fs.existsSync(f));
  const before = guarded.map((f) => fs.readFileSync(f));
  const r = await checked(
    'npm',
    ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `@tensorflow/tfjs-node@${version}`],
    { logName: 'npm-install.log', env: { ...process.env, LR_COMPARE_NATIVE: 'skip' } },
  );
  // --no-save leaves both files alone (checked with npm 11). Only warn if not:
  // writing them back could undo a concurrent edit by someone else.
  guarded.forEach((f, i) => {
    if (!fs.readFileSync(f).equals(before[i])) log(`WARNING: ${path.basename(f)} changed during npm install; check git diff`);
  });
  if (!r.ok) {
    const net = /ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|network/i.exec(r.out);
    const what = net ? `cannot reach the npm registry (${net[0]})` : (r.out.split('\n').filter((l) => /npm error|ERR!/.test(l)).slice(0, 2).join(' ') || tail(r.out, 2));
    fail(`npm install @tensorflow/tfjs-node@${version} failed: ${what} (log: ${path.join(LOG_DIR, 'npm-install.log')})`);
  }
  const dir = tfjsNodeDir();
  if (!dir) fail(`npm installed @tensorflow/tfjs-node@${version}, but ${PACKAGE_DIR} does not resolve it`);
  if (installedVersion(dir) !== version) fail(`npm did not put @tensorflow/tfjs-node@${version} where lr-compare finds it (${dir} has ${installedVersion(dir)})`);
  if (!canResolveDeps(dir)) fail('tfjs-node is installed but its dependency @mapbox/node-pre-gyp is not');
  log(`1/5 @tensorflow/tfjs-node@${version} installed at ${dir} (${mb(dirSize(dir))})`);
  return dir;
}

function sha256(file) {
  const h = createHash('sha256');
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let n;
  while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) h.update(buf.subarray(0, n));
  fs.closeSync(fd);
  return h.digest('hex');
}

/** Why a wheel is not PyPI's file, or undefined when it is (or when we have no record of it). */
function wheelMismatch(file) {
  const known = KNOWN_WHEELS[path.basename(file)];
  if (!known) return undefined;
  const size = fs.statSync(file).size;
  if (size !== known.size) return `${mb(size)} instead of ${mb(known.size)}${size < known.size ? ' (truncated)' : ''}`;
  const got = sha256(file);
  return got === known.sha256 ? undefined : `sha256 ${got.slice(0, 12)}… instead of PyPI's ${known.sha256.slice(0, 12)}…`;
}

const WHEEL_NAME = /^tensorflow_cpu-(\d+\.\d+\.\d+)-[\w.]+-[\w.]+-[\w.]+\.whl$/;

/** A wheel the user named with LR_COMPARE_TF_WHEEL: their input, so problems are exit 2. */
function userWheel() {
  const w = path.resolve(process.env.LR_COMPARE_TF_WHEEL);
  if (!fs.existsSync(w) || !fs.statSync(w).isFile()) fail(`LR_COMPARE_TF_WHEEL=${w} is not a file`, { user: true });
  if (!WHEEL_NAME.test(path.basename(w)))
    fail(`LR_COMPARE_TF_WHEEL=${w} is not named like a tensorflow-cpu wheel (tensorflow_cpu-<version>-<python>-<abi>-<platform>.whl)`, { user: true });
  const bad = wheelMismatch(w);
  if (bad) fail(`LR_COMPARE_TF_WHEEL=${w} is not PyPI's file: ${bad}; download it again`, { user: true });
  log(`2/5 wheel: ${path.basename(w)} from LR_COMPARE_TF_WHEEL (${mb(fs.statSync(w).size)})`);
  return w;
}

function cachedWheel(dir, tfVersion) {
  for (const f of fs.readdirSync(dir)) {
    if (!f.startsWith(`tensorflow_cpu-${tfVersion}-`) || !f.endsWith('.whl')) continue;
    const file = path.join(dir, f);
    const bad = wheelMismatch(file);
    if (!bad) return file;
    log(`2/5 cached wheel ${file} is damaged (${bad}); removing it and downloading again`);
    fs.rmSync(file, { force: true });
  }
  return undefined;
}

async function downloadWheel(dir, tfVersion, pip) {
  phase = 'downloading the wheel';
  const known = Object.entries(KNOWN_WHEELS).find(([, k]) => k.version === tfVersion && WHEEL_PYTHON === '3.10');
  log(`2/5 downloading tensorflow-cpu==${tfVersion} wheel from PyPI (${known ? mb(known[1].size) : 'about 200 MB'}) into ${dir}`);
  // A private temp dir, then a rename: an interrupted run leaves no half wheel in the cache.
  const tmp = fs.mkdtempSync(path.join(dir, '.dl-'));
  try {
    // Pinning the hash makes pip check the download (and any mirror) against PyPI's record.
    const req = path.join(tmp, 'requirements.txt');
    fs.writeFileSync(req, `tensorflow-cpu==${tfVersion}${known ? ` --hash=sha256:${known[1].sha256}` : ''}\n`);
    const started = Date.now();
    const r = await checked(
      pip[0],
      [
        ...pip.slice(1), 'download', '--no-deps', '--only-binary=:all:',
        '--python-version', WHEEL_PYTHON,
        '--platform', 'manylinux2014_x86_64', '--platform', 'manylinux_2_17_x86_64',
        '--progress-bar', 'off', '--disable-pip-version-check', '--no-input',
        ...(process.env.PIP_RETRIES ? [] : ['--retries', '2']),
        ...(process.env.PIP_TIMEOUT ? [] : ['--timeout', '30']),
        '-d', tmp, '-r', req,
      ],
      { logName: 'pip-download.log' },
    );
    const got = fs.readdirSync(tmp).filter((f) => f.endsWith('.whl'));
    if (!r.ok || got.length !== 1) {
      const net = /Connection refused|NewConnectionError|Failed to establish a new connection|Name or service not known|Temporary failure in name resolution|ProxyError|Read timed out|Network is unreachable/.exec(r.out);
      const hash = /DO NOT MATCH THE HASHES/.test(r.out);
      const err = net
        ? `cannot reach the Python package index (${net[0]})`
        : hash
          ? "the downloaded file does not match PyPI's sha256 (a damaged download or a mirror serving another file)"
          : /from versions: none/.test(r.out)
            ? `the package index has no tensorflow-cpu==${tfVersion} wheel for linux-x64 (or did not answer; index: ${process.env.PIP_INDEX_URL ?? "pip's default"})`
            : (r.out.split('\n').filter((l) => l.startsWith('ERROR:')).pop() ?? tail(r.out, 2));
      fail(`pip download tensorflow-cpu==${tfVersion} failed: ${err} (log: ${path.join(LOG_DIR, 'pip-download.log')})`);
    }
    const file = path.join(tmp, got[0]);
    const bad = wheelMismatch(file);
    if (bad) fail(`the wheel pip downloaded is not PyPI's file: ${bad}`);
    const size = fs.statSync(file).size;
    const took = (Date.now() - started) / 1000;
    fs.renameSync(file, path.join(dir, got[0]));
    log(`2/5 downloaded ${got[0]} (${mb(size)} in ${took.toFixed(1)} s, ${mb(size / Math.max(took, 0.001))}/s)`);
    return path.join(dir, got[0]);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// Unpacks only what is needed (the wheel is a zip of ~600 MB). Python's
// zipfile is used because python3 is needed anyway (pip, node-gyp) while
// unzip is not installed on a fresh Debian. zipfile checks each member's CRC.
const EXTRACT_PY = `
import json, sys, zipfile
whl, dest = sys.argv[1], sys.argv[2]
try:
    z = zipfile.ZipFile(whl)
    names = set(z.namelist())
    libs = ['tensorflow/libtensorflow_framework.so.2']
    if 'tensorflow/libtensorflow_cc.so.2' in names:
        libs.append('tensorflow/libtensorflow_cc.so.2')
    else:
        libs.append('tensorflow/python/_pywrap_tensorflow_internal.so')
    inc = ('tensorflow/include/tensorflow/c/', 'tensorflow/include/tensorflow/core/platform/',
           'tensorflow/include/tensorflow/tsl/c/', 'tensorflow/include/tensorflow/tsl/platform/',
           'tensorflow/include/tsl/c/', 'tensorflow/include/tsl/platform/')
    missing = [l for l in libs if l not in names]
    if missing:
        print(json.dumps({'error': 'unexpected wheel layout, missing ' + ', '.join(missing)})); sys.exit(3)
    members = libs + [n for n in names if n.startswith(inc) and not n.endswith('/')]
    for n in members:
        z.extract(n, dest)
except (zipfile.BadZipFile, EOFError, OSError) as e:
    print(json.dumps({'error': 'the wheel is damaged or unreadable: %s' % e})); sys.exit(3)
print(json.dumps({'libs': libs, 'headers': len(members) - len(libs)}))
`;

async function stageDeps(pkgDir, wheel, py) {
  phase = 'unpacking the wheel';
  // Leftovers of an interrupted run (each holds ~500 MB).
  for (const f of fs.readdirSync(pkgDir)) if (f.startsWith('.deps-')) fs.rmSync(path.join(pkgDir, f), { recursive: true, force: true });
  const stage = fs.mkdtempSync(path.join(pkgDir, '.deps-'));
  try {
    log(`3/5 unpacking TensorFlow's libraries and C headers from ${path.basename(wheel)}`);
    const r = await checked(py, ['-c', EXTRACT_PY, wheel, stage], { logName: 'unpack.log' });
    const line = r.out.trim().split('\n').pop() ?? '';
    let info;
    try {
      info = JSON.parse(line);
    } catch {
      info = { error: line };
    }
    if (!r.ok || info.error) {
      const userWheelGiven = process.env.LR_COMPARE_TF_WHEEL && path.resolve(process.env.LR_COMPARE_TF_WHEEL) === wheel;
      fail(`unpacking ${wheel} failed: ${info.error ?? line}${userWheelGiven ? '' : '; it was removed from the cache, run again to download it'}`, {
        user: Boolean(userWheelGiven),
      });
    }
    const lib = path.join(stage, 'lib');
    fs.mkdirSync(lib);
    fs.renameSync(path.join(stage, 'tensorflow', 'include'), path.join(stage, 'include'));
    const fw = 'libtensorflow_framework.so.2';
    fs.renameSync(path.join(stage, 'tensorflow', fw), path.join(lib, fw));
    fs.symlinkSync(fw, path.join(lib, 'libtensorflow_framework.so'));
    // The main library keeps its own file name = its SONAME, which is what the
    // addon's DT_NEEDED will say; libtensorflow.so(.2) are the names binding.gyp
    // links with (-ltensorflow) and that tfjs-node documents.
    const main = path.basename(info.libs[1]);
    fs.renameSync(path.join(stage, info.libs[1]), path.join(lib, main));
    fs.symlinkSync(main, path.join(lib, 'libtensorflow.so.2'));
    fs.symlinkSync(main, path.join(lib, 'libtensorflow.so'));
    fs.rmSync(path.join(stage, 'tensorflow'), { recursive: true, force: true });
    const layout = main === 'libtensorflow_cc.so.2' ? 'libtensorflow_cc' : 'pywrap';
    if (layout === 'pywrap') await buildPyStub(lib, main);
    const deps = path.join(pkgDir, 'deps');
    fs.rmSync(deps, { recursive: true, force: true });
    fs.renameSync(stage, deps);
    log(`3/5 deps/lib: ${main} (as libtensorflow.so.2), ${fw}; ${info.headers} C API headers in deps/include (${mb(dirSize(deps))})`);
    return { layout, main };
  } catch (e) {
    fs.rmSync(stage, { recursive: true, force: true });
    throw e;
  }
}

// tensorflow-cpu < 2.12 has no libtensorflow_cc.so.2: the C API lives in the
// Python extension _pywrap_tensorflow_internal.so, which is linked with
// BIND_NOW and so needs every CPython symbol it references to exist at load
// time ("undefined symbol: PyTuple_Type"). None of them is ever called through
// the C API, so a tiny library that defines them (functions abort loudly, data
// objects are zeroed) is enough. It is generated from the relocations of the
// very library it serves.
async function buildPyStub(lib, main) {
  // readelf prints ~80 MB of relocations here: send it to a file, then scan it.
  const relocs = path.join(lib, 'relocs.txt');
  const r = await checked('sh', ['-c', 'readelf -rW "$1" > "$2"', 'sh', path.join(lib, main), relocs]);
  if (!r.ok) fail(`readelf -rW ${main} failed (binutils missing?): ${tail(r.out, 2)}`);
  const syms = new Map();
  forEachLine(relocs, (l) => {
    const f = l.trim().split(/\s+/);
    if (f.length >= 5 && /^_?Py\w+$/.test(f[4])) syms.set(f[4], f[2]);
  });
  fs.rmSync(relocs);
  if (syms.size === 0) fail(`found no CPython symbols in ${main}; unexpected wheel layout`);
  let c =
    '#include <stdio.h>\n#include <stdlib.h>\n' +
    'static void die(const char *n) { fprintf(stderr, "lr-compare pystub: CPython function %s called; ' +
    'the TensorFlow Python layer is not available in Node\\n", n); abort(); }\n';
  for (const [name, type] of [...syms].sort()) {
    c +=
      type === 'R_X86_64_GLOB_DAT'
        ? `__attribute__((visibility("default"), aligned(64))) char ${name}[512];\n`
        : `__attribute__((visibility("default"))) void ${name}(void) { die("${name}"); }\n`;
  }
  const src = path.join(lib, 'tfjs_pystub.c');
  fs.writeFileSync(src, c);
  const cc = process.env.CC || 'cc';
  const b = await checked(cc, ['-shared', '-fPIC', '-O1', '-Wl,-soname,libtfjs_pystub.so', '-o', path.join(lib, 'libtfjs_pystub.so'), src], {
    logName: 'pystub.log',
  });
  if (!b.ok) fail(`compiling the CPython stub with ${cc} failed: ${tail(b.out, 3)}`);
  log(`3/5 built libtfjs_pystub.so (${syms.size} CPython symbols stubbed)`);
}

function forEachLine(file, fn) {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.alloc(1 << 22);
  let rest = '';
  let n;
  while ((n = fs.readSync(fd, buf, 0, buf.length, null)) > 0) {
    const lines = (rest + buf.toString('latin1', 0, n)).split('\n');
    rest = lines.pop();
    lines.forEach(fn);
  }
  if (rest) fn(rest);
  fs.closeSync(fd);
}

function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ].filter(Boolean);
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found) fail(`node-gyp not found (looked at ${candidates.join(', ')}); it ships with npm`);
  return found;
}

function nodeDir() {
  const fromNpm = process.env.npm_config_nodedir;
  if (fromNpm && fs.existsSync(path.join(fromNpm, 'include', 'node', 'node_api.h'))) return fromNpm;
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (fs.existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) return prefix;
  fail('node headers not found (no include/node/node_api.h next to node); node-gyp would try to download them');
}

async function buildAddon(pkgDir, layout) {
  phase = 'building the addon';
  const target = bindingPath(pkgDir);
  const napi = /napi-v(\d+)/.exec(target)?.[1];
  if (!napi) fail(`cannot tell the N-API version from the addon path ${target}`);
  const gyp = nodeGyp();
  const dir = nodeDir();
  const env = { ...process.env };
  if (layout === 'pywrap') {
    // Make the addon depend on the stub so it is loaded before the TF library is relocated.
    const lib = path.join(pkgDir, 'deps', 'lib');
    env.LDFLAGS = `${env.LDFLAGS ?? ''} -Wl,--no-as-needed -L${lib} -ltfjs_pystub`.trim();
  }
  log(`4/5 building the addon with node-gyp (N-API ${napi}; about 20 s of C++)`);
  const r = await checked(
    process.execPath,
    [gyp, 'rebuild', `--nodedir=${dir}`, '--jobs=2', `--napi_build_version=${napi}`, '--module_name=tfjs_binding', `--module_path=${path.dirname(target)}`],
    { cwd: pkgDir, env, logName: 'node-gyp.log' },
  );
  if (!r.ok || !fs.existsSync(target)) {
    const err = r.out.split('\n').find((l) => /error|not found|No such file/i.test(l) && !/^gyp info/.test(l));
    fail(`node-gyp build failed: ${(err ?? tail(r.out, 2)).trim()} (full log: ${path.join(LOG_DIR, 'node-gyp.log')})`);
  }
  fs.rmSync(path.join(pkgDir, 'build'), { recursive: true, force: true }); // 30 MB of objects
  log(`4/5 built ${target} (${mb(fs.statSync(target).size)})`);
  return target;
}

/** Leaves tfjs-node "not built" (loading it fails cleanly, lr-compare falls back to wasm), never half-built. */
function removeBuild(pkgDir) {
  try {
    const target = bindingPath(pkgDir);
    fs.rmSync(target, { force: true });
  } catch {
    /* nothing was built */
  }
  for (const f of ['deps', 'build', '.lr-compare-native.json']) fs.rmSync(path.join(pkgDir, f), { recursive: true, force: true });
}

/** Where `--force` keeps a working build while it builds the new one. */
const PREVIOUS = '.previous-build';
let keptPrevious = false; // true once a failed --force put the previous build back

/**
 * `--force` rebuilds over a build that may work: move it aside first (renames in
 * the same folder, so nothing is copied) so that a failed or interrupted rebuild
 * can put it back instead of leaving no native backend at all.
 */
function setAsidePreviousBuild(pkgDir) {
  const target = bindingPath(pkgDir);
  if (!fs.existsSync(target)) return undefined;
  const keep = path.join(pkgDir, PREVIOUS);
  fs.rmSync(keep, { recursive: true, force: true });
  fs.mkdirSync(keep);
  fs.renameSync(target, path.join(keep, 'binding'));
  for (const f of ['deps', '.lr-compare-native.json']) if (fs.existsSync(path.join(pkgDir, f))) fs.renameSync(path.join(pkgDir, f), path.join(keep, f));
  return keep;
}

function restorePreviousBuild(pkgDir, keep) {
  const target = bindingPath(pkgDir);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.renameSync(path.join(keep, 'binding'), target);
  for (const f of ['deps', '.lr-compare-native.json']) if (fs.existsSync(path.join(keep, f))) fs.renameSync(path.join(keep, f), path.join(pkgDir, f));
  fs.rmSync(keep, { recursive: true, force: true });
  keptPrevious = true;
}

/** A rebuild killed outright (SIGKILL, power) left its predecessor aside: put it back if nothing replaced it, else drop it. */
function recoverPreviousBuild(pkgDir) {
  const keep = path.join(pkgDir, PREVIOUS);
  if (!fs.existsSync(keep)) return;
  if (!fs.existsSync(bindingPath(pkgDir)) && fs.existsSync(path.join(keep, 'binding'))) {
    removeBuild(pkgDir);
    restorePreviousBuild(pkgDir, keep);
    keptPrevious = false;
    log(`put back the build an interrupted 'native install --force' had set aside`);
  } else fs.rmSync(keep, { recursive: true, force: true });
}

// ---------------------------------------------------------------- main

async function provision() {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    fail(`this route supports linux-x64 only (this is ${process.platform}-${process.arch}); use tfjs-node's own install there`);
  if (!fs.existsSync(NODE_MODULES)) fail(`${NODE_MODULES} is missing: run npm install first`);
  assertWritable(NODE_MODULES);
  const version = wantedTfjsNodeVersion();
  if (process.env.LR_COMPARE_TF_VERSION !== undefined && !/^\d+\.\d+\.\d+$/.test(process.env.LR_COMPARE_TF_VERSION))
    fail(`LR_COMPARE_TF_VERSION=${process.env.LR_COMPARE_TF_VERSION} is not a version like 2.9.1`, { user: true });

  let pkgDir = tfjsNodeDir();
  if (pkgDir) recoverPreviousBuild(pkgDir);
  if (pkgDir && !FORCE && installedVersion(pkgDir) === version && canResolveDeps(pkgDir)) {
    phase = 'checking the installed backend';
    const built = fs.existsSync(bindingPath(pkgDir));
    const v = built ? await verify(pkgDir) : { ok: false, reason: 'the addon is not built' };
    if (v.ok) {
      log(`already provisioned: @tensorflow/tfjs-node@${v.tfjsNode} on libtensorflow ${v.libtensorflow}, backend '${v.backend}', matMul ok`);
      writeStatus('ok');
      return;
    }
    log(`@tensorflow/tfjs-node@${version} is installed but does not load (${v.reason}); provisioning`);
  }
  if (pkgDir) assertWritable(pkgDir);

  const given = process.env.LR_COMPARE_TF_WHEEL ? userWheel() : undefined;
  const wheelDir = path.join(CACHE_DIR, 'wheels');
  try {
    fs.mkdirSync(wheelDir, { recursive: true });
    for (const f of fs.readdirSync(wheelDir)) if (f.startsWith('.dl-')) fs.rmSync(path.join(wheelDir, f), { recursive: true, force: true });
  } catch (e) {
    fail(`cannot use the cache folder ${wheelDir} (${e.code ?? e.message}); set LR_COMPARE_CACHE_DIR to a writable folder`);
  }
  // Before downloading 200 MB, make sure the rest can work.
  const knownVersion = process.env.LR_COMPARE_TF_VERSION || (pkgDir ? libtensorflowVersion(pkgDir) : undefined);
  const cached = given ?? (knownVersion ? cachedWheel(wheelDir, knownVersion) : undefined);
  const { py, pip } = await preflight({ needPip: !cached });

  if (!pkgDir || installedVersion(pkgDir) !== version || !canResolveDeps(pkgDir)) pkgDir = await installPackage(version);
  else log(`1/5 @tensorflow/tfjs-node@${version} at ${pkgDir}`);
  assertWritable(pkgDir);
  const tfVersion = process.env.LR_COMPARE_TF_VERSION || libtensorflowVersion(pkgDir);
  log(`2/5 tfjs-node ${version} expects libtensorflow ${libtensorflowVersion(pkgDir)}; using tensorflow-cpu ${tfVersion}`);
  let wheel = given ?? cachedWheel(wheelDir, tfVersion);
  if (wheel && !given) log(`2/5 using the cached wheel ${wheel} (${mb(fs.statSync(wheel).size)}, checksum ok)`);
  if (!wheel) {
    const p = pip ?? (await findPip(py));
    if (!p) fail('no pip found (tried pip3, pip, python3 -m pip); on Debian/Ubuntu: apt-get install python3-pip');
    wheel = await downloadWheel(wheelDir, tfVersion, p);
  }

  const previous = FORCE ? setAsidePreviousBuild(pkgDir) : undefined;
  try {
    let deps;
    try {
      deps = await stageDeps(pkgDir, wheel, py);
    } catch (e) {
      // A cached wheel that cannot be unpacked is of no use to the next run.
      if (e instanceof ProvisionError && !given) fs.rmSync(wheel, { force: true });
      throw e;
    }
    await buildAddon(pkgDir, deps.layout);
    phase = 'checking the built backend';
    const v = await verify(pkgDir);
    if (!v.ok) fail(`built, but the check failed: ${v.reason}`);
    fs.writeFileSync(
      path.join(pkgDir, '.lr-compare-native.json'),
      JSON.stringify(
        {
          tfjsNode: version,
          libtensorflow: v.libtensorflow,
          wheel: path.basename(wheel),
          wheelSha256: sha256(wheel),
          layout: deps.layout,
          node: process.version,
          at: new Date().toISOString(),
        },
        null,
        2,
      ) + '\n',
    );
    if (previous) fs.rmSync(previous, { recursive: true, force: true });
    writeStatus('ok');
    log(`5/5 done: @tensorflow/tfjs-node@${v.tfjsNode} loads, backend '${v.backend}', libtensorflow ${v.libtensorflow}, matMul ok`);
  } catch (e) {
    removeBuild(pkgDir);
    if (previous) restorePreviousBuild(pkgDir, previous);
    throw e;
  }
}

/** As the project's postinstall in a clone: provision. As an installed dependency: only say how. */
async function postinstall() {
  if (PACKAGE_DIR !== ROOT) {
    const dir = tfjsNodeDir();
    let built = false;
    try {
      built = dir !== undefined && fs.existsSync(bindingPath(dir));
    } catch {
      /* not resolvable: not built */
    }
    if (!built)
      console.log(
        "lr-compare: the native TensorFlow backend is not set up, so lr-compare uses wasm; 'npx lr-compare native install' " +
          'builds it (downloads about 200 MB; see README, "Backends")',
      );
    return;
  }
  await provision();
}

async function main() {
  let parsed = false; // a mistyped option says so and leaves the status file alone
  try {
    const dir = parseArgs();
    parsed = true;
    if (dir) {
      PACKAGE_DIR = path.resolve(dir);
      ROOT = projectRootOf(PACKAGE_DIR);
      NODE_MODULES = path.join(ROOT, 'node_modules');
      STATUS_FILE = path.join(NODE_MODULES, '.lr-compare-native-status');
    }
    if (process.env.LR_COMPARE_NATIVE === 'skip') {
      console.log(`${NAME}: skipped (LR_COMPARE_NATIVE=skip); 'npx lr-compare native install' provisions the native backend later`);
      return 0;
    }
    if (POSTINSTALL) await postinstall();
    else await provision();
    return 0;
  } catch (e) {
    if (e instanceof Interrupted || interrupted) {
      const line = keptPrevious
        ? `interrupted (${interrupted ?? 'signal'}) while ${phase}; the previous build is back in place and still used, run it again to rebuild`
        : `interrupted (${interrupted ?? 'signal'}) while ${phase}; nothing half-installed is left (lr-compare uses wasm until provisioned), run it again`;
      writeStatus(`not provisioned: ${line}`);
      console.error(`${NAME}: ${line}`);
      return interrupted === 'SIGTERM' ? 143 : 130;
    }
    const failure = e instanceof ProvisionError ? e.message : `unexpected error: ${e?.stack ?? e}`;
    const reason = keptPrevious ? `${failure}; the previous build is back in place and still used` : failure;
    if (parsed) writeStatus(reason);
    if (POSTINSTALL) {
      // Never fail the install: lr-compare falls back to wasm.
      console.error(`${NAME}: native backend not provisioned (${reason}); lr-compare uses wasm, 'npx lr-compare native install' retries`);
      return 0;
    }
    console.error(`${NAME}: FAILED: ${reason}`);
    return e instanceof ProvisionError && e.user ? 2 : 1;
  }
}

process.exitCode = await main();
