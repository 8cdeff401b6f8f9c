#!/usr/bin/env node
// Provision the native TensorFlow backend (@tensorflow/tfjs-node) without the
// download that its own install script does (storage.googleapis.com is not
// reachable here). See docs/native-backend.md for the why and the how.
//
//   1. npm install --no-save --ignore-scripts @tensorflow/tfjs-node@<locked version>
//   2. pip download the tensorflow-cpu wheel whose version matches tfjs-node's
//      LIBTENSORFLOW_VERSION (scripts/deps-constants.js), cached in
//      ~/.cache/lr-compare/wheels
//   3. unpack the TensorFlow runtime + C API headers from the wheel into
//      node_modules/@tensorflow/tfjs-node/deps/{lib,include}
//   4. build tfjs-node's addon (binding.gyp) with npm's node-gyp into the path
//      tfjs-node's loader (node-pre-gyp find) expects
//   5. verify in a fresh process: load, backend 'tensorflow', a tiny matMul
//
// Idempotent: when the addon already loads and computes, it only verifies.
// Writes node_modules/.lr-compare-native-status: first line "ok" or the reason.
// Exit code 0 on success, 1 on any failure (with one "native:install FAILED:" line).
//
// Options:  --force            rebuild even if the backend already works
// Env:      LR_COMPARE_CACHE_DIR   cache dir (default ~/.cache/lr-compare)
//           LR_COMPARE_TF_VERSION  tensorflow-cpu version (default: tfjs-node's LIBTENSORFLOW_VERSION)
//           LR_COMPARE_TF_WHEEL    path of an already downloaded tensorflow-cpu wheel (skips pip)
//           PIP_INDEX_URL etc.     honoured by pip (mirrors)

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NODE_MODULES = path.join(ROOT, 'node_modules');
const PKG_DIR = path.join(NODE_MODULES, '@tensorflow', 'tfjs-node');
const STATUS_FILE = path.join(NODE_MODULES, '.lr-compare-native-status');
const STATE_FILE = path.join(PKG_DIR, '.lr-compare-native.json');
const CACHE_DIR =
  process.env.LR_COMPARE_CACHE_DIR ||
  path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'lr-compare');
const LOG_DIR = path.join(CACHE_DIR, 'logs');
const FORCE = process.argv.includes('--force');
// The wheel's Python tag does not matter for the C library; cp310 exists for
// every tensorflow-cpu from 2.8 to 2.15, and for later versions too.
const WHEEL_PYTHON = process.env.LR_COMPARE_WHEEL_PYTHON || '3.10';

class ProvisionError extends Error {}
const fail = (reason) => {
  throw new ProvisionError(reason);
};

const t0 = Date.now();
const secs = () => ((Date.now() - t0) / 1000).toFixed(1) + 's';
const log = (msg) => console.log(`[native:install ${secs()}] ${msg}`);

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? process.env,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: opts.timeout ?? 15 * 60 * 1000,
    stdio: opts.inherit ? 'inherit' : 'pipe',
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (opts.logName) {
    fs.mkdirSync(LOG_DIR, { recursive: true });
    fs.writeFileSync(path.join(LOG_DIR, opts.logName), `$ ${cmd} ${args.join(' ')}\n${out}`);
  }
  return { ok: r.status === 0 && !r.error, status: r.status, signal: r.signal, error: r.error, out };
}

const tail = (text, n = 15) => text.trim().split('\n').slice(-n).join('\n');
const has = (cmd, args = ['--version']) => run(cmd, args, { timeout: 60_000 }).ok;

function writeStatus(line) {
  // node_modules may not exist at all (no npm ci yet): then there is nowhere to write.
  if (fs.existsSync(NODE_MODULES)) fs.writeFileSync(STATUS_FILE, line.replace(/\s+/g, ' ').trim() + '\n');
}

// ---------------------------------------------------------------- versions

function tfjsNodeVersion() {
  const lockPath = path.join(ROOT, 'package-lock.json');
  if (fs.existsSync(lockPath)) {
    const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));
    const v = lock.packages?.['node_modules/@tensorflow/tfjs-node']?.version;
    if (v) return v;
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const spec =
    pkg.optionalDependencies?.['@tensorflow/tfjs-node'] ?? pkg.dependencies?.['@tensorflow/tfjs-node'];
  const m = spec && /^[\^~=]?(\d+\.\d+\.\d+)$/.exec(spec.trim());
  if (!m) fail(`cannot tell which @tensorflow/tfjs-node version to install (package.json has "${spec}")`);
  return m[1];
}

