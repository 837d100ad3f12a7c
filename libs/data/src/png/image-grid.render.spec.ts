import { describe, expect, it } from 'vitest';
import { readIdxImageDataset } from '../dataset/idx-image-dataset.reader';
import { expectInvalidArgument } from '../testing/domain-error.matcher';
import { readMnistGz } from '../testing/mnist.fixture';
import { imageGrid, tileImages, toByte } from './image-grid.render';
import { decodePng } from './png.decoder';

describe('tileImages', () => {
  it('lays images out row by row with padding between and around them', () => {
    // Three 1×2 gray images, values 0.2·(n+1), 2 columns, padding 1, white padding.
    const images = Float32Array.of(0.2, 0.2, 0.4, 0.4, 0.6, 0.6);
    const grid = tileImages(images, 3, [1, 2, 1], { columns: 2, padding: 1, padValue: 1 });
    expect([grid.width, grid.height, grid.channels]).toEqual([7, 5, 1]);
    const rows = Array.from({ length: 5 }, (_, y) => Array.from(grid.data.subarray(y * 7, (y + 1) * 7)));
    expect(rows).toEqual([
      [255, 255, 255, 255, 255, 255, 255],
      [255, 51, 51, 255, 102, 102, 255],
      [255, 255, 255, 255, 255, 255, 255],
      [255, 153, 153, 255, 255, 255, 255],
      [255, 255, 255, 255, 255, 255, 255],
    ]);
  });

  it('clamps to [0, 1] and maps NaN to 0', () => {
    expect([toByte(-1), toByte(0), toByte(0.5), toByte(1), toByte(7), toByte(NaN)]).toEqual([0, 0, 128, 255, 255, 0]);
  });

  it('keeps RGB channels interleaved', () => {
    const grid = tileImages(Float32Array.of(1, 0, 0, 0, 0, 1), 2, [1, 1, 3], { columns: 2, padding: 0 });
    expect(Array.from(grid.data)).toEqual([255, 0, 0, 0, 0, 255]);
  });

  it('refuses too few values, bad shapes and bad options', () => {
    expectInvalidArgument(() => tileImages(new Float32Array(3), 2, [1, 2, 1]), 'need 2 images of 1×2×1 = 4 values, got 3');
    expectInvalidArgument(() => tileImages(new Float32Array(8), 2, [1, 2, 2]), 'image shape must be [height, width, 1 | 3], got [1, 2, 2]');
    expectInvalidArgument(() => tileImages(new Float32Array(4), 2, [1, 2, 1], { columns: 0 }), 'columns must be a positive integer, got 0');
  });
});

describe('imageGrid', () => {
  it('renders 64 MNIST digits as an 8×8 PNG that decodes back to the same pixels', () => {
    const { images, labels } = readMnistGz();
    const ds = readIdxImageDataset(images, labels);
    const png = imageGrid(ds.x, 64, [28, 28, 1], { columns: 8, padding: 2 });
    const decoded = decodePng(png);
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([8 * 30 + 2, 8 * 30 + 2, 1]);
    // Row 8 of the second image (a "2") sits at y = 2 + 8, x from 2 + 30.
    const digit = ds.x.subarray(784 + 8 * 28, 784 + 9 * 28);
    const rendered = decoded.data.subarray((2 + 8) * 242 + 32, (2 + 8) * 242 + 32 + 28);
    expect(Array.from(rendered)).toEqual(Array.from(digit, (v) => Math.round(v * 255)));
    expect(png.length).toBeLessThan(decoded.data.length);
  });
});
