import { beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { bernoulliLogLikelihood } from './bernoulli';
import { gaussianKlToStandardNormal, gaussianLogDensityFromNoise, gaussianLogLikelihood, standardNormalLogDensity } from './gaussian';

const values = async (t: tf.Tensor) => Array.from(await t.data());

describe('likelihood terms', () => {
  beforeAll(() => initCompute({ logger: false }));

  it('Bernoulli log-likelihood equals x·log σ(l) + (1−x)·log(1−σ(l)), finite for huge logits', async () => {
    const logits = tf.tensor([[0, 2, -3], [100, -100, 1e4]]);
    const x = tf.tensor([[1, 0, 1], [1, 1, 0]]);
    const sig = (l: number) => 1 / (1 + Math.exp(-l));
    const [row0, row1] = await values(bernoulliLogLikelihood(logits, x));
    expect(row0).toBeCloseTo(Math.log(0.5) + Math.log(1 - sig(2)) + Math.log(sig(-3)), 5);
    expect(row1).toBeCloseTo(0 - 100 - 1e4, 1); // log σ(100) ≈ 0, log σ(−100) ≈ −100, log(1−σ(1e4)) ≈ −1e4
  });

  it('KL to N(0, I) is 0 at the prior and ½(σ² + μ² − 1 − log σ²) elsewhere', async () => {
    const mean = tf.tensor([[0, 0], [1, -2]]);
    const logVar = tf.tensor([[0, 0], [Math.log(4), 0]]);
    const [atPrior, other] = await values(gaussianKlToStandardNormal(mean, logVar));
    expect(atPrior).toBeCloseTo(0, 6);
    expect(other).toBeCloseTo(0.5 * (4 + 1 - 1 - Math.log(4)) + 0.5 * (1 + 4 - 1 - 0), 5);
  });

  it('Gaussian log-densities match the closed forms', async () => {
    const z = tf.tensor([[0, 1]]);
    expect((await values(standardNormalLogDensity(z)))[0]).toBeCloseTo(-Math.log(2 * Math.PI) - 0.5, 5);
    const eps = tf.tensor([[0.5, -1]]);
    const logVar = tf.tensor([[Math.log(4), 0]]);
    const expected = -0.5 * (0.25 + Math.log(4)) - 0.5 * 1 - Math.log(2 * Math.PI);
    expect((await values(gaussianLogDensityFromNoise(eps, logVar)))[0]).toBeCloseTo(expected, 5);
  });

  it('Gaussian log-likelihood is Σ log N(x_d; μ_d, σ_d²), broadcasting a per-dimension log-variance', async () => {
    const logNormal = (x: number, mu: number, v: number) => -0.5 * (Math.log(2 * Math.PI * v) + (x - mu) ** 2 / v);
    const mean = tf.tensor([[0, 1], [2, -1]]);
    const logVar = tf.tensor([Math.log(0.25), Math.log(4)]);
    const x = tf.tensor([[0.5, 1], [2, 3]]);
    const [row0, row1] = await values(gaussianLogLikelihood(mean, logVar, x));
    expect(row0).toBeCloseTo(logNormal(0.5, 0, 0.25) + logNormal(1, 1, 4), 5);
    expect(row1).toBeCloseTo(logNormal(2, 2, 0.25) + logNormal(3, -1, 4), 5);
  });

  it('Gaussian log-likelihood stays finite at the clamp bounds and far from the mean', async () => {
    const mean = tf.tensor([[0, 0]]);
    const [tight, wide] = await values(gaussianLogLikelihood(mean, tf.tensor([[-12, 6]]), tf.tensor([[[1e3, 1e3]], [[0, 0]]])));
    expect(tight).toBeCloseTo(-0.5 * (1e6 * Math.exp(12) - 12 + 1e6 * Math.exp(-6) + 6 + 2 * Math.log(2 * Math.PI)), -6);
    expect(Number.isFinite(wide)).toBe(true);
  });
});
