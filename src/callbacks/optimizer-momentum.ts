/**
 * Reading and setting the momentum coefficient a tfjs optimizer really
 * applies, beside the rate (optimizer-rate.ts), for schedules that cycle it as
 * PyTorch's CyclicLR and OneCycleLR do (cycle_momentum). Checked against
 * tfjs-core 4.22's sources, and through the weights' updates against
 * torch.optim.SGD/Adam in test/train/optimizers.test.ts.
 */
import * as tf from '@tensorflow/tfjs';

/** tfjs' Momentum: `momentum` is only what getConfig reports; the update multiplies by the cached scalar `m`. */
interface TfjsMomentumFields {
  momentum: number;
  m: tf.Scalar;
}
/** tfjs' Adam: the update reads `beta1`, and divides by 1 - `accBeta1`, a variable it multiplies by beta1 after each step. */
interface TfjsAdamFields {
  beta1: number;
  accBeta1: tf.Variable;
}

/**
 * Sets the momentum coefficient the optimizer's next step really uses, as a
 * PyTorch scheduler with cycle_momentum sets `momentum` or `betas[0]`:
 *  - Momentum: tfjs' own setMomentum only changes the reported field; the
 *    update multiplies by the cached scalar `m`, which is replaced here.
 *  - Adam: the update reads `beta1`, but its bias correction divides by
 *    1 - accBeta1, a running product of past beta1s. PyTorch computes
 *    1 - beta1^step with the current beta1, so accBeta1 is set to that.
 *  - RMSProp: reads `momentum` at each step (tfjs keeps the rate inside its
 *    momentum buffer, as Keras does, unlike PyTorch).
 *  - AdamW (lr-compare's): reads `beta1` and computes its bias correction from it.
 * Plain SGD and the schedule-free optimizers are left alone (optimizer-names.ts
 * says why); returns whether the momentum was set.
 */
export function setMomentum(optimizer: tf.Optimizer, momentum: number): boolean {
  switch (optimizer.getClassName()) {
    case 'Momentum': {
      const fields = optimizer as unknown as TfjsMomentumFields;
      if (fields.momentum === momentum) return true;
      fields.momentum = momentum;
      fields.m.dispose();
      fields.m = tf.keep(tf.scalar(momentum));
      return true;
    }
    case 'Adam': {
      const fields = optimizer as unknown as TfjsAdamFields;
      fields.beta1 = momentum;
      tf.tidy(() => fields.accBeta1.assign(tf.scalar(momentum ** (optimizer.iterations + 1))));
      return true;
    }
    case 'RMSProp':
      (optimizer as unknown as { momentum: number }).momentum = momentum;
      return true;
    case 'AdamW':
      (optimizer as unknown as { beta1: number }).beta1 = momentum;
      return true;
    default:
      return false;
  }
}

/** The momentum the optimizer's next step will apply (read where the update reads it), or undefined without one. */
export function effectiveMomentum(optimizer: tf.Optimizer): number | undefined {
  switch (optimizer.getClassName()) {
    case 'Momentum':
      return (optimizer as unknown as TfjsMomentumFields).m.dataSync()[0];
    case 'Adam':
      return (optimizer as unknown as TfjsAdamFields).beta1;
    case 'RMSProp':
      return (optimizer as unknown as { momentum: number }).momentum;
    case 'AdamW':
      return (optimizer as unknown as { beta1: number }).beta1;
    default:
      return undefined;
  }
}

