import { invalidArgument } from '@genlab/errors';
import { encodePng } from './png.encoder';
import type { RasterImage } from './png.types';
import type { Points2d } from '../synthetic/gaussian-mixture.model';

export interface PlotRange {
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

export interface ScatterPlotOptions {
  /** Image size in pixels; default 512×512. */
  readonly width?: number;
  readonly height?: number;
  /** Data range mapped onto the image; default: the points' bounding box plus 5% margin, equal on both axes. */
  readonly range?: PlotRange;
  /** Square marker half-size in pixels; default 1 (a 3×3 marker). */
  readonly radius?: number;
  /** Per-point class, picks the colour from a 10-colour palette; default all one colour. */
  readonly labels?: ArrayLike<number>;
}

/** Matplotlib's tab10 palette. */
const PALETTE: readonly (readonly [number, number, number])[] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

const AXIS: readonly [number, number, number] = [210, 210, 210];

/** The points' bounding box, grown to a square and padded by 5% on each side. */
export const autoRange = (points: Points2d): PlotRange => {
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMin = Infinity;
  let yMax = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 2) {
    const x = points[i] as number;
    const y = points[i + 1] as number;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    xMin = Math.min(xMin, x);
    xMax = Math.max(xMax, x);
    yMin = Math.min(yMin, y);
    yMax = Math.max(yMax, y);
  }
  if (xMin > xMax) return { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const half = Math.max(xMax - xMin, yMax - yMin, 1e-6) * 0.55;
  const cx = (xMin + xMax) / 2;
  const cy = (yMin + yMax) / 2;
  return { xMin: cx - half, xMax: cx + half, yMin: cy - half, yMax: cy + half };
};

/** Renders flat [x0, y0, x1, y1, …] points on a white RGB canvas, y up, with light axes through 0. */
export const renderScatterPlot = (points: Points2d, options: ScatterPlotOptions = {}): RasterImage => {
  const width = options.width ?? 512;
  const height = options.height ?? 512;
  const radius = options.radius ?? 1;
  const range = options.range ?? autoRange(points);
  for (const [name, value, min] of [['width', width, 1], ['height', height, 1], ['radius', radius, 0]] as const) {
    if (!Number.isInteger(value) || value < min || value > 16384) {
      throw invalidArgument(`scatter plot ${name} must be an integer in [${min}, 16384], got ${value}`);
    }
  }
  if (points.length % 2 !== 0) throw invalidArgument(`points must be flat [x, y] pairs, got an odd length ${points.length}`);
  if (!(range.xMax > range.xMin && range.yMax > range.yMin)) {
    throw invalidArgument(`plot range must have xMax > xMin and yMax > yMin, got ${JSON.stringify(range)}`);
  }
  const data = new Uint8Array(width * height * 3).fill(255);
  const put = (px: number, py: number, [r, g, b]: readonly [number, number, number]) => {
    if (px < 0 || py < 0 || px >= width || py >= height) return;
    const at = (py * width + px) * 3;
    data[at] = r;
    data[at + 1] = g;
    data[at + 2] = b;
  };
  const toPx = (x: number) => Math.floor(((x - range.xMin) / (range.xMax - range.xMin)) * width);
  const toPy = (y: number) => height - 1 - Math.floor(((y - range.yMin) / (range.yMax - range.yMin)) * height);
  if (range.xMin < 0 && range.xMax > 0) for (let y = 0; y < height; y++) put(toPx(0), y, AXIS);
  if (range.yMin < 0 && range.yMax > 0) for (let x = 0; x < width; x++) put(x, toPy(0), AXIS);
  for (let i = 0; i < points.length / 2; i++) {
    const px = toPx(points[2 * i] as number);
    const py = toPy(points[2 * i + 1] as number);
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    const label = options.labels?.[i] ?? 0;
    const colour = PALETTE[((label % PALETTE.length) + PALETTE.length) % PALETTE.length] as readonly [number, number, number];
    for (let dy = -radius; dy <= radius; dy++) {
      for (let dx = -radius; dx <= radius; dx++) put(px + dx, py + dy, colour);
    }
  }
  return { width, height, channels: 3, data };
};

/** `renderScatterPlot`, encoded as PNG bytes. */
export const scatterPlotPng = (points: Points2d, options: ScatterPlotOptions = {}): Buffer =>
  encodePng(renderScatterPlot(points, options));
