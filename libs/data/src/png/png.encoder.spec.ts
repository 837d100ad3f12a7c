import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../io/crc32.util';
import { createRng } from '../random/seeded.rng';
import { expectInvalidArgument } from '../testing/domain-error.matcher';
import { decodePng } from './png.decoder';
import { filterCost, filterRow } from './png-filter.util';
import { encodePng } from './png.encoder';
import type { RasterImage } from './png.types';

const noise = (width: number, height: number, channels: RasterImage['channels'], seed: number): RasterImage => {
  const rng = createRng(seed);
  return { width, height, channels, data: Uint8Array.from({ length: width * height * channels }, () => rng.nextInt(256)) };
};

/** Smooth gradients with a sharp edge: different rows favour different filters. */
const gradient = (width: number, height: number, channels: RasterImage['channels']): RasterImage => ({
  width,
  height,
  channels,
  data: Uint8Array.from({ length: width * height * channels }, (_, i) => {
    const pixel = Math.floor(i / channels);
    const x = pixel % width;
    const y = Math.floor(pixel / width);
    return y % 7 === 0 ? (x * 37) & 0xff : (x * 3 + y * 5 + (i % channels) * 40 + (x > width / 2 ? 100 : 0)) & 0xff;
  }),
});

describe('encodePng', () => {
  it.each([1, 2, 3, 4] as const)('round-trips %i-channel images through decodePng', (channels) => {
    for (const image of [noise(17, 9, channels, channels), gradient(64, 40, channels), noise(1, 1, channels, 0)]) {
      const decoded = decodePng(encodePng(image));
      expect(decoded).toEqual({ ...image, data: decoded.data });
      expect(Buffer.from(decoded.data).equals(Buffer.from(image.data))).toBe(true);
    }
  });

  it('writes the signature, an IHDR with depth 8 and the colour type, and valid chunk CRCs', () => {
    const png = encodePng({ width: 3, height: 2, channels: 3, data: new Uint8Array(18) });
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.readUInt32BE(8)).toBe(13);
    expect(png.toString('latin1', 12, 16)).toBe('IHDR');
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25], png[26], png[27], png[28]]).toEqual([3, 2, 8, 2, 0, 0, 0]);
    expect(png.readUInt32BE(29)).toBe(crc32(png.subarray(12, 29)));
    expect(png.subarray(png.length - 12).toString('hex')).toBe('0000000049454e44ae426082');
  });

  it('uses more than one filter type on an image that benefits from it', () => {
    const image = gradient(64, 40, 3);
    const png = encodePng(image);
    const idatLength = png.readUInt32BE(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    const types = new Set(Array.from({ length: 40 }, (_, y) => raw[y * (64 * 3 + 1)]));
    expect(types.size).toBeGreaterThan(1);
  });

  it('gives each row the first filter with the smallest cost, filtered as filterRow does', () => {
    const [width, height, channels] = [64, 40, 3] as const;
    const image = gradient(width, height, channels);
    const png = encodePng(image);
    const raw = inflateSync(png.subarray(41, 41 + png.readUInt32BE(33)));
    const stride = width * channels;
    let prev: Uint8Array = new Uint8Array(stride);
    for (let y = 0; y < height; y++) {
      const row = image.data.subarray(y * stride, (y + 1) * stride);
      const candidates = [0, 1, 2, 3, 4].map((type) => {
        const out = new Uint8Array(stride);
        filterRow(type, row, prev, channels, out);
        return out;
      });
      const costs = candidates.map(filterCost);
      const type = costs.indexOf(Math.min(...costs));
      expect(raw[y * (stride + 1)]).toBe(type);
      expect(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1))).toEqual(Buffer.from(candidates[type] as Uint8Array));
      prev = row;
    }
  });

  it('refuses data of the wrong length and unsupported channel counts', () => {
    expectInvalidArgument(
      () => encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(5) }),
      'PNG data has 5 bytes, expected 4 (2×2×1)',
    );
    expectInvalidArgument(
      () => encodePng({ width: 2, height: 2, channels: 5 as 1, data: new Uint8Array(20) }),
      'PNG channels must be 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA), got 5',
    );
    expectInvalidArgument(() => encodePng({ width: 0, height: 2, channels: 1, data: new Uint8Array(0) }), 'PNG width must be an integer in [1, 2147483647], got 0');
  });
});
