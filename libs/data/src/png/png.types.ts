/** An 8-bit raster, row-major, channels interleaved (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). */
export interface RasterImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
  readonly data: Uint8Array;
}

export const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** PNG colour type for each channel count (bit depth 8). */
export const COLOR_TYPE_BY_CHANNELS: Readonly<Record<RasterImage['channels'], number>> = { 1: 0, 2: 4, 3: 2, 4: 6 };

export const CHANNELS_BY_COLOR_TYPE: Readonly<Record<number, RasterImage['channels']>> = { 0: 1, 4: 2, 2: 3, 6: 4 };

/** PNG's limit on width, height and chunk length: 2^31 − 1. */
export const PNG_MAX_INT = 0x7fffffff;
