import { describe, expect, it } from 'vitest';
import { encodeIdx } from '../idx/idx.writer';
import { expectInvalidArgument } from '../testing/domain-error.matcher';
import { readMnistGz, readMnistRaw } from '../testing/mnist.fixture';
import { readIdxImageDataset } from './idx-image-dataset.reader';

const images = (dims: number[]) =>
  encodeIdx({ dtype: 'uint8', dims, data: Uint8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i % 256) });
const labels = (values: number[]) => encodeIdx({ dtype: 'uint8', dims: [values.length], data: Uint8Array.from(values) });

describe('readIdxImageDataset on the real MNIST test set', () => {
  it('builds 10,000 examples of shape [28, 28, 1] in [0, 1] with labels of 10 classes', () => {
    const { images: imagesFile, labels: labelsFile } = readMnistGz();
    const ds = readIdxImageDataset(imagesFile, labelsFile);
    expect(ds.shape).toEqual([28, 28, 1]);
    expect(ds.count).toBe(10_000);
    expect(ds.x.length).toBe(7_840_000);
    expect(ds.numClasses).toBe(10);
    expect(ds.labels?.[0]).toBe(7);
    expect(Array.from(ds.labels?.subarray(0, 10) ?? [])).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
    expect(ds.x[7 * 28 + 7]).toBeCloseTo(185 / 255, 7);
    expect(ds.x[8 * 28 + 7]).toBeCloseTo(254 / 255, 7);
  });

  it('gives identical datasets from the gzipped and the raw files', () => {
    const gz = readMnistGz();
    const raw = readMnistRaw();
    const a = readIdxImageDataset(gz.images, gz.labels);
    const b = readIdxImageDataset(raw.images, raw.labels);
    expect(b.shape).toEqual(a.shape);
    expect(Buffer.from(b.x.buffer).equals(Buffer.from(a.x.buffer))).toBe(true);
    expect(b.labels).toEqual(a.labels);
  });

  it('reads images alone when no labels file is given', () => {
    const ds = readIdxImageDataset(readMnistGz().images);
    expect(ds.count).toBe(10_000);
    expect(ds.labels).toBeUndefined();
    expect(ds.numClasses).toBeUndefined();
  });
});

describe('readIdxImageDataset on generated files', () => {
  it('scales bytes by 1/255 and gives 3-D files one channel', () => {
    const ds = readIdxImageDataset(images([2, 2, 3]), labels([1, 0]));
    expect(ds.shape).toEqual([2, 3, 1]);
    expect(ds.x[0]).toBe(0);
    expect(ds.x[5]).toBeCloseTo(5 / 255, 7);
    expect(Array.from(ds.labels ?? [])).toEqual([1, 0]);
    expect(ds.numClasses).toBe(2);
  });

  it('takes channels from the fourth dimension', () => {
    const ds = readIdxImageDataset(images([4, 5, 6, 3]));
    expect(ds.shape).toEqual([5, 6, 3]);
    expect(ds.count).toBe(4);
  });

  it('says both counts when labels do not match images one to one', () => {
    expectInvalidArgument(
      () => readIdxImageDataset(images([3, 2, 2]), labels([0, 1])),
      'labels file has 2 labels but images file has 3 images; they must match one to one',
    );
  });

  it('refuses a labels file with the wrong magic, naming the role', () => {
    expectInvalidArgument(
      () => readIdxImageDataset(images([3, 2, 2]), images([3, 2, 2])),
      'labels file: bad magic 0x00000803 (unsigned byte, 3 dimensions), expected 0x00000801 (unsigned byte, 1 dimension)',
    );
  });

  it('refuses an images file with two dimensions', () => {
    expectInvalidArgument(
      () => readIdxImageDataset(images([3, 4])),
      /^images file: bad magic 0x00000802 \(unsigned byte, 2 dimensions\), expected 0x00000803/,
    );
  });

  it('refuses labels at or above an explicit numClasses', () => {
    expectInvalidArgument(
      () => readIdxImageDataset(images([2, 1, 1]), labels([0, 5]), { numClasses: 5 }),
      'labels file: label 1 is 5, outside [0, 5) (numClasses)',
    );
  });

  it('applies the maxBytes cap', () => {
    expectInvalidArgument(
      () => readIdxImageDataset(images([2, 1, 1]), labels([0, 1]), { maxBytes: 17 }),
      'images file: 18 bytes exceeds the limit of 17 bytes (maxBytes)',
    );
  });
});
