import { describe, expect, it } from 'vitest';
import { describeSelection, type BackendSelection } from '../../src/train/backend/select.js';

function selectionWithNativeFailure(detail: string): BackendSelection {
  return {
    name: 'wasm',
    packageVersion: '4.22.0',
    attempts: [
      { backend: 'tensorflow', ok: false, detail },
      { backend: 'wasm', ok: true, detail: '4.22.0' },
    ],
    unpatchKernels: () => undefined,
  };
}

describe('describeSelection', () => {
  it('ends the native reason with one period whether or not the reason has its own', () => {
    const expected =
      "backend: wasm (@tensorflow/tfjs-backend-wasm 4.22.0); native backend unavailable: libtensorflow.so.2 not found. Run 'npx lr-compare native install' to build it (see README, \"Backends\")";
    expect(describeSelection(selectionWithNativeFailure('libtensorflow.so.2 not found.'))).toBe(expected);
    expect(describeSelection(selectionWithNativeFailure('libtensorflow.so.2 not found'))).toBe(expected);
  });
});
