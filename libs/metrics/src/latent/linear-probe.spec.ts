import { describe, expect, it } from 'vitest';
import { createRng } from '@genlab/data';
import { cancelled, ErrorCode } from '@genlab/errors';
import { randomOrthogonal } from '../testing/random-matrices';
import { linearProbe, type LabelledFeatures } from './linear-probe';

const CLASSES = 10;

/** `count` latents of `dim` Gaussian coordinates with uniform random labels; `labelled` writes the label into coordinate 3. */
function latents(count: number, dim: number, seed: number, labelled: boolean): LabelledFeatures {
  const rng = createRng(seed);
  const values = new Float64Array(count * dim);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i += 1) {
    labels[i] = rng.nextInt(CLASSES);
    for (let j = 0; j < dim; j += 1) values[i * dim + j] = 5 * rng.nextNormal() + 2;
    if (labelled) values[i * dim + 3] = labels[i]!;
  }
  return { features: { values, count, dim }, labels };
}

/** The same latents in rotated coordinates: the label lies along a direction that is no axis. */
function rotated(set: LabelledFeatures, seed: number): LabelledFeatures {
  const { values, count, dim } = set.features;
  const q = randomOrthogonal(dim, seed);
  const out = new Float64Array(values.length);
  for (let i = 0; i < count; i += 1) {
    for (let a = 0; a < dim; a += 1) {
      let sum = 0;
      for (let b = 0; b < dim; b += 1) sum += q[a * dim + b]! * values[i * dim + b]!;
      out[i * dim + a] = sum;
    }
  }
  return { features: { values: out, count, dim }, labels: set.labels };
}

describe('linearProbe', () => {
  it('scores 100 % on a latent space that contains the label exactly (one coordinate equals it, 10 classes)', async () => {
    const probe = await linearProbe(latents(2000, 8, 1, true), latents(1000, 8, 2, true));
    expect(probe.accuracy).toBe(1);
    expect(probe.trainAccuracy).toBe(1);
    expect(probe.test.count).toBe(1000);
    expect(probe.numClasses).toBe(CLASSES);
    expect(probe.dim).toBe(8);
  });

  it('scores 100 % when the label lies along a rotated direction', async () => {
    const probe = await linearProbe(rotated(latents(2000, 8, 3, true), 9), rotated(latents(1000, 8, 4, true), 9));
    expect(probe.accuracy).toBe(1);
  });

  it('scores near chance on random latents', async () => {
    const n = 3000;
    const probe = await linearProbe(latents(n, 8, 5, false), latents(n, 8, 6, false));
    const chance = 1 / CLASSES;
    expect(Math.abs(probe.accuracy - chance)).toBeLessThan(4 * Math.sqrt((chance * (1 - chance)) / n));
    expect(probe.test.nll).toBeGreaterThan(Math.log(CLASSES) - 0.05); // no better than the uniform guess
  });

  it('is deterministic, reports L-BFGS progress and stops when cancelled', async () => {
    const train = latents(500, 4, 7, true);
    const test = latents(200, 4, 8, true);
    const progress: number[] = [];
    const first = await linearProbe(train, test, { maxIterations: 50, onProgress: (done, total) => progress.push(done / total) });
    expect(await linearProbe(train, test, { maxIterations: 50 })).toEqual(first);
    expect(progress.length).toBe(first.iterations);
    expect(progress.at(-1)).toBe(first.iterations / 50);

    let calls = 0;
    const stop = () => {
      if (++calls === 3) throw cancelled('probe stopped');
    };
    await expect(linearProbe(train, test, { throwIfCancelled: stop })).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    expect(calls).toBe(3);
  });

  it('refuses mismatched splits and labels', async () => {
    const train = latents(50, 4, 1, true);
    await expect(linearProbe(train, latents(20, 5, 2, true))).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    await expect(linearProbe(train, { ...latents(20, 4, 2, true), labels: new Int32Array(19) })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    await expect(linearProbe(train, latents(20, 4, 2, true), { numClasses: 5 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
  });
});
