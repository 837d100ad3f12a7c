import { beforeAll, describe, expect, it } from 'vitest';
import { deriveSeed, initCompute, tf } from '@genlab/compute';
import { createRng } from '@genlab/data';
import { deadlinePassed, ErrorCode } from '@genlab/errors';
import { featureMatrix, type FeatureMatrix } from './features/feature-matrix';
import { frechetInceptionDistance } from './frechet/frechet-distance';
import { drawSubsets } from './kid/kid-subsets';
import { densityCoverage, kernelInceptionDistance, precisionRecall, sampleMetrics } from './sample-metrics';
import { expectNoTensorLeak } from './testing/no-tensor-leak';

/** n rows of `dim` Gaussian features with per-column scale and shift (seeded). */
function gaussianFeatures(n: number, dim: number, seed: number, shift = 0, scale = 1): FeatureMatrix {
  const rng = createRng(seed);
  const values = Float32Array.from({ length: n * dim }, (_, i) => shift + scale * (1 + (i % dim) / dim) * rng.nextNormal());
  return featureMatrix(values, n, dim);
}

const row = (m: FeatureMatrix, i: number) => Array.from(m.values.subarray(i * m.dim, (i + 1) * m.dim));
const dot = (a: number[], b: number[]) => a.reduce((sum, x, c) => sum + x * b[c], 0);
const distance = (a: number[], b: number[]) => Math.sqrt(a.reduce((sum, x, c) => sum + (x - b[c]) ** 2, 0));

/** Distance from each row to its k-th nearest other row, by sorting every distance. */
function bruteRadii(m: FeatureMatrix, k: number): number[] {
  return Array.from({ length: m.count }, (_, i) => {
    const others = Array.from({ length: m.count }, (_, j) => j)
      .filter((j) => j !== i)
      .map((j) => distance(row(m, i), row(m, j)))
      .sort((a, b) => a - b);
    return others[k - 1];
  });
}

function brutePrecisionRecall(real: FeatureMatrix, fake: FeatureMatrix, k: number) {
  const [rr, rf] = [bruteRadii(real, k), bruteRadii(fake, k)];
  const inManifold = (m: FeatureMatrix, radii: number[], p: number[]) => radii.some((r, i) => distance(row(m, i), p) <= r);
  let precise = 0;
  for (let j = 0; j < fake.count; j += 1) precise += inManifold(real, rr, row(fake, j)) ? 1 : 0;
  let recalled = 0;
  for (let i = 0; i < real.count; i += 1) recalled += inManifold(fake, rf, row(real, i)) ? 1 : 0;
  return { precision: precise / fake.count, recall: recalled / real.count };
}

function bruteDensityCoverage(real: FeatureMatrix, fake: FeatureMatrix, k: number) {
  const radii = bruteRadii(real, k);
  let inBalls = 0;
  let covered = 0;
  for (let i = 0; i < real.count; i += 1) {
    let any = false;
    for (let j = 0; j < fake.count; j += 1) {
      if (distance(row(real, i), row(fake, j)) <= radii[i]) {
        inBalls += 1;
        any = true;
      }
    }
    covered += any ? 1 : 0;
  }
  return { density: inBalls / (k * fake.count), coverage: covered / real.count };
}

/** The unbiased MMD² with k(x, y) = (xᵀy/d + 1)³ between two index lists, by a double loop. */
function bruteMmd2(real: FeatureMatrix, fake: FeatureMatrix, xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  const kernel = (a: number[], b: number[]) => (dot(a, b) / real.dim + 1) ** 3;
  const m = xs.length;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < m; i += 1) {
    for (let j = 0; j < m; j += 1) {
      if (i !== j) {
        xx += kernel(row(real, xs[i]), row(real, xs[j]));
        yy += kernel(row(fake, ys[i]), row(fake, ys[j]));
      }
      xy += kernel(row(real, xs[i]), row(fake, ys[j]));
    }
  }
  return (xx + yy) / (m * (m - 1)) - (2 * xy) / (m * m);
}

