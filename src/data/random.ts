/**
 * Seeded randomness owned by lr-compare, not tfjs: tfjs' own shuffling and
 * initializers are unseeded (or seeded per call), and identical conditions
 * across schedulers need the same weights and the same batch order.
 */

/** Mixes a 32-bit integer (the finaliser of MurmurHash3). */
function mix32(value: number): number {
  let h = value | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Derives an independent stream seed from a base seed and a purpose (e.g. an epoch number). */
export function deriveSeed(seed: number, ...streams: number[]): number {
  let h = mix32(seed ^ 0x9e3779b9);
  for (const stream of streams) h = mix32(h ^ mix32(stream + 0x632be5ab));
  return h;
}

/** mulberry32: small, fast, and good enough for shuffling and weight init. Returns floats in [0, 1). */
export function createRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Fisher-Yates permutation of 0..count-1 for the given epoch, the same for every scheduler. */
export function epochOrder(count: number, seed: number, epoch: number): Uint32Array {
  const random = createRandom(deriveSeed(seed, 1, epoch));
  const order = new Uint32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
  return order;
}
