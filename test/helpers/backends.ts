import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BackendName } from '../../src/train/backend/select.js';

/** Whether provisioning left a native backend that loads (its status file says "ok"). */
export function nativeProvisioned(): boolean {
  const marker = resolve(__dirname, '../../node_modules/.lr-compare-native-status');
  return existsSync(marker) && readFileSync(marker, 'utf8').split('\n')[0].trim() === 'ok';
}

/** The three backends, tensorflow only where it was provisioned. */
export const BACKENDS: { name: BackendName; available: boolean }[] = [
  { name: 'cpu', available: true },
  { name: 'wasm', available: true },
  { name: 'tensorflow', available: nativeProvisioned() },
];

/** The tensor count at each epoch's end: it must not grow. */
export class TensorCount extends tf.Callback {
  readonly counts: number[] = [];
  override async onEpochEnd(): Promise<void> {
    this.counts.push(tf.memory().numTensors);
  }
}
