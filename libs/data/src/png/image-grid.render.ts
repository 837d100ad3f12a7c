import { invalidArgument } from '@genlab/errors';
import { encodePng } from './png.encoder';
import type { RasterImage } from './png.types';

export interface ImageGridOptions {
  /** Images per row; default ceil(sqrt(count)). */
  readonly columns?: number;
  /** Pixels between and around images; default 2. */
  readonly padding?: number;
  /** Value in [0, 1] for the padding; default 0 (black). */
  readonly padValue?: number;
}

/** Float in [0, 1] (clamped; NaN → 0) to a byte. */
export const toByte = (value: number): number => (value > 0 ? (value < 1 ? Math.round(value * 255) : 255) : 0);

/**
 * Tiles `count` images of shape [height, width, channels] (channels 1 or 3, values in [0, 1],
 * stored one after another in `images`) into a single 8-bit raster, row by row.
 */
export const tileImages = (
  images: Float32Array,
  count: number,
  shape: readonly [number, number, number],
  options: ImageGridOptions = {},
): RasterImage => {
  const [h, w, c] = shape;
  if (![h, w].every((d) => Number.isInteger(d) && d >= 1) || (c !== 1 && c !== 3)) {
    throw invalidArgument(`image shape must be [height, width, 1 | 3], got [${shape.join(', ')}]`);
  }
  if (!Number.isInteger(count) || count < 1) throw invalidArgument(`image count must be a positive integer, got ${count}`);
  if (images.length < count * h * w * c) {
    throw invalidArgument(
      `need ${count} images of ${h}×${w}×${c} = ${count * h * w * c} values, got ${images.length}`,
      { count, values: images.length },
    );
  }
  const columns = options.columns ?? Math.ceil(Math.sqrt(count));
  const padding = options.padding ?? 2;
  if (!Number.isInteger(columns) || columns < 1) throw invalidArgument(`columns must be a positive integer, got ${columns}`);
  if (!Number.isInteger(padding) || padding < 0) throw invalidArgument(`padding must be a non-negative integer, got ${padding}`);
  const rows = Math.ceil(count / Math.min(columns, count));
  const cols = Math.min(columns, count);
  const width = cols * (w + padding) + padding;
  const height = rows * (h + padding) + padding;
  const data = new Uint8Array(width * height * c).fill(toByte(options.padValue ?? 0));
  for (let n = 0; n < count; n++) {
    const x0 = padding + (n % cols) * (w + padding);
    const y0 = padding + Math.floor(n / cols) * (h + padding);
    for (let y = 0; y < h; y++) {
      const src = ((n * h + y) * w) * c;
      const dst = ((y0 + y) * width + x0) * c;
      for (let i = 0; i < w * c; i++) data[dst + i] = toByte(images[src + i] as number);
    }
  }
  return { width, height, channels: c, data };
};

/** `tileImages`, encoded as PNG bytes. */
export const imageGrid = (
  images: Float32Array,
  count: number,
  shape: readonly [number, number, number],
  options: ImageGridOptions = {},
): Buffer => encodePng(tileImages(images, count, shape, options));
