import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { kernelsPatched, patchKernels, UntestedTfjsError } from '../../src/train/backend/patch.js';
import { selectBackend } from '../../src/train/backend/select.js';

const PRODUCT_KERNELS = ['BatchMatMul', '_FusedMatMul'];
const kernelFunctions = (backend: string) => PRODUCT_KERNELS.map((name) => tf.getKernel(name, backend).kernelFunc);

describe('patchKernels: the explicit, reversible kernel replacement', () => {
  it('is not applied by selecting a backend unless asked, and its undo restores the stock kernels', async () => {
    const selection = await selectBackend('cpu');
    expect(kernelsPatched('cpu')).toBe(false);
    const stock = kernelFunctions('cpu');
    selection.unpatchKernels(); // nothing was patched: a no-op
    expect(kernelFunctions('cpu')).toEqual(stock);

    const undo = patchKernels('cpu');
    expect(kernelsPatched('cpu')).toBe(true);
    const patched = kernelFunctions('cpu');
    for (const [i, kernel] of patched.entries()) expect(kernel).not.toBe(stock[i]);
    // Patching again changes nothing, and its undo does not undo the first patch.
    patchKernels('cpu')();
    expect(kernelFunctions('cpu')).toEqual(patched);
    undo();
    expect(kernelsPatched('cpu')).toBe(false);
    expect(kernelFunctions('cpu')).toEqual(stock);
  });

  it('is applied by selectBackend when asked, and undone through the selection', async () => {
    const stock = kernelFunctions('cpu');
    const selection = await selectBackend('cpu', { patchKernels: true });
    expect(kernelsPatched('cpu')).toBe(true);
    selection.unpatchKernels();
    expect(kernelFunctions('cpu')).toEqual(stock);
  });

  it('refuses a tfjs version it was not tested with, in one clear line, changing nothing', () => {
    const stock = kernelFunctions('cpu');
    expect(() => patchKernels('cpu', { core: '4.23.0' })).toThrow(UntestedTfjsError);
    expect(() => patchKernels('cpu', { core: '4.22.0', backend: '5.0.1' })).toThrow(
      /tested with 4\.22\.x only, but the cpu backend is 5\.0\.1; install @tensorflow\/tfjs@4\.22/,
    );
    expect(kernelFunctions('cpu')).toEqual(stock);
    expect(kernelsPatched('cpu')).toBe(false);
  });

  it('leaves a backend without replacements alone, whatever the version', () => {
    expect(() => patchKernels('tensorflow', { core: '9.0.0' })()).not.toThrow();
  });
});
