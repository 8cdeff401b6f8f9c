/**
 * When a run counts as diverged. A non-finite loss is the obvious case, but
 * with a numerically stable log-softmax a blown-up network usually keeps a
 * finite loss: at --lr 50 the first epoch's mean loss is near 900,000, and
 * afterwards dead ReLUs hold it around 15. Predicting every class with equal
 * probability costs ln(classes) (2.30 for 10 digits), and training starts
 * there; a mean loss of several times that means the network is confidently
 * wrong, so 4x marks divergence. (The range test's stop rule, lr-finder.ts'
 * DIVERGENCE_FACTOR, is another measure: 4x the smoothed loss's own minimum.)
 */
export const DIVERGED_LOSS_OVER_CHANCE = 4;

function lossLimit(classes: number): number {
  return DIVERGED_LOSS_OVER_CHANCE * Math.log(classes);
}

export function hasDiverged(trainingLoss: number, validationLoss: number, classes: number): boolean {
  const limit = lossLimit(classes);
  return !Number.isFinite(trainingLoss) || !Number.isFinite(validationLoss) || trainingLoss > limit || validationLoss > limit;
}
