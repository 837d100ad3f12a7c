import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { discretizedGaussianLogLikelihood } from './ddpm.likelihood';

describe('discretised Gaussian decoder', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('puts total mass 1 on the 256 levels of 8-bit data in [-1, 1]', async () => {
    for (const [mean, logVar] of [[0.3, Math.log(0.01)], [-0.99, Math.log(1e-3)], [1.5, 0]]) {
      const levels = tf.tensor2d(Array.from({ length: 256 }, (_, k) => (2 * k) / 255 - 1), [256, 1]);
      const logP = discretizedGaussianLogLikelihood(levels, tf.fill([256, 1], mean), logVar);
      const total = (await tf.sum(tf.exp(logP)).data())[0];
      expect(total, `mean ${mean}`).toBeCloseTo(1, 4);
      tf.dispose([levels, logP]);
    }
  });

  it('is about 0 nats when the decoder is sharp on the value, finite far from it', async () => {
    const x = tf.tensor2d([[-1, 0.2, 1]]);
    const sharp = discretizedGaussianLogLikelihood(x, x, Math.log(1e-6));
    expect((await sharp.data())[0]).toBeCloseTo(0, 3);
    const far = discretizedGaussianLogLikelihood(x, tf.tensor2d([[1, -1, -1]]), Math.log(1e-4));
    const value = (await far.data())[0];
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeLessThan(-50);
    tf.dispose([x, sharp, far]);
  });
});
