import { describe, expect, it } from 'vitest';
import { decodedView, imageRgba, latentCode, latentToPad, movePoint, padGrid, padToLatent, parseDecoderMeta, pointBounds } from './latent-explorer';

describe('parseDecoderMeta', () => {
  const meta = { checkpointId: 'c1', step: 20, latentDim: 2, dataShape: [28, 28, 1], weightsArtifactId: 'w1' };

  it('reads what ExportDecoder stores with the model.json artifact', () => {
    expect(parseDecoderMeta(JSON.stringify(meta))).toEqual(meta);
  });

  it('refuses meta the explorer could not use', () => {
    expect(parseDecoderMeta('not json')).toBeUndefined();
    expect(parseDecoderMeta('[]')).toBeUndefined();
    expect(parseDecoderMeta(JSON.stringify({ ...meta, latentDim: 0 }))).toBeUndefined();
    expect(parseDecoderMeta(JSON.stringify({ ...meta, dataShape: [28, -1] }))).toBeUndefined();
    expect(parseDecoderMeta(JSON.stringify({ ...meta, weightsArtifactId: '' }))).toBeUndefined();
  });
});

describe('decodedView', () => {
  it('shows images as images, 2-D data as a point and other vectors as a strip', () => {
    expect(decodedView([28, 28, 1])).toEqual({ kind: 'image', height: 28, width: 28, channels: 1 });
    expect(decodedView([32, 32, 3])).toEqual({ kind: 'image', height: 32, width: 32, channels: 3 });
    expect(decodedView([2])).toEqual({ kind: 'point' });
    expect(decodedView([5])).toEqual({ kind: 'image', height: 1, width: 5, channels: 1 });
    expect(decodedView([4, 4, 2])).toMatchObject({ kind: 'none', reason: 'no picture for data of shape [4, 4, 2]' });
  });
});

describe('the pad', () => {
  it('maps its corners to ±3 with y pointing up, clamps outside, and inverts', () => {
    expect(padToLatent(0, 0, 300)).toEqual({ x: -3, y: 3 });
    expect(padToLatent(300, 300, 300)).toEqual({ x: 3, y: -3 });
    expect(padToLatent(150, 150, 300)).toEqual({ x: 0, y: 0 });
    expect(padToLatent(-50, 900, 300)).toEqual({ x: -3, y: -3 });
    const { px, py } = latentToPad({ x: 1.5, y: -0.75 }, 300);
    expect(padToLatent(px, py, 300)).toEqual({ x: 1.5, y: -0.75 });
  });

  it('moves the point with the arrow keys, faster with Shift, back home with Home, never past the edge', () => {
    const origin = { x: 0, y: 0 };
    expect(movePoint(origin, 'ArrowRight', false)).toEqual({ x: 0.1, y: 0 });
    expect(movePoint(origin, 'ArrowUp', true)).toEqual({ x: 0, y: 0.5 });
    expect(movePoint({ x: 0.3, y: 0.2 }, 'ArrowLeft', false)).toEqual({ x: 0.2, y: 0.2 });
    expect(movePoint({ x: 1, y: -2.95 }, 'ArrowDown', true)).toEqual({ x: 1, y: -3 });
    expect(movePoint({ x: 1, y: 1 }, 'Home', false)).toEqual(origin);
    expect(movePoint(origin, 'Enter', false)).toBeUndefined();
  });

  it('lays a grid over the pad row by row from the top left', () => {
    expect(padGrid(3)).toEqual([
      { x: -3, y: 3 },
      { x: 0, y: 3 },
      { x: 3, y: 3 },
      { x: -3, y: 0 },
      { x: 0, y: 0 },
      { x: 3, y: 0 },
      { x: -3, y: -3 },
      { x: 0, y: -3 },
      { x: 3, y: -3 },
    ]);
  });
});

describe('latentCode', () => {
  it('writes the point into the chosen dimensions and keeps the others fixed', () => {
    expect([...latentCode([0.5, 0, 0, -1], 2, 0, { x: 1, y: 2 })]).toEqual([2, 0, 1, -1]);
    expect([...latentCode([0], 0, undefined, { x: -1.5, y: 2 })]).toEqual([-1.5]);
  });
});

describe('imageRgba', () => {
  it('turns grey values into opaque grey pixels the way the service renders PNGs', () => {
    expect([...imageRgba([0, 0.5, 1.2, Number.NaN], 2, 2, 1)]).toEqual([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255, 0, 0, 0, 255]);
  });

  it('keeps the channel order of colour images and refuses too few values', () => {
    expect([...imageRgba([1, 0, 0.2], 1, 1, 3)]).toEqual([255, 0, 51, 255]);
    expect(() => imageRgba([1, 0], 1, 1, 3)).toThrow('need 3 values');
  });
});

describe('pointBounds', () => {
  it('spans the finite points with a margin', () => {
    expect(pointBounds([0, 0, 10, 4, Number.NaN, 99])).toEqual({ xMin: -1, xMax: 11, yMin: -0.4, yMax: 4.4 });
    expect(pointBounds([])).toEqual({ xMin: -1, xMax: 1, yMin: -1, yMax: 1 });
  });
});