describe('sample metrics on shared Gram blocks', () => {
  beforeAll(async () => {
    await initCompute({ logger: false });
  });

  // Overlapping but different clouds, so precision, recall, density and coverage are all strictly between their extremes.
  const real = gaussianFeatures(70, 5, 1, 0.5);
  const fake = gaussianFeatures(55, 5, 2, 0, 1.4);
  const smallBlocks = { maxBlockElements: 7 * 70 }; // 7 rows a block, and a partial last block

  it('precision and recall match a brute-force computation', async () => {
    for (const k of [1, 3, 6]) {
      const expected = brutePrecisionRecall(real, fake, k);
      expect(expected.precision).toBeGreaterThan(0);
      expect(expected.precision).toBeLessThan(1);
      const got = await precisionRecall(real, fake, { k, ...smallBlocks });
      expect(got).toEqual({ ...expected, k });
    }
    expect(await precisionRecall(real, fake)).toEqual({ ...brutePrecisionRecall(real, fake, 3), k: 3 });
  });

  it('density and coverage match a brute-force computation', async () => {
    for (const k of [2, 5]) {
      const expected = bruteDensityCoverage(real, fake, k);
      expect(expected.coverage).toBeLessThan(1);
      const got = await densityCoverage(real, fake, { k, ...smallBlocks });
      expect(got.k).toBe(k);
      expect(got.density).toBeCloseTo(expected.density, 12);
      expect(got.coverage).toBeCloseTo(expected.coverage, 12);
    }
  });

  it('KID on whole sets matches a direct O(n²) double loop', async () => {
    const x = gaussianFeatures(40, 6, 3, 0.2);
    const y = gaussianFeatures(40, 6, 4);
    const all = Array.from({ length: 40 }, (_, i) => i);
    const expected = bruteMmd2(x, y, all, all);
    const got = await kernelInceptionDistance(x, y, { subsets: 1, subsetSize: 40, maxBlockElements: 9 * 40 });
    expect(got.mean).toBeCloseTo(expected, 6);
    expect(got).toMatchObject({ std: 0, subsets: 1, subsetSize: 40 });
    expect(Math.abs(expected)).toBeGreaterThan(1e-3); // the shift makes it clearly non-zero
  });

  it('KID over seeded subsets matches the double loop on the same subsets, and the seed matters', async () => {
    const [subsets, size, seed] = [6, 25, 9];
    const xs = drawSubsets(real.count, size, subsets, deriveSeed(seed, 'real'));
    const ys = drawSubsets(fake.count, size, subsets, deriveSeed(seed, 'generated'));
    const perSubset = Array.from({ length: subsets }, (_, s) =>
      bruteMmd2(real, fake, xs.indices.subarray(s * size, (s + 1) * size), ys.indices.subarray(s * size, (s + 1) * size)),
    );
    const mean = perSubset.reduce((a, b) => a + b, 0) / subsets;
    const std = Math.sqrt(perSubset.reduce((a, v) => a + (v - mean) ** 2, 0) / subsets);
    const got = await kernelInceptionDistance(real, fake, { subsets, subsetSize: size, seed, ...smallBlocks });
    expect(got.mean).toBeCloseTo(mean, 6);
    expect(got.std).toBeCloseTo(std, 6);
    expect(std).toBeGreaterThan(1e-3);
    const other = await kernelInceptionDistance(real, fake, { subsets, subsetSize: size, seed: seed + 1 });
    expect(other.mean).not.toBeCloseTo(got.mean, 6);
  });

  it('KID between two samples of one distribution is within its spread of 0, and far from 0 for shifted samples', async () => {
    const x = gaussianFeatures(1500, 16, 5);
    const same = await kernelInceptionDistance(x, gaussianFeatures(1500, 16, 6), { subsets: 40, subsetSize: 400 });
    expect(Math.abs(same.mean)).toBeLessThan(3 * same.std);
    const shifted = await kernelInceptionDistance(x, gaussianFeatures(1500, 16, 6, 0.3), { subsets: 40, subsetSize: 400 });
    expect(shifted.mean).toBeGreaterThan(4 * shifted.std);
  });

  it('runs every metric in one call with the same results as one by one', async () => {
    const options = { kid: { subsets: 4, subsetSize: 30 }, precisionRecall: { k: 2 }, densityCoverage: { k: 4 }, ...smallBlocks };
    const all = await sampleMetrics(real, fake, options);
    expect(all.fid).toEqual(frechetInceptionDistance(real, fake));
    expect(all.kid).toEqual(await kernelInceptionDistance(real, fake, { subsets: 4, subsetSize: 30 }));
    expect(all.precisionRecall).toEqual(await precisionRecall(real, fake, { k: 2 }));
    expect(all.densityCoverage).toEqual(await densityCoverage(real, fake, { k: 4 }));
    expect(await sampleMetrics(real, fake, { fid: false, kid: false, precisionRecall: false, densityCoverage: false })).toEqual({ fid: undefined });
  });

  it('refuses too few samples for KID subsets or k-NN radii, naming the minimum', async () => {
    await expect(kernelInceptionDistance(real, fake)).rejects.toMatchObject({
      code: ErrorCode.InvalidArgument,
      message: 'kid: needs at least subsetSize = 1000 samples in each set, got 70 real and 55 generated; pass a subsetSize of at most 55 or more samples',
    });
    const four = gaussianFeatures(4, 5, 7);
    await expect(precisionRecall(real, four, { k: 4 })).rejects.toMatchObject({
      code: ErrorCode.InvalidArgument,
      message: 'precisionRecall: k = 4 needs more than 4 samples per set (at least 5), got 4 generated',
    });
    await expect(densityCoverage(four, real)).rejects.toMatchObject({ code: ErrorCode.InvalidArgument, message: expect.stringContaining('at least 6), got 4 real') });
    await expect(densityCoverage(real, four, { k: 0 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    await expect(sampleMetrics(real, gaussianFeatures(10, 4, 1))).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
  });

  it('leaves no tensors behind, also when cancelled between blocks', async () => {
    const options = { kid: { subsets: 3, subsetSize: 20 }, ...smallBlocks };
    await expectNoTensorLeak(() => sampleMetrics(real, fake, options));
    const before = tf.memory().numTensors;
    let calls = 0;
    await expect(sampleMetrics(real, fake, { ...options, isCancelled: () => ++calls > 3 })).rejects.toMatchObject({
      code: ErrorCode.Cancelled,
      message: 'real × real distances stopped after 21 of 70 rows: the caller cancelled',
    });
    expect(tf.memory().numTensors).toBe(before);
    const deadline = new AbortController();
    deadline.abort(deadlinePassed("the call's deadline passed after 150 ms"));
    await expect(sampleMetrics(real, fake, { ...options, isCancelled: () => true, signal: deadline.signal })).rejects.toMatchObject({
      code: ErrorCode.DeadlineExceeded,
      message: "real × real distances stopped after 0 of 70 rows: the call's deadline passed after 150 ms",
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});
