import { describe, expect, it } from 'vitest';
import { MNIST_10K } from '../mnist/mnist.constants';
import { expectInvalidArgument } from '../testing/domain-error.matcher';
import { readMnistGz } from '../testing/mnist.fixture';
import { sliceDataset, splitDataset } from './dataset.split';
import { readIdxImageDataset } from './idx-image-dataset.reader';
import type { TensorDataset } from './tensor-dataset.types';

const tiny: TensorDataset = { shape: [2], count: 4, x: Float32Array.of(0, 1, 2, 3, 4, 5, 6, 7), labels: Int32Array.of(0, 1, 0, 1), numClasses: 2 };

describe('splitDataset', () => {
  it('splits mnist-10k into the first 8,000 for training and the last 2,000 for testing', () => {
    const { images, labels } = readMnistGz();
    const ds = readIdxImageDataset(images, labels);
    const { train, test } = splitDataset(ds, MNIST_10K.trainCount);
    expect([train.count, test.count]).toEqual([MNIST_10K.trainCount, MNIST_10K.testCount]);
    expect(train.x.length).toBe(8_000 * 784);
    expect(test.x.length).toBe(2_000 * 784);
    expect(Array.from(train.labels?.subarray(0, 5) ?? [])).toEqual([7, 2, 1, 0, 4]);
    expect(Array.from(test.labels?.subarray(0, 10) ?? [])).toEqual([4, 9, 9, 7, 1, 1, 9, 0, 7, 8]);
    expect([train.numClasses, test.numClasses]).toEqual([10, 10]);
    expect(test.x[0]).toBe(ds.x[8_000 * 784]);
  });

  it('returns views that share memory with the source', () => {
    const { train, test } = splitDataset(tiny, 3);
    expect(train.x.buffer).toBe(tiny.x.buffer);
    expect(Array.from(test.x)).toEqual([6, 7]);
    expect(Array.from(test.labels ?? [])).toEqual([1]);
  });

  it('allows empty sides and refuses trainCount outside [0, count]', () => {
    expect(splitDataset(tiny, 4).test.count).toBe(0);
    expect(splitDataset(tiny, 0).train.x.length).toBe(0);
    expectInvalidArgument(() => splitDataset(tiny, 5), 'trainCount must be an integer in [0, 4], got 5');
    expectInvalidArgument(() => splitDataset(tiny, 1.5), 'trainCount must be an integer in [0, 4], got 1.5');
  });
});

describe('sliceDataset', () => {
  it('takes examples [start, end) and refuses ranges outside the dataset', () => {
    expect(Array.from(sliceDataset(tiny, 1, 3).x)).toEqual([2, 3, 4, 5]);
    expectInvalidArgument(() => sliceDataset(tiny, 3, 2), 'slice [3, 2) is not within the 4 examples');
  });
});
