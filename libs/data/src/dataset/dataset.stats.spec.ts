import { describe, expect, it } from 'vitest';
import { readMnistGz } from '../testing/mnist.fixture';
import { datasetStats } from './dataset.stats';
import { readIdxImageDataset } from './idx-image-dataset.reader';

describe('datasetStats', () => {
  it('computes mean, population std, range and class counts of a small dataset', () => {
    const stats = datasetStats({
      shape: [2],
      count: 2,
      x: Float32Array.of(0, 1, 2, 3),
      labels: Int32Array.of(2, 2),
      numClasses: 4,
    });
    expect(stats).toEqual({ count: 2, values: 4, mean: 1.5, std: Math.sqrt(1.25), min: 0, max: 3, classCounts: [0, 0, 2, 0] });
  });

  it('matches numpy on the MNIST test set (pixels / 255)', () => {
    const { images, labels } = readMnistGz();
    const stats = datasetStats(readIdxImageDataset(images, labels));
    expect(stats.mean).toBeCloseTo(0.13251460584233696, 6);
    expect(stats.std).toBeCloseTo(0.3104802479305351, 6);
    expect(stats.min).toBe(0);
    expect(stats.max).toBe(1);
    expect(stats.classCounts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('leaves classCounts out for an unlabelled dataset', () => {
    expect(datasetStats({ shape: [1], count: 1, x: Float32Array.of(5) })).not.toHaveProperty('classCounts');
  });
});
