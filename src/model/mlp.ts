import { createRandom, deriveSeed } from '../data/random.js';

/** The network of the source article: inputs -> Dense(hidden, ReLU) -> Dense(classes, softmax). */
export interface MlpShape {
  readonly inputs: number;
  readonly hidden: number;
  readonly classes: number;
}

export const ARTICLE_MLP: MlpShape = { inputs: 784, hidden: 128, classes: 10 };

/** Host copies of the parameters, row-major; kernels are [fanIn, fanOut] as in Keras. */
export interface MlpWeights {
  readonly kernel1: Float32Array;
  readonly bias1: Float32Array;
  readonly kernel2: Float32Array;
  readonly bias2: Float32Array;
}

/** Glorot (Xavier) uniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)), Keras' default for Dense. */
function glorotUniform(fanIn: number, fanOut: number, random: () => number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const values = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < values.length; i++) values[i] = (2 * random() - 1) * limit;
  return values;
}

/** Initial weights from the seed alone, so every scheduler of a repeat starts from the same point. */
export function initialWeights(shape: MlpShape, seed: number): MlpWeights {
  const random = createRandom(deriveSeed(seed, 0));
  return {
    kernel1: glorotUniform(shape.inputs, shape.hidden, random),
    bias1: new Float32Array(shape.hidden),
    kernel2: glorotUniform(shape.hidden, shape.classes, random),
    bias2: new Float32Array(shape.classes),
  };
}
