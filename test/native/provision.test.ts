import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeProject, runScript } from './helpers.js';

const WHEEL = 'tensorflow_cpu-2.9.1-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl';
const WHEEL_SIZE = 207453921; // PyPI's record of the file

/** pip pointed at a port where nothing listens: a real "no network" for the package index, without needing one. */
function offlineIndex(project: ReturnType<typeof fakeProject>): NodeJS.ProcessEnv {
  const emptyLinks = join(project.cache, '..', 'no-links');
  mkdirSync(emptyLinks, { recursive: true });
  return {
    LR_COMPARE_CACHE_DIR: project.cache,
    PIP_INDEX_URL: 'http://127.0.0.1:9/simple/',
    PIP_FIND_LINKS: emptyLinks,
    PIP_RETRIES: '1', // pip names the connection error only when it retries
    PIP_TIMEOUT: '5',
    NO_PROXY: '127.0.0.1',
    no_proxy: '127.0.0.1',
  };
}

const statusLine = (project: ReturnType<typeof fakeProject>) =>
  readFileSync(join(project.dir, 'node_modules', '.lr-compare-native-status'), 'utf8').trim();

/** Nothing that the next `lr-compare run` could trip over: no libraries, no addon, no partial download. */
function expectNothingHalfInstalled(project: ReturnType<typeof fakeProject>): void {
  expect(existsSync(join(project.tfjsNode, 'deps'))).toBe(false);
  expect(existsSync(join(project.tfjsNode, 'lib', 'napi-v8', 'tfjs_binding.node'))).toBe(false);
  expect(readdirSync(project.tfjsNode).filter((f) => f.startsWith('.deps-'))).toEqual([]);
  const wheels = join(project.cache, 'wheels');
  if (existsSync(wheels)) expect(readdirSync(wheels)).toEqual([]);
}

const oneLine = (text: string) => text.trim().split('\n').filter((l) => l.trim() !== '');

describe('native provisioning: opt-out and installs as a dependency', () => {
  it('LR_COMPARE_NATIVE=skip makes the postinstall do nothing and say so', async () => {
    const project = fakeProject();
    const result = await runScript(['--postinstall', '--package-dir', project.dir], { ...offlineIndex(project), LR_COMPARE_NATIVE: 'skip' });
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/skipped \(LR_COMPARE_NATIVE=skip\).*npx lr-compare native install/);
    expect(existsSync(project.cache)).toBe(false);
    expect(existsSync(join(project.dir, 'node_modules', '.lr-compare-native-status'))).toBe(false);
  });

  it('as an installed dependency, the postinstall only says how to provision, and never fails', async () => {
    const project = fakeProject();
    const installed = join(project.dir, 'node_modules', 'lr-compare');
    mkdirSync(installed);
    writeFileSync(join(installed, 'package.json'), JSON.stringify({ name: 'lr-compare', version: '0.1.0' }));
    const result = await runScript(['--postinstall', '--package-dir', installed], offlineIndex(project));
    expect(result.status).toBe(0);
    expect(oneLine(result.stdout)).toEqual([expect.stringMatching(/not set up, so lr-compare uses wasm; 'npx lr-compare native install' builds it/)]);
    expect(existsSync(project.cache)).toBe(false);
  });
});

