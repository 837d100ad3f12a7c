import { describe, expect, it } from 'vitest';
import { ring8 } from '../synthetic/mixture.datasets';
import { expectInvalidArgument } from '../testing/domain-error.matcher';
import { decodePng } from './png.decoder';
import { autoRange, renderScatterPlot, scatterPlotPng } from './scatter-plot.render';

const pixel = (image: { width: number; data: Uint8Array }, x: number, y: number) =>
  Array.from(image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3));

describe('renderScatterPlot', () => {
  const range = { xMin: -3, xMax: 3, yMin: -3, yMax: 3 };

  it('draws ring8 samples at the mode centres, coloured by label, y up', () => {
    const sample = ring8.sample(2000, 1);
    const image = renderScatterPlot(sample.x, { width: 300, height: 300, range, labels: sample.labels });
    expect([image.width, image.height, image.channels]).toEqual([300, 300, 3]);
    // Mode 0 at (2, 0) → px 250, py 149, tab10 blue; mode 2 at (0, 2) → px 150, py 49, tab10 green.
    expect(pixel(image, 250, 149)).toEqual([31, 119, 180]);
    expect(pixel(image, 150, 49)).toEqual([44, 160, 44]);
    // The centre of the ring is empty apart from the light axes.
    expect(pixel(image, 120, 120)).toEqual([255, 255, 255]);
    expect(pixel(image, 150, 120)).toEqual([210, 210, 210]);
  });

  it('encodes a PNG that decodes to the same raster', () => {
    const sample = ring8.sample(500, 2);
    const png = scatterPlotPng(sample.x, { labels: sample.labels });
    const decoded = decodePng(png);
    const raster = renderScatterPlot(sample.x, { labels: sample.labels });
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([512, 512, 3]);
    expect(Buffer.from(decoded.data).equals(Buffer.from(raster.data))).toBe(true);
  });

  it('fits the range to the data as a padded square', () => {
    const range = autoRange([0, 0, 2, 1]);
    const expected = { xMin: -0.1, xMax: 2.1, yMin: -0.6, yMax: 1.6 };
    for (const key of ['xMin', 'xMax', 'yMin', 'yMax'] as const) expect(range[key]).toBeCloseTo(expected[key], 12);
  });

  it('refuses odd coordinate counts and empty ranges', () => {
    expectInvalidArgument(() => renderScatterPlot([1, 2, 3]), 'points must be flat [x, y] pairs, got an odd length 3');
    expectInvalidArgument(() => renderScatterPlot([1, 2], { range: { xMin: 1, xMax: 1, yMin: 0, yMax: 1 } }), /^plot range must have xMax > xMin/);
    expectInvalidArgument(() => renderScatterPlot([1, 2], { width: 0 }), 'scatter plot width must be an integer in [1, 16384], got 0');
  });
});
