import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLrCompare } from './helpers.js';

describe('lr-compare doctor', () => {
  it('reports every backend, whether it loads, and for a missing native one what to run', async () => {
    const result = await runLrCompare(['doctor']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/│ wasm +│ +@tensorflow\/tfjs-backend-wasm │ +4\.\d+\.\d+ │ +yes │/);
    expect(result.stdout).toMatch(/│ cpu +│ +@tensorflow\/tfjs-backend-cpu │ +4\.\d+\.\d+ │ +yes │/);
    const marker = resolve(__dirname, '../../node_modules/.lr-compare-native-status');
    const nativeOk = existsSync(marker) && readFileSync(marker, 'utf8').startsWith('ok');
    if (nativeOk) {
      expect(result.stdout).toMatch(/│ tensorflow +│ +@tensorflow\/tfjs-node +│ +4\.\d+\.\d+ │ +yes │/);
      expect(result.stdout).toMatch(/--backend auto uses: tensorflow/);
    } else {
      expect(result.stdout).toMatch(/│ tensorflow .* no +│ .*npm run native:install/);
      expect(result.stdout).toMatch(/--backend auto uses: wasm/);
    }
  });
});
