import { describe, expect, it } from 'vitest';
import { axisTitles, labelCounts, parseLatentProjection, parseProjectionMeta, projectedPoints } from './latent-projection';

const body = {
  count: 3,
  latentDim: 8,
  labels: [2, 0, 2],
  pca: [1, 2, 3, 4, 5, 6],
  pcaExplainedVariance: [3, 1],
  umap: [-1, -2, -3, -4, -5, -6],
};

describe('parseLatentProjection', () => {
  it('reads the flat x0,y0,x1,y1 layout into points for either method, labelled when there are labels', () => {
    const projection = parseLatentProjection(JSON.stringify(body));
    expect(projectedPoints(projection, 'pca')).toEqual([
      { x: 1, y: 2, label: 2 },
      { x: 3, y: 4, label: 0 },
      { x: 5, y: 6, label: 2 },
    ]);
    expect(projectedPoints(projection, 'umap')[2]).toEqual({ x: -5, y: -6, label: 2 });
    const unlabelled = parseLatentProjection(JSON.stringify({ ...body, labels: [] }));
    expect(projectedPoints(unlabelled, 'pca')[0]).toEqual({ x: 1, y: 2 });
  });

  it('names what is wrong with a malformed body', () => {
    expect(() => parseLatentProjection('[]')).toThrow('not a JSON object');
    expect(() => parseLatentProjection(JSON.stringify({ ...body, pca: [1, 2] }))).toThrow('pca must hold 2 × 3 numbers');
    expect(() => parseLatentProjection(JSON.stringify({ ...body, labels: [1] }))).toThrow('labels must be empty or hold 3 numbers');
    expect(() => parseLatentProjection(JSON.stringify({ ...body, pcaExplainedVariance: [1] }))).toThrow('pcaExplainedVariance');
  });
});

describe('parseProjectionMeta', () => {
  it('reads the meta and tolerates missing fields', () => {
    expect(parseProjectionMeta('{"evaluationId":"e","checkpointId":"c","count":3,"seed":7}')).toEqual({ evaluationId: 'e', checkpointId: 'c', count: 3, seed: 7 });
    expect(parseProjectionMeta('')).toEqual({ evaluationId: '', checkpointId: '', count: 0, seed: 0 });
  });
});

describe('axisTitles', () => {
  const projection = parseLatentProjection(JSON.stringify(body));

  it('splits the kept fraction between the PCA axes by their variances', () => {
    // Both axes keep 80% of the variance; the first has 3/4 of what they keep: 60% and 20%.
    expect(axisTitles(projection, 'pca', 0.8)).toEqual(['PC1 (60% of variance)', 'PC2 (20% of variance)']);
    expect(axisTitles(projection, 'pca', 0.04)).toEqual(['PC1 (3.0% of variance)', 'PC2 (1.0% of variance)']);
  });

  it('falls back to the variance itself without the fraction, and has no variance for UMAP', () => {
    expect(axisTitles(projection, 'pca')).toEqual(['PC1 (variance 3)', 'PC2 (variance 1)']);
    expect(axisTitles(projection, 'umap', 0.8)).toEqual(['UMAP 1', 'UMAP 2']);
  });
});

describe('labelCounts', () => {
  it('counts each label, ascending', () => {
    expect(labelCounts([2, 0, 2, 9])).toEqual([
      { label: 0, count: 1 },
      { label: 2, count: 2 },
      { label: 9, count: 1 },
    ]);
  });
});
