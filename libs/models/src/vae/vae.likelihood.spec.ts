import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { bernoulliLogLikelihood } from '../losses/bernoulli';
import { ParameterSet } from '../nn/parameter-set';
import { expectNoTensorLeak } from '../testing/tensor-leak';
import { createVaeLikelihood } from './vae.likelihood';

describe('the VAE’s Bernoulli likelihood', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('has the values and logits gradient of bernoulliLogLikelihood, also with x broadcast over samples', async () => {
    const likelihood = createVaeLikelihood(new ParameterSet(), 'bernoulli', 5);
    await expectNoTensorLeak(async () => {
      const [fast, plain] = tf.tidy(() => {
        const logits = tf.randomNormal([3, 2, 5], 0, 4, 'float32', 1); // [k, n, D]
        const x = tf.randomUniform([2, 5], 0, 1, 'float32', 2).greater(0.5).toFloat();
        const weights = tf.tensor2d([[1, -2], [0.5, 3], [-1, 1]]); // a non-uniform upstream gradient
        const run = (f: (l: tf.Tensor, x: tf.Tensor) => tf.Tensor) => {
          const { value, grad } = tf.valueAndGrad((l: tf.Tensor) => tf.sum(tf.mul(f(l, x), weights)))(logits);
          return tf.concat([f(logits, x).flatten(), value.reshape([1]), grad.flatten()]);
        };
        return [run(likelihood.logLikelihood), run(bernoulliLogLikelihood)];
      });
      const [a, b] = [await fast.data(), await plain.data()];
      expect(a.length).toBe(6 + 1 + 30);
      a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 4));
      tf.dispose([fast, plain]);
    });
  });
});
