import { describe, expect, it } from 'vitest';
import { createRng } from '@genlab/data';
import { cancelled, ErrorCode } from '@genlab/errors';
import { umapEmbedding } from './umap-embedding';

const DIM = 10;

/** Two Gaussian clusters (σ = 1) in 10-D, centres 20 apart; labels 0 for the first `perCluster` rows, 1 after. */
function twoClusters(perCluster: number, seed: number) {
  const rng = createRng(seed);
  const count = 2 * perCluster;
  const values = new Float64Array(count * DIM);
  for (let i = 0; i < count; i += 1) {
    for (let j = 0; j < DIM; j += 1) values[i * DIM + j] = rng.nextNormal() + (i >= perCluster && j === 0 ? 20 : 0);
  }
  return { values, count, dim: DIM };
}

function centroid(points: Float64Array, from: number, to: number): [number, number] {
  let x = 0;
  let y = 0;
  for (let i = from; i < to; i += 1) {
    x += points[2 * i]!;
    y += points[2 * i + 1]!;
  }
  return [x / (to - from), y / (to - from)];
}

describe('umapEmbedding', () => {
  const features = twoClusters(60, 4);

  it('separates two well-separated clusters: every point is far nearer its own cluster centre than the other', async () => {
    const { points, count, nNeighbors, nEpochs } = await umapEmbedding(features, { seed: 3 });
    expect(count).toBe(120);
    expect(nNeighbors).toBe(15);
    expect(nEpochs).toBe(500);
    const centres = [centroid(points, 0, 60), centroid(points, 60, 120)];
    const gap = Math.hypot(centres[0]![0] - centres[1]![0], centres[0]![1] - centres[1]![1]);
    for (let i = 0; i < count; i += 1) {
      const own = centres[i < 60 ? 0 : 1]!;
      expect(Math.hypot(points[2 * i]! - own[0], points[2 * i + 1]! - own[1])).toBeLessThan(gap / 3);
    }
  });

  it('is deterministic for a seed, and another seed gives another layout', async () => {
    const first = await umapEmbedding(features, { seed: 7, nEpochs: 50 });
    const again = await umapEmbedding(features, { seed: 7, nEpochs: 50 });
    expect(again.points).toEqual(first.points);
    const other = await umapEmbedding(features, { seed: 8, nEpochs: 50 });
    expect(other.points).not.toEqual(first.points);
  });

  it('lowers nNeighbors for small sets, reports progress and stops when cancelled', async () => {
    const small = twoClusters(4, 1);
    const progress: number[] = [];
    const result = await umapEmbedding(small, { nEpochs: 25, onProgress: (done) => progress.push(done) });
    expect(result.nNeighbors).toBe(7);
    expect(progress).toEqual([10, 20, 25]);
    let calls = 0;
    const stop = () => {
      if (++calls === 2) throw cancelled('embedding stopped');
    };
    await expect(umapEmbedding(small, { nEpochs: 25, throwIfCancelled: stop })).rejects.toMatchObject({ code: ErrorCode.Cancelled });
    await expect(umapEmbedding({ values: new Float64Array(4), count: 2, dim: 2 })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
  });
});
