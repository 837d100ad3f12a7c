import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32 } from '../io/crc32.util';
import { expectInvalidArgument } from '../testing/domain-error.matcher';
import { decodePng } from './png.decoder';
import { encodePng } from './png.encoder';

/**
 * 4×5 RGB written outside this codebase (Python, zlib.crc32): row y uses filter type y (0..4),
 * a tEXt chunk sits before the image data, and IDAT is split in two chunks.
 */
const FOREIGN_RGB =
  'iVBORw0KGgoAAAANSUhEUgAAAAQAAAAFCAIAAADtz9qMAAAAD3RFWHRDb21tZW50AGZpeHR1cmWXD8ZYAAAAFElEQVR4nGNgYP+vyv7ai/16PvthRm72hxbsatMAAAAvSURBVKqmbyCIiZvhEbfpI+6sR9zzHzGLsbhIZD2XaH0uMf85C1jmDTfnG+75bwDiyxfYs1oeNgAAAABJRU5ErkJggg==';
const FOREIGN_RGB_PIXELS =
  '0007ff2507eb4a07d76f07c30b07e1303ccd5571b97aa6a51607c33b71af60db9b8545872107a546a6916b457d90e4692c078751db7376af5f9b834b';

/** The widely used 1×1 RGBA PNG: one pixel (0, 0, 255, 127), row filtered with Sub. */
const ONE_PIXEL_RGBA = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const chunk = (type: string, body: Uint8Array): Buffer => {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  out.set(body, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
};

const ihdr = (width: number, height: number, depth: number, colorType: number, interlace = 0) => {
  const body = Buffer.alloc(13);
  body.writeUInt32BE(width, 0);
  body.writeUInt32BE(height, 4);
  body.set([depth, colorType, 0, 0, interlace], 8);
  return chunk('IHDR', body);
};

const SIGNATURE = Buffer.from('89504e470d0a1a0a', 'hex');
const png = (...chunks: Buffer[]) => Buffer.concat([SIGNATURE, ...chunks]);
const IEND = chunk('IEND', Buffer.alloc(0));

describe('decodePng', () => {
  it('decodes a foreign RGB file using all five filter types, split IDAT and an ancillary chunk', () => {
    const image = decodePng(Buffer.from(FOREIGN_RGB, 'base64'));
    expect([image.width, image.height, image.channels]).toEqual([4, 5, 3]);
    expect(Buffer.from(image.data).toString('hex')).toBe(FOREIGN_RGB_PIXELS);
  });

  it('decodes the common 1×1 RGBA PNG', () => {
    const image = decodePng(Buffer.from(ONE_PIXEL_RGBA, 'base64'));
    expect(image).toEqual({ width: 1, height: 1, channels: 4, data: Uint8Array.of(0, 0, 255, 127) });
  });

  it('refuses a bad signature', () => {
    expectInvalidArgument(() => decodePng(Buffer.from('GIF89a..')), 'PNG: bad signature 4749463839612e2e, expected 89504e470d0a1a0a');
  });

  it('refuses a chunk whose CRC does not match', () => {
    const bytes = Buffer.from(ONE_PIXEL_RGBA, 'base64');
    bytes[20] = 2;
    expectInvalidArgument(() => decodePng(bytes), 'PNG: IHDR chunk at byte 8: CRC mismatch (stored 0x1f15c489, computed 0x31e3ec0f)');
  });

  it('refuses a file cut off inside a chunk or before IEND', () => {
    const bytes = encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(4) });
    expectInvalidArgument(() => decodePng(bytes.subarray(0, 50)), /^PNG: truncated: IDAT chunk at byte 33 declares \d+ bytes, only 5 remain$/);
    expectInvalidArgument(() => decodePng(bytes.subarray(0, 40)), 'PNG: truncated: the chunk at byte 33 has only 7 of its 12 framing bytes');
    expectInvalidArgument(
      () => decodePng(bytes.subarray(0, bytes.length - 12)),
      `PNG: truncated: the file ends after ${bytes.length - 12} bytes without an IEND chunk`,
    );
  });

  it('refuses trailing bytes after IEND', () => {
    const bytes = encodePng({ width: 1, height: 1, channels: 1, data: new Uint8Array(1) });
    expectInvalidArgument(() => decodePng(Buffer.concat([bytes, Buffer.from('junk')])), 'PNG: 4 trailing bytes after IEND');
  });

  it('refuses unsupported formats with the reason', () => {
    const idat = chunk('IDAT', deflateSync(Buffer.alloc(3)));
    expectInvalidArgument(() => decodePng(png(ihdr(1, 1, 16, 0), idat, IEND)), 'PNG: unsupported bit depth 16: only 8 is decoded');
    expectInvalidArgument(
      () => decodePng(png(ihdr(1, 1, 8, 3), idat, IEND)),
      'PNG: unsupported colour type 3: only 0 (gray), 2 (RGB), 4 (gray+alpha) and 6 (RGBA) are decoded',
    );
    expectInvalidArgument(() => decodePng(png(ihdr(1, 1, 8, 0, 1), idat, IEND)), 'PNG: interlaced (Adam7) images are not supported');
    expectInvalidArgument(() => decodePng(png(ihdr(0, 1, 8, 0), idat, IEND)), 'PNG: invalid size 0×1: width and height must be in [1, 2147483647]');
  });

  it('refuses a misplaced IHDR, a missing IDAT and unknown critical chunks', () => {
    const idat = chunk('IDAT', deflateSync(Buffer.alloc(2)));
    expectInvalidArgument(() => decodePng(png(idat, IEND)), 'PNG: first chunk must be IHDR, found IDAT');
    expectInvalidArgument(() => decodePng(png(ihdr(1, 1, 8, 0), IEND)), 'PNG: no IDAT chunk');
    expectInvalidArgument(() => decodePng(png(ihdr(1, 1, 8, 0), chunk('ZZZZ', Buffer.alloc(0)), idat, IEND)), 'PNG: unsupported critical chunk ZZZZ');
  });

  it('refuses image data that inflates to the wrong size or has a bad filter type', () => {
    expectInvalidArgument(
      () => decodePng(png(ihdr(2, 2, 8, 0), chunk('IDAT', deflateSync(Buffer.alloc(5))), IEND)),
      'PNG: image data inflates to 5 bytes, a 2×2 image needs 6',
    );
    expectInvalidArgument(
      () => decodePng(png(ihdr(2, 2, 8, 0), chunk('IDAT', deflateSync(Buffer.alloc(600))), IEND)),
      'PNG: image data inflates to more than the 6 bytes a 2×2 image needs',
    );
    expectInvalidArgument(
      () => decodePng(png(ihdr(1, 1, 8, 0), chunk('IDAT', deflateSync(Buffer.from([5, 0]))), IEND)),
      'PNG: row 0 has unknown filter type 5',
    );
    expectInvalidArgument(
      () => decodePng(png(ihdr(1, 1, 8, 0), chunk('IDAT', Buffer.from('not zlib')), IEND)),
      /^PNG: image data is not a valid zlib stream/,
    );
  });

  it('refuses images above maxPixels before inflating them', () => {
    const idat = chunk('IDAT', deflateSync(Buffer.alloc(1)));
    expectInvalidArgument(
      () => decodePng(png(ihdr(100_000, 100_000, 8, 0), idat, IEND)),
      'PNG: 100000×100000 exceeds the limit of 67108864 pixels (maxPixels)',
    );
  });
});
