import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DOCTOR_WIDTH, renderDoctor, wrapText } from '../../src/commands/doctor.js';
import { runLrCompare } from './helpers.js';

const columns = (text: string) => Math.max(...text.split('\n').map((line) => [...line].length));

describe('lr-compare doctor', () => {
  it('reports every backend, whether it loads, and for a missing native one what to run', async () => {
    const result = await runLrCompare(['doctor']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/│ wasm +│ +@tensorflow\/tfjs-backend-wasm │ +4\.\d+\.\d+ │ +yes │/);
    expect(result.stdout).toMatch(/│ cpu +│ +@tensorflow\/tfjs-backend-cpu │ +4\.\d+\.\d+ │ +yes │/);
    expect(columns(result.stdout)).toBeLessThanOrEqual(DOCTOR_WIDTH);
    const marker = resolve(__dirname, '../../node_modules/.lr-compare-native-status');
    const nativeOk = existsSync(marker) && readFileSync(marker, 'utf8').startsWith('ok');
    if (nativeOk) {
      expect(result.stdout).toMatch(/│ tensorflow +│ +@tensorflow\/tfjs-node +│ +4\.\d+\.\d+ │ +yes │/);
      expect(result.stdout).toMatch(/--backend auto uses: tensorflow/);
    } else {
      expect(result.stdout).toMatch(/│ tensorflow .* no +│/);
      expect(result.stdout).toMatch(/to fix: run 'npx lr-compare native install'/);
      expect(result.stdout).toMatch(/--backend auto uses: wasm/);
    }
    expect(result.stdout).not.toMatch(/npm run native:install/);
  });

  it('fits 120 columns when the native backend fails with its long load error', () => {
    // The first line of the error tfjs-node throws when its addon is not built (tryBackend keeps the first line).
    const path = '/home/someone/projects/with-a-long-name/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node';
    const failure =
      `The Node.js native addon module (tfjs_binding.node) can not be found at path: ${path}. Please run command ` +
      "'npm rebuild @tensorflow/tfjs-node --build-addon-from-source' to rebuild the native addon module.";
    const text = renderDoctor([
      { backend: 'tensorflow', version: '4.22.0', failure },
      { backend: 'wasm', version: '4.22.0', failure: undefined },
      { backend: 'cpu', version: '4.22.0', failure: undefined },
    ]);
    expect(columns(text)).toBeLessThanOrEqual(120);
    expect(text).toMatch(/│ tensorflow │ +@tensorflow\/tfjs-node │ +4\.22\.0 │ +no │/);
    // Nothing of the reason or the remedy is lost in the wrapping.
    const words = (s: string) => s.replace(/\s+/g, '');
    expect(words(text)).toContain(words(`tensorflow: ${failure}`));
    expect(words(text)).toContain(words("to fix: run 'npx lr-compare native install'"));
  });

  it('wraps at spaces, and inside a word longer than the line', () => {
    expect(wrapText('aaa bbb ccc', 7)).toEqual(['aaa bbb', '  ccc']);
    expect(wrapText('x'.repeat(12), 5)).toEqual(['xxxxx', '  xxx', '  xxx', '  x']);
  });
});