function installedVersion() {
  try {
    return JSON.parse(fs.readFileSync(path.join(PKG_DIR, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function libtensorflowVersion() {
  const file = path.join(PKG_DIR, 'scripts', 'deps-constants.js');
  const m = /LIBTENSORFLOW_VERSION\s*=\s*['"](\d+\.\d+\.\d+)['"]/.exec(fs.readFileSync(file, 'utf8'));
  if (!m) fail(`no LIBTENSORFLOW_VERSION in ${file}`);
  return m[1];
}

// ---------------------------------------------------------------- verify

// Runs in a fresh process so that a failing dlopen or a crash is reported,
// not inherited. Prints one JSON line.
const VERIFY_JS = `
process.env.TF_CPP_MIN_LOG_LEVEL = process.env.TF_CPP_MIN_LOG_LEVEL || '2';
const tf = require('@tensorflow/tfjs-node');
const backend = tf.getBackend();
const a = tf.tensor2d([[1, 2], [3, 4]]);
const got = Array.from(tf.matMul(a, a).dataSync());
console.log(JSON.stringify({ backend, got, tfjsNode: tf.version['tfjs-node'],
  libtensorflow: tf.backend().binding && tf.backend().binding.TF_Version }));
`;

function verify() {
  const r = run(process.execPath, ['-e', VERIFY_JS], { timeout: 180_000 });
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
  if (res.got.join() !== want.join())
    return { ok: false, reason: `matMul gave [${res.got}] instead of [${want}]` };
  return { ok: true, ...res };
}

// ---------------------------------------------------------------- steps

function installPackage(version) {
  if (installedVersion() === version && canResolveDeps()) {
    log(`@tensorflow/tfjs-node@${version} already in node_modules`);
    return;
  }
  log(`installing @tensorflow/tfjs-node@${version} (--no-save --ignore-scripts)`);
  const guarded = ['package.json', 'package-lock.json'].map((f) => path.join(ROOT, f)).filter((f) => fs.existsSync(f));
  const before = guarded.map((f) => fs.readFileSync(f));
  const r = run(
    'npm',
    ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', `@tensorflow/tfjs-node@${version}`],
    { logName: 'npm-install.log' },
  );
  // --no-save leaves both files alone (checked with npm 11). Only warn if not:
  // writing them back could undo a concurrent edit by someone else.
  guarded.forEach((f, i) => {
    if (!fs.readFileSync(f).equals(before[i])) log(`WARNING: ${path.basename(f)} changed during npm install; check git diff`);
  });
  if (!r.ok) fail(`npm install @tensorflow/tfjs-node@${version} failed: ${tail(r.out, 3)}`);
  if (installedVersion() !== version) fail(`npm install did not put @tensorflow/tfjs-node@${version} in node_modules`);
  if (!canResolveDeps()) fail('tfjs-node is installed but its dependency @mapbox/node-pre-gyp is not');
}

function canResolveDeps() {
  try {
    createRequire(path.join(PKG_DIR, 'package.json')).resolve('@mapbox/node-pre-gyp');
    return true;
  } catch {
    return false;
  }
}

function findPip() {
  for (const cmd of [['pip3'], ['pip'], ['python3', '-m', 'pip']]) {
    if (has(cmd[0], [...cmd.slice(1), '--version'])) return cmd;
  }
  fail('no pip found (tried pip3, pip, python3 -m pip); install python3-pip');
}

function getWheel(tfVersion) {
  if (process.env.LR_COMPARE_TF_WHEEL) {
    const w = path.resolve(process.env.LR_COMPARE_TF_WHEEL);
    if (!fs.existsSync(w)) fail(`LR_COMPARE_TF_WHEEL=${w} does not exist`);
    return w;
  }
  const dir = path.join(CACHE_DIR, 'wheels');
  fs.mkdirSync(dir, { recursive: true });
  const cached = () =>
    fs
      .readdirSync(dir)
      .filter((f) => f.startsWith(`tensorflow_cpu-${tfVersion}-`) && f.endsWith('.whl'))
      .map((f) => path.join(dir, f))[0];
  if (cached()) {
    log(`using cached wheel ${cached()}`);
    return cached();
  }
  const pip = findPip();
  // Download into a private temp dir, then move: a killed run leaves no half wheel in the cache.
  const tmp = fs.mkdtempSync(path.join(dir, '.dl-'));
  log(`downloading tensorflow-cpu==${tfVersion} wheel from PyPI (about 200 MB)`);
  const r = run(
    pip[0],
    [
      ...pip.slice(1),
      'download',
      '--no-deps',
      '--only-binary=:all:',
      '--python-version', WHEEL_PYTHON,
      '--platform', 'manylinux2014_x86_64',
      '--platform', 'manylinux_2_17_x86_64',
      '--progress-bar', 'off',
      '--disable-pip-version-check',
      '--no-input',
      '-d', tmp,
      `tensorflow-cpu==${tfVersion}`,
    ],
    { logName: 'pip-download.log' },
  );
  const got = fs.readdirSync(tmp).filter((f) => f.endsWith('.whl'));
  if (!r.ok || got.length !== 1) {
    fs.rmSync(tmp, { recursive: true, force: true });
    const net = /NewConnectionError|Connection refused|Name or service not known|Temporary failure in name resolution|ProxyError|Read timed out/.exec(r.out);
    const err = net
      ? `cannot reach the Python package index (${net[0]})`
      : (r.out.split('\n').filter((l) => l.startsWith('ERROR:')).pop() ?? tail(r.out, 2));
    fail(`pip download tensorflow-cpu==${tfVersion} failed: ${err} (log: ${path.join(LOG_DIR, 'pip-download.log')})`);
  }
  fs.renameSync(path.join(tmp, got[0]), path.join(dir, got[0]));
  fs.rmSync(tmp, { recursive: true, force: true });
  return path.join(dir, got[0]);
}

// Unpacks only what is needed (the wheel is a zip of ~600 MB). Python's
// zipfile is used because python3 is needed anyway (pip, node-gyp) while
// unzip is not installed on a fresh Debian.
const EXTRACT_PY = `
import json, sys, zipfile
whl, dest = sys.argv[1], sys.argv[2]
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
    print(json.dumps({'missing': missing})); sys.exit(3)
members = libs + [n for n in names if n.startswith(inc) and not n.endswith('/')]
for n in members:
    z.extract(n, dest)
print(json.dumps({'libs': libs, 'headers': len(members) - len(libs)}))
`;

function python() {
  for (const p of [process.env.PYTHON, 'python3'].filter(Boolean)) if (has(p)) return p;
  fail('python3 not found (needed to unpack the wheel and by node-gyp)');
}

function stageDeps(wheel, py) {
  // Leftovers of an interrupted run (each holds ~500 MB).
  for (const f of fs.readdirSync(PKG_DIR)) if (f.startsWith('.deps-')) fs.rmSync(path.join(PKG_DIR, f), { recursive: true, force: true });
  const stage = fs.mkdtempSync(path.join(PKG_DIR, '.deps-'));
  log(`unpacking TensorFlow libraries and C headers from ${path.basename(wheel)}`);
  const r = run(py, ['-c', EXTRACT_PY, wheel, stage], { logName: 'unpack.log' });
  const line = r.out.trim().split('\n').pop() ?? '';
  if (!r.ok) {
    fs.rmSync(stage, { recursive: true, force: true });
    fail(`unpacking ${path.basename(wheel)} failed: ${line}`);
  }
  const info = JSON.parse(line);
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
  if (layout === 'pywrap') buildPyStub(lib, main);
  const deps = path.join(PKG_DIR, 'deps');
  fs.rmSync(deps, { recursive: true, force: true });
  fs.renameSync(stage, deps);
  return { layout, main, headers: info.headers };
}

// tensorflow-cpu < 2.12 has no libtensorflow_cc.so.2: the C API lives in the
// Python extension _pywrap_tensorflow_internal.so, which is linked with
// BIND_NOW and so needs every CPython symbol it references to exist at load
// time ("undefined symbol: PyTuple_Type"). None of them is ever called through
// the C API, so a tiny library that defines them (functions abort loudly, data
// objects are zeroed) is enough. It is generated from the relocations of the
// very library it serves.
function buildPyStub(lib, main) {
  // readelf prints ~80 MB of relocations here: send it to a file, then scan it.
  const relocs = path.join(lib, 'relocs.txt');
  const fd = fs.openSync(relocs, 'w');
  const r = spawnSync('readelf', ['-rW', path.join(lib, main)], { stdio: ['ignore', fd, 'pipe'], encoding: 'utf8' });
  fs.closeSync(fd);
  if (r.status !== 0) fail(`readelf -rW ${main} failed (binutils missing?): ${r.error?.message ?? tail(r.stderr ?? '', 2)}`);
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
  const b = run(cc, ['-shared', '-fPIC', '-O1', '-Wl,-soname,libtfjs_pystub.so', '-o', path.join(lib, 'libtfjs_pystub.so'), src], {
    logName: 'pystub.log',
  });
  if (!b.ok) fail(`compiling the CPython stub with ${cc} failed: ${tail(b.out, 3)}`);
  log(`built libtfjs_pystub.so (${syms.size} CPython symbols stubbed)`);
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

function bindingPath() {
  const req = createRequire(path.join(PKG_DIR, 'package.json'));
  return req('@mapbox/node-pre-gyp').find(path.join(PKG_DIR, 'package.json'));
}

function buildAddon(layout) {
  const target = bindingPath();
  const napi = /napi-v(\d+)/.exec(target)?.[1];
  if (!napi) fail(`cannot tell the N-API version from the addon path ${target}`);
  const gyp = nodeGyp();
  const dir = nodeDir();
  const env = { ...process.env };
  if (layout === 'pywrap') {
    // Make the addon depend on the stub so it is loaded before the TF library is relocated.
    const lib = path.join(PKG_DIR, 'deps', 'lib');
    env.LDFLAGS = `${env.LDFLAGS ?? ''} -Wl,--no-as-needed -L${lib} -ltfjs_pystub`.trim();
  }
  log(`building the addon with node-gyp (N-API ${napi}) -> ${path.relative(ROOT, target)}`);
  const r = run(
    process.execPath,
    [gyp, 'rebuild', `--nodedir=${dir}`, '--jobs=2', `--napi_build_version=${napi}`, '--module_name=tfjs_binding', `--module_path=${path.dirname(target)}`],
    { cwd: PKG_DIR, env, logName: 'node-gyp.log' },
  );
  if (!r.ok || !fs.existsSync(target)) {
    const err = r.out.split('\n').find((l) => /error|not found|No such file/i.test(l) && !/^gyp info/.test(l));
    fail(`node-gyp build failed: ${(err ?? tail(r.out, 2)).trim()} (full log: ${path.join(LOG_DIR, 'node-gyp.log')})`);
  }
}

// ---------------------------------------------------------------- main

function main() {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    fail(`this route supports linux-x64 only (this is ${process.platform}-${process.arch})`);
  if (!fs.existsSync(NODE_MODULES)) fail('node_modules is missing: run npm ci first');
  const version = tfjsNodeVersion();

  if (!FORCE && installedVersion() === version && canResolveDeps()) {
    const v = verify();
    if (v.ok) {
      log(`already provisioned: @tensorflow/tfjs-node@${v.tfjsNode} on libtensorflow ${v.libtensorflow}, backend '${v.backend}', matMul ok`);
      writeStatus('ok');
      return;
    }
    log(`present but not working (${v.reason}); provisioning`);
  }

  installPackage(version);
  const tfVersion = process.env.LR_COMPARE_TF_VERSION || libtensorflowVersion();
  log(`tfjs-node ${version} expects libtensorflow ${libtensorflowVersion()}; using tensorflow-cpu ${tfVersion}`);
  const py = python();
  const wheel = getWheel(tfVersion);
  const deps = stageDeps(wheel, py);
  log(`deps/lib: ${deps.main} (as libtensorflow.so.2), libtensorflow_framework.so.2; ${deps.headers} C API headers in deps/include`);
  buildAddon(deps.layout);

  const v = verify();
  if (!v.ok) fail(`built, but the check failed: ${v.reason}`);
  fs.writeFileSync(
    STATE_FILE,
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
  writeStatus('ok');
  log(`done: @tensorflow/tfjs-node@${v.tfjsNode} loads, backend '${v.backend}', libtensorflow ${v.libtensorflow}, matMul ok`);
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

try {
  main();
} catch (e) {
  const reason = e instanceof ProvisionError ? e.message : `unexpected error: ${e?.stack ?? e}`;
  try {
    writeStatus(reason);
  } catch {
    /* the message below is what matters */
  }
  console.error(`native:install FAILED: ${reason}`);
  process.exit(1);
}