describe('native provisioning: faults give one line, the right exit code, and nothing half-installed', () => {
  it('no network: the package index cannot be reached (exit 1; as postinstall exit 0)', async () => {
    const project = fakeProject();
    const result = await runScript(['--package-dir', project.dir], offlineIndex(project));
    expect(result.status, result.stderr).toBe(1);
    expect(oneLine(result.stderr)).toEqual([expect.stringMatching(/^lr-compare native install: FAILED: pip download tensorflow-cpu==2\.9\.1 failed: cannot reach the Python package index/)]);
    expect(statusLine(project)).toMatch(/cannot reach the Python package index/);
    expectNothingHalfInstalled(project);

    const postinstall = await runScript(['--postinstall', '--package-dir', project.dir], offlineIndex(project));
    expect(postinstall.status).toBe(0);
    expect(oneLine(postinstall.stderr)).toEqual([expect.stringMatching(/native backend not provisioned \(.*cannot reach the Python package index.*'npx lr-compare native install' retries/)]);
  });

  it('a wheel given with LR_COMPARE_TF_WHEEL that is truncated or has another checksum is refused (exit 2)', async () => {
    const project = fakeProject();
    const folder = join(project.cache, '..', 'mine');
    mkdirSync(folder, { recursive: true });
    const wheel = join(folder, WHEEL);
    writeFileSync(wheel, 'PK\u0003\u0004 not really a wheel');
    const truncated = await runScript(['--package-dir', project.dir], { ...offlineIndex(project), LR_COMPARE_TF_WHEEL: wheel });
    expect(truncated.status, truncated.stderr).toBe(2);
    expect(oneLine(truncated.stderr)).toEqual([expect.stringMatching(/LR_COMPARE_TF_WHEEL=.* is not PyPI's file: 0\.0 MB instead of 207\.5 MB \(truncated\)/)]);
    truncateSync(wheel, WHEEL_SIZE); // the right size, the wrong bytes (a sparse file: cheap)
    const wrong = await runScript(['--package-dir', project.dir], { ...offlineIndex(project), LR_COMPARE_TF_WHEEL: wheel });
    expect(wrong.status, wrong.stderr).toBe(2);
    expect(oneLine(wrong.stderr)).toEqual([expect.stringMatching(/is not PyPI's file: sha256 [0-9a-f]{12}… instead of PyPI's 6666ddeae45e…; download it again/)]);
    expectNothingHalfInstalled(project);
  });

  it('a damaged wheel in the cache is removed and downloaded again', async () => {
    const project = fakeProject();
    mkdirSync(join(project.cache, 'wheels'), { recursive: true });
    writeFileSync(join(project.cache, 'wheels', WHEEL), 'PK\u0003\u0004 cut short');
    const result = await runScript(['--package-dir', project.dir], offlineIndex(project));
    expect(result.stdout).toMatch(/cached wheel .* is damaged \(0\.0 MB instead of 207\.5 MB \(truncated\)\); removing it and downloading again/);
    // Offline, the download then fails, but the damaged file is gone.
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/cannot reach the Python package index/);
    expectNothingHalfInstalled(project);
  });

  it('no C/C++ compiler on PATH: refused before downloading anything (exit 1)', async () => {
    const project = fakeProject();
    // A PATH with python3 (and its pip), make and readelf, but no compiler.
    const bin = join(project.cache, '..', 'bin');
    mkdirSync(bin, { recursive: true });
    const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).stdout.trim();
    symlinkSync(python, join(bin, 'python3'));
    writeFileSync(join(bin, 'pip3'), `#!/bin/sh\nexec "${python}" -m pip "$@"\n`);
    chmodSync(join(bin, 'pip3'), 0o755);
    for (const tool of ['make', 'readelf', 'sh']) {
      const found = spawnSync('sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      if (found) symlinkSync(found, join(bin, tool));
    }
    const env: NodeJS.ProcessEnv = { ...offlineIndex(project), PATH: bin, CC: '', CXX: '' };
    const result = await runScript(['--package-dir', project.dir], env);
    expect(result.status, result.stderr).toBe(1);
    expect(oneLine(result.stderr)).toEqual([
      expect.stringMatching(/FAILED: missing a C compiler \(cc\), a C\+\+ compiler \(g\+\+\); on Debian\/Ubuntu: apt-get install build-essential/),
    ]);
    expect(result.stdout).not.toMatch(/downloading/);
    expectNothingHalfInstalled(project);
  });

  it('Ctrl-C during the download: stops, says where, exits 130, leaves no partial wheel', async () => {
    const project = fakeProject();
    // A pip that starts "downloading" (writes part of a file) and then hangs, as on a slow link.
    const bin = join(project.cache, '..', 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(
      join(bin, 'pip3'),
      '#!/bin/sh\ncase "$*" in *--version*) echo "pip 0 (fake)"; exit 0;; esac\n' +
        'while [ "$1" != "-d" ]; do shift; done\nhead -c 1000000 /dev/zero > "$2/partial.whl"\nexec sleep 60\n',
    );
    chmodSync(join(bin, 'pip3'), 0o755);
    let sent = false;
    const result = await runScript(['--package-dir', project.dir], { ...offlineIndex(project), PATH: `${bin}:${process.env.PATH}` }, (text, child) => {
      if (!sent && text.includes('downloading tensorflow-cpu')) {
        sent = true;
        // Let the fake pip write its partial file first.
        setTimeout(() => child.kill('SIGINT'), 1000);
      }
    });
    expect(sent).toBe(true);
    expect(result.status, result.stderr).toBe(130);
    expect(oneLine(result.stderr)).toEqual([expect.stringMatching(/interrupted \(SIGINT\) while downloading the wheel; nothing half-installed is left/)]);
    expect(statusLine(project)).toMatch(/^not provisioned: interrupted/);
    expectNothingHalfInstalled(project);
  });

  const mounts: string[] = [];
  afterEach(() => {
    for (const folder of mounts.splice(0)) spawnSync('umount', [folder]);
  });

  /** `folder` made read-only in place (a read-only bind mount), when this machine lets the tests mount (root, as in CI). */
  function readOnly(folder: string): boolean {
    if (spawnSync('mount', ['--bind', folder, folder]).status !== 0) return false;
    mounts.push(folder);
    return spawnSync('mount', ['-o', 'remount,bind,ro', folder]).status === 0;
  }

  it('a read-only node_modules: one line naming it, exit 1, before any download', async (context) => {
    const project = fakeProject();
    const nodeModules = join(project.dir, 'node_modules');
    if (!readOnly(nodeModules)) {
      context.skip(); // reported as skipped: mounting needs root
      return;
    }
    const result = await runScript(['--package-dir', project.dir], offlineIndex(project));
    expect(result.status, result.stderr).toBe(1);
    expect(oneLine(result.stderr)).toEqual([expect.stringMatching(/FAILED: .*\/node_modules is not writable \(EROFS\)/)]);
    expect(result.stdout).not.toMatch(/downloading/);
    expectNothingHalfInstalled(project);
  });

  it('native install --force that fails puts the working build back instead of leaving no backend', async () => {
    // Getting past the download needs PyPI's real wheel: the one provisioning cached (CI provisions before the tests).
    const cacheDir = process.env.LR_COMPARE_CACHE_DIR || join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'lr-compare');
    const wheel = join(cacheDir, 'wheels', WHEEL);
    if (!existsSync(wheel)) {
      // Required in CI (LR_COMPARE_REQUIRE_NATIVE=1): a missing wheel there is a failure, not a skip.
      expect(process.env.LR_COMPARE_REQUIRE_NATIVE, `no cached wheel at ${wheel}`).not.toBe('1');
      return;
    }
    const project = fakeProject();
    // A previous build: the addon, its libraries and the record, with contents to recognise.
    const binding = join(project.tfjsNode, 'lib', 'napi-v8', 'tfjs_binding.node');
    mkdirSync(join(project.tfjsNode, 'lib', 'napi-v8'), { recursive: true });
    writeFileSync(binding, 'the previous addon');
    mkdirSync(join(project.tfjsNode, 'deps', 'lib'), { recursive: true });
    writeFileSync(join(project.tfjsNode, 'deps', 'lib', 'libtensorflow.so.2'), 'the previous library');
    writeFileSync(join(project.tfjsNode, '.lr-compare-native.json'), '{"previous":true}\n');
    // The fake package has no binding.gyp, so the rebuild fails after unpacking the wheel, inside the build step.
    const result = await runScript(['--force', '--package-dir', project.dir], { ...offlineIndex(project), LR_COMPARE_TF_WHEEL: wheel });
    expect(result.status, result.stderr).toBe(1);
    expect(oneLine(result.stderr)).toEqual([expect.stringMatching(/^lr-compare native install: FAILED: .*; the previous build is back in place and still used$/)]);
    expect(readFileSync(binding, 'utf8')).toBe('the previous addon');
    expect(readFileSync(join(project.tfjsNode, 'deps', 'lib', 'libtensorflow.so.2'), 'utf8')).toBe('the previous library');
    expect(readFileSync(join(project.tfjsNode, '.lr-compare-native.json'), 'utf8')).toBe('{"previous":true}\n');
    expect(readdirSync(project.tfjsNode).filter((f) => f.startsWith('.previous') || f.startsWith('.deps-'))).toEqual([]);
    expect(statusLine(project)).toMatch(/the previous build is back in place and still used$/);
  }, 300_000);
});
