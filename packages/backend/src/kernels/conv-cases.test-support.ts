import * as tf from '@tensorflow/tfjs-core';
import { randomInt, seededRandom } from '../parity.test-support';

/** One convolution geometry, shared by the parity tests of both conv gradient kernels. */
export interface ConvCase {
  batch: number;
  /** The conv input (x, or the conv-transpose output dx). */
  height: number;
  width: number;
  inChannels: number;
  filter: [number, number];
  outChannels: number;
  strides: [number, number];
  pad: 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The shape of dy: the forward convolution's output for this case. */
export function convOutShape(c: ConvCase): [number, number, number, number] {
  return tf.backend_util.computeConv2DInfo(
    [c.batch, c.height, c.width, c.inChannels],
    [c.filter[0], c.filter[1], c.inChannels, c.outChannels],
    c.strides,
    1,
    c.pad,
    c.dimRoundingMode,
  ).outShape;
}

/**
 * Stride 1/2 × same/valid × 1/3 input channels × batch 1/3 (16 cases), each with a random filter
 * and odd or even sizes that are always ≥ the filter.
 */
export function randomConvCases(seed: number): ConvCase[] {
  const rand = seededRandom(seed);
  const cases: ConvCase[] = [];
  for (const stride of [1, 2])
    for (const pad of ['same', 'valid'] as const)
      for (const inChannels of [1, 3])
        for (const batch of [1, 3]) {
          const fh = randomInt(rand, 1, 5);
          const fw = randomInt(rand, 1, 5);
          cases.push({
            batch,
            height: randomInt(rand, fh, 13),
            width: randomInt(rand, fw, 13),
            inChannels,
            filter: [fh, fw],
            outChannels: randomInt(rand, 1, 6),
            strides: [stride, stride],
            pad,
          });
        }
  return cases;
}
