import * as tf from '@tensorflow/tfjs';

/** How often the training loop lets the event loop run, so that signals and a lost parent are seen promptly. */
const BATCHES_BETWEEN_YIELDS = 20;

/**
 * A tfjs callback that yields to the event loop now and then. The training
 * loop is otherwise synchronous on the wasm and cpu backends, and a signal
 * handler (or a worker's 'disconnect' handler) only runs when the event loop
 * gets a turn.
 */
export class YieldToEventLoop extends tf.Callback {
  override async onBatchEnd(batch: number): Promise<void> {
    if (batch % BATCHES_BETWEEN_YIELDS === BATCHES_BETWEEN_YIELDS - 1) await new Promise((resolve) => setImmediate(resolve));
  }

  override async onEpochEnd(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
  }
}
