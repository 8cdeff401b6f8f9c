// Train your own tfjs model with a PyTorch-exact learning-rate schedule.
//
//   npm install lr-compare @tensorflow/tfjs
//   node train-with-schedule.mjs
//
// (In a clone of lr-compare: `npm run build && node examples/train-with-schedule.mjs`.)
import * as tf from '@tensorflow/tfjs';
import { learningRateScheduler, schedule, schedules } from 'lr-compare';

// A toy regression: y = 3 x1 - 2 x2 + 1, with a little noise.
const xs = tf.randomNormal([512, 2], 0, 1, 'float32', 7);
const ys = xs.matMul(tf.tensor2d([[3], [-2]])).add(1).add(tf.randomNormal([512, 1], 0, 0.1, 'float32', 8));
const [trainX, validX] = tf.split(xs, [448, 64]);
const [trainY, validY] = tf.split(ys, [448, 64]);

function makeModel() {
  const model = tf.sequential();
  model.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [2], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
  // The schedule takes its base rate from the optimizer (0.05 here) and keeps the optimizer's state.
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
  return model;
}

// 1. A spec string, as on the command line: one-cycle stepped every batch, its length taken from fit.
const onecycle = makeModel();
const fitted = await onecycle.fit(trainX, trainY, {
  epochs: 6,
  batchSize: 32,
  verbose: 0,
  validationData: [validX, validY],
  callbacks: [learningRateScheduler('onecycle:unit=batch')],
});
console.log('onecycle   lr at each epoch end:', fitted.history.lr.map((lr) => lr.toPrecision(3)).join(' '));
console.log('           val_loss            :', fitted.history.val_loss.map((loss) => loss.toFixed(4)).join(' '));

// 2. A typed factory: reduce on plateau of val_loss (needs validation data).
const plateau = makeModel();
const plateauHistory = await plateau.fit(trainX, trainY, {
  epochs: 20,
  batchSize: 32,
  verbose: 0,
  validationData: [validX, validY],
  callbacks: [learningRateScheduler(schedules.plateau({ patience: 1, factor: 0.5 }))],
});
console.log('plateau    lr at each epoch end:', plateauHistory.history.lr.map((lr) => lr.toPrecision(3)).join(' '));

// 3. The schedule alone, to plot or to drive a loop of your own.
const cosine = await schedule(schedules.cosine({ tMax: 6 }), { lr: 0.05 });
console.log('cosine     lr at epochs 0..6   :', [0, 1, 2, 3, 4, 5, 6].map((epoch) => cosine.lrAt(epoch).toPrecision(3)).join(' '));
