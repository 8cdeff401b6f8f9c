/**
 * When a run counts as diverged. A non-finite loss is the obvious case, but
 * with a numerically stable log-softmax a blown-up network usually keeps a
 * finite loss: at --lr 50 the first epoch's mean loss is near 900,000, and
 * afterwards dead ReLUs hold it around 15. Predicting every class with equal
 * probability costs ln(classes) (2.30 for 10 digits), and training starts
 * there; a mean loss of several times that means the network is confidently
 * wrong, so, like the range test's stop rule, 4x marks divergence.
 */
export const DIVERGENCE_FACTOR = 4;

export function lossLimit(classes: number): number {
  return DIVERGENCE_FACTOR * Math.log(classes);
}

export function hasDiverged(trainingLoss: number, validationLoss: number, classes: number): boolean {
  const limit = lossLimit(classes);
  return !Number.isFinite(trainingLoss) || !Number.isFinite(validationLoss) || trainingLoss > limit || validationLoss > limit;
}
