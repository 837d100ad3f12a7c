import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ParameterSet } from '../nn/parameter-set';
import { expectNoTensorLeak } from '../testing/tensor-leak';
import { applyBatchNorm, createBatchNorm } from './gan.layers';

/** Batch norm as plain tensor ops, differentiated by tfjs itself. */
function plainBatchNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, axes: number[]): tf.Tensor {
  const { mean, variance } = tf.moments(x, axes);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
}

describe('applyBatchNorm in training mode', () => {
  beforeAll(() => initCompute({ logger: false }));

  it.each([[[6, 3]], [[2, 3, 4, 5]]])('has the values and gradients of batch norm written as tensor ops (x of shape %j)', async (shape) => {
    const params = new ParameterSet();
    const buffers = new ParameterSet();
    const channels = shape[shape.length - 1];
    const bn = createBatchNorm(params, buffers, 'bn', channels);
    await expectNoTensorLeak(async () => {
      const out = tf.tidy(() => {
        bn.gamma.assign(tf.randomUniform([channels], 0.5, 2, 'float32', 3));
        bn.beta.assign(tf.randomNormal([channels], 0, 1, 'float32', 4));
        const x = tf.randomNormal(shape, 1, 3, 'float32', 1);
        const upstream = tf.randomNormal(shape, 0, 1, 'float32', 2); // a non-uniform incoming gradient
        const axes = shape.slice(0, -1).map((_, i) => i);
        const run = (f: (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor) => {
          const { value, grads } = tf.valueAndGrads((xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(xi, g, b), upstream)) as tf.Scalar)([x, bn.gamma, bn.beta]);
          return tf.concat([f(x, bn.gamma, bn.beta).flatten(), value.reshape([1]), ...grads.map((g) => g.flatten())]);
        };
        const viaModel = run((xi, g, b) => applyBatchNorm({ ...bn, gamma: g as tf.Variable, beta: b as tf.Variable }, xi, { training: true, updateStats: false }));
        return [viaModel, run((xi, g, b) => plainBatchNorm(xi, g, b, axes))];
      });
      const [a, b] = [await out[0].data(), await out[1].data()];
      expect(a.length).toBe(2 * tf.util.sizeFromShape(shape) + 1 + 2 * channels);
      a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 3));
      tf.dispose(out);
    });
    params.dispose();
    buffers.dispose();
  });
});
