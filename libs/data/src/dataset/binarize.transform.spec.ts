import { describe, expect, it } from 'vitest';
import { readMnistGz } from '../testing/mnist.fixture';
import { binarize, binarizeDataset } from './binarize.transform';
import { readIdxImageDataset } from './idx-image-dataset.reader';

describe('binarize', () => {
  it('maps x > 0.5 to 1 and everything else, 0.5 included, to 0', () => {
    expect(Array.from(binarize(Float32Array.of(0, 0.5, 0.50001, 1, -3)))).toEqual([0, 0, 1, 1, 0]);
    expect(Array.from(binarize(Float32Array.of(0.1, 0.3), 0.2))).toEqual([0, 1]);
  });

  it('binarises MNIST to the fraction numpy finds for x / 255 > 0.5', () => {
    const { images, labels } = readMnistGz();
    const ds = readIdxImageDataset(images, labels);
    const bin = binarizeDataset(ds);
    expect(bin.labels).toBe(ds.labels);
    const ones = bin.x.reduce((sum, v) => sum + v, 0);
    expect(ones / bin.x.length).toBeCloseTo(0.13422946428571428, 10);
  });
});
