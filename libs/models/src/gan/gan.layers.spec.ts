import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ParameterSet } from '../nn/parameter-set';
import { expectNoTensorLeak } from '../testing/tensor-leak';
import { applyBatchNorm, createBatchNorm, leakyRelu } from './gan.layers';

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

describe('leakyRelu', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('has the values and gradient of max(x, 0.2·x), and a gradient of its gradient (WGAN-GP needs one)', async () => {
    await expectNoTensorLeak(async () => {
      const out = tf.tidy(() => {
        const x = tf.tensor1d([-2, -0.5, 0.25, 3, -1e-3, 1e-3]);
        const w = tf.tensor1d([1, 2, 3, 4, 5, 6]);
        const value = leakyRelu(x);
        const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(leakyRelu(xi), w)))(x);
        // d/dw of Σ (∂/∂x Σ w·leaky(x))² = 2·w·mask²: the gradient's own gradient, through dy.
        const ddw = tf.grad((wi: tf.Tensor) => tf.sum(tf.square(tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(leakyRelu(xi), wi)))(x))))(w);
        return [value, dx, ddw];
      });
      const [value, dx, ddw] = await Promise.all(out.map((t) => t.data()));
      const mask = [0.2, 0.2, 1, 1, 0.2, 1];
      [-0.4, -0.1, 0.25, 3, -2e-4, 1e-3].forEach((v, i) => expect(value[i]).toBeCloseTo(v, 7));
      Array.from(dx).forEach((v, i) => expect(v).toBeCloseTo((i + 1) * mask[i]!, 6));
      Array.from(ddw).forEach((v, i) => expect(v).toBeCloseTo(2 * (i + 1) * mask[i]! ** 2, 5));
      tf.dispose(out);
    });
  });
});
