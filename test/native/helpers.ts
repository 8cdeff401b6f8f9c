import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const SCRIPT = resolve(__dirname, '../../scripts/native-install.mjs');

/**
 * A project shaped like a clone whose @tensorflow/tfjs-node was installed
 * (with --ignore-scripts) but never built: what `npm install` leaves before
 * provisioning. Nothing in it is real TensorFlow, so a test that reaches
 * the build step would fail loudly, and the real node_modules is never touched.
 */
export function fakeProject(): { dir: string; cache: string; tfjsNode: string } {
  const base = mkdtempSync(join(tmpdir(), 'lr-native-'));
  const dir = join(base, 'project');
  const tfjsNode = join(dir, 'node_modules', '@tensorflow', 'tfjs-node');
  mkdirSync(join(tfjsNode, 'scripts'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fake-clone', version: '0.0.0', optionalDependencies: { '@tensorflow/tfjs-node': '4.22.0' } }));
  writeFileSync(join(tfjsNode, 'package.json'), JSON.stringify({ name: '@tensorflow/tfjs-node', version: '4.22.0', main: 'index.js' }));
  writeFileSync(join(tfjsNode, 'index.js'), "throw new Error('fake tfjs-node: not built');\n");
  writeFileSync(join(tfjsNode, 'scripts', 'deps-constants.js'), "const LIBTENSORFLOW_VERSION = '2.9.1';\n");
  // tfjs-node's loader asks node-pre-gyp where the addon goes.
  const preGyp = join(dir, 'node_modules', '@mapbox', 'node-pre-gyp');
  mkdirSync(preGyp, { recursive: true });
  writeFileSync(join(preGyp, 'package.json'), JSON.stringify({ name: '@mapbox/node-pre-gyp', version: '1.0.9', main: 'index.js' }));
  writeFileSync(
    join(preGyp, 'index.js'),
    "const path = require('path');\nexports.find = (p) => path.join(path.dirname(p), 'lib', 'napi-v8', 'tfjs_binding.node');\n",
  );
  const cache = join(base, 'cache');
  return { dir, cache, tfjsNode };
}

export interface ScriptResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the provisioning script for `packageDir`; `onStdout` may signal the child. */
export function runScript(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onStdout?: (text: string, child: ReturnType<typeof spawn>) => void,
): Promise<ScriptResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [SCRIPT, ...args], { env: { ...process.env, LR_COMPARE_NATIVE: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      onStdout?.(stdout, child);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolvePromise({ status, stdout, stderr }));
  });
}
