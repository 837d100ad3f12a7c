/**
 * The latent explorer's arithmetic, kept free of React and TensorFlow.js: which exported
 * decoder belongs to which checkpoint, where a point on the 2-D pad lies in latent space,
 * the arrow keys, and decoded values as pixels.
 */

/** The pad spans ±PAD_RANGE on both axes: three standard deviations of the N(0, I) prior. */
export const PAD_RANGE = 3;

/** What the generation service stores with a 'tfjs-model' artifact (ExportDecoder). */
export interface DecoderMeta {
  checkpointId: string;
  step: number;
  latentDim: number;
  dataShape: number[];
  weightsArtifactId: string;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isPositiveInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** A 'tfjs-model' artifact's meta JSON, or undefined if it is not one the explorer can use. */
export function parseDecoderMeta(metaJson: string): DecoderMeta | undefined {
  let meta: unknown;
  try {
    meta = JSON.parse(metaJson);
  } catch {
    return undefined;
  }
  if (!isRecord(meta)) return undefined;
  const { checkpointId, step, latentDim, dataShape, weightsArtifactId } = meta;
  if (typeof checkpointId !== 'string' || !checkpointId || typeof weightsArtifactId !== 'string' || !weightsArtifactId) return undefined;
  if (!isPositiveInteger(latentDim) || !Array.isArray(dataShape) || dataShape.length === 0 || !dataShape.every(isPositiveInteger)) return undefined;
  return { checkpointId, step: typeof step === 'number' ? step : 0, latentDim, dataShape: dataShape as number[], weightsArtifactId };
}

/** How decoded values are shown: an image, or a point on a scatter for 2-D data. */
export type DecodedView = { kind: 'image'; height: number; width: number; channels: 1 | 3 } | { kind: 'point' } | { kind: 'none'; reason: string };

/** `[H, W, 1 | 3]` is an image, `[2]` a point, any other `[D]` a one-row strip (as the service's sample grids draw them). */
export function decodedView(dataShape: readonly number[]): DecodedView {
  const [a, b, c] = dataShape;
  if (dataShape.length === 3 && (c === 1 || c === 3)) return { kind: 'image', height: a as number, width: b as number, channels: c };
  if (dataShape.length === 1 && a === 2) return { kind: 'point' };
  if (dataShape.length === 1) return { kind: 'image', height: 1, width: a as number, channels: 1 };
  return { kind: 'none', reason: `no picture for data of shape [${dataShape.join(', ')}]` };
}

export interface PadPoint {
  x: number;
  y: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** A pixel offset inside a `size`×`size` pad to latent coordinates (y up), clamped to ±range. */
export function padToLatent(px: number, py: number, size: number, range = PAD_RANGE): PadPoint {
  const x = (px / size) * 2 * range - range;
  const y = range - (py / size) * 2 * range;
  return { x: clamp(x, -range, range), y: clamp(y, -range, range) };
}

/** Latent coordinates to a pixel offset in the pad (inverse of `padToLatent` inside the range). */
export function latentToPad({ x, y }: PadPoint, size: number, range = PAD_RANGE): { px: number; py: number } {
  return { px: ((x + range) / (2 * range)) * size, py: ((range - y) / (2 * range)) * size };
}

/** Arrow keys move by `step` (Shift: five steps), Home returns to the origin; other keys: undefined. */
export function movePoint(point: PadPoint, key: string, shift: boolean, step = 0.1, range = PAD_RANGE): PadPoint | undefined {
  const d = shift ? 5 * step : step;
  const round = (v: number) => Math.round(clamp(v, -range, range) * 1e6) / 1e6;
  switch (key) {
    case 'ArrowLeft':
      return { x: round(point.x - d), y: point.y };
    case 'ArrowRight':
      return { x: round(point.x + d), y: point.y };
    case 'ArrowUp':
      return { x: point.x, y: round(point.y + d) };
    case 'ArrowDown':
      return { x: point.x, y: round(point.y - d) };
    case 'Home':
      return { x: 0, y: 0 };
    default:
      return undefined;
  }
}

/**
 * The code z: `fixed` (one value per latent dimension) with the pad's point written into the
 * two chosen dimensions (`dimY` undefined: a one-dimensional latent space, x only).
 */
export function latentCode(fixed: readonly number[], dimX: number, dimY: number | undefined, point: PadPoint): Float32Array {
  const z = Float32Array.from(fixed);
  z[dimX] = point.x;
  if (dimY !== undefined) z[dimY] = point.y;
  return z;
}

/** Float in [0, 1] (clamped; NaN → 0) to a byte, as the service's PNG grids do. */
export const toByte = (value: number): number => (value > 0 ? (value < 1 ? Math.round(value * 255) : 255) : 0);

/** Decoded image values `[H, W, C]` (C = 1 or 3, in [0, 1]) as RGBA bytes for a canvas ImageData. */
export function imageRgba(values: ArrayLike<number>, height: number, width: number, channels: 1 | 3): Uint8ClampedArray {
  const pixels = height * width;
  if (values.length < pixels * channels) throw new Error(`need ${pixels * channels} values for ${height}×${width}×${channels}, got ${values.length}`);
  const rgba = new Uint8ClampedArray(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    for (let k = 0; k < 3; k++) rgba[p * 4 + k] = toByte(values[p * channels + (channels === 3 ? k : 0)] as number);
    rgba[p * 4 + 3] = 255;
  }
  return rgba;
}

/** A `steps`×`steps` grid of pad points over ±range, row by row from the top left: the slice's "manifold". */
export function padGrid(steps: number, range = PAD_RANGE): PadPoint[] {
  const at = (i: number) => (steps === 1 ? 0 : -range + (2 * range * i) / (steps - 1));
  return Array.from({ length: steps * steps }, (_, i) => ({ x: at(i % steps), y: at(steps - 1 - Math.floor(i / steps)) }));
}

/** Bounds of 2-D points `[x0, y0, x1, y1, …]` with a margin, never empty. */
export function pointBounds(values: ArrayLike<number>, margin = 0.1): { xMin: number; xMax: number; yMin: number; yMax: number } {
  let [xMin, xMax, yMin, yMax] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i + 1 < values.length; i += 2) {
    const [x, y] = [values[i] as number, values[i + 1] as number];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    [xMin, xMax, yMin, yMax] = [Math.min(xMin, x), Math.max(xMax, x), Math.min(yMin, y), Math.max(yMax, y)];
  }
  if (xMin > xMax) return { xMin: -1, xMax: 1, yMin: -1, yMax: 1 };
  const pad = (lo: number, hi: number) => Math.max((hi - lo) * margin, 1e-3);
  const [px, py] = [pad(xMin, xMax), pad(yMin, yMax)];
  return { xMin: xMin - px, xMax: xMax + px, yMin: yMin - py, yMax: yMax + py };
}
