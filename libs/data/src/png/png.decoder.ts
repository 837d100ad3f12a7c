import { inflateSync } from 'node:zlib';
import { invalidArgument } from '@genlab/errors';
import { crc32 } from '../io/crc32.util';
import { unfilterRow } from './png-filter.util';
import { CHANNELS_BY_COLOR_TYPE, PNG_MAX_INT, PNG_SIGNATURE, type RasterImage } from './png.types';

export interface DecodePngOptions {
  /** Refuse images with more pixels than this (default 2^26, e.g. 8192×8192). */
  readonly maxPixels?: number;
}

interface Header {
  readonly width: number;
  readonly height: number;
  readonly channels: RasterImage['channels'];
}

const fail = (message: string, details?: Record<string, unknown>) => invalidArgument(`PNG: ${message}`, details);

/**
 * Decodes a non-interlaced 8-bit gray, gray+alpha, RGB or RGBA PNG. Checks the signature, every
 * chunk's CRC-32, chunk order, the header fields, and that the image data inflates to exactly the
 * size the header implies. Ancillary chunks are skipped; unknown critical chunks are refused.
 */
export const decodePng = (input: Uint8Array, options: DecodePngOptions = {}): RasterImage => {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length < PNG_SIGNATURE.length || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    throw fail(`bad signature ${bytes.subarray(0, 8).toString('hex')}, expected 89504e470d0a1a0a`);
  }
  let header: Header | undefined;
  const idat: Buffer[] = [];
  let idatDone = false;
  let offset = 8;
  for (;;) {
    if (offset === bytes.length) throw fail(`truncated: the file ends after ${offset} bytes without an IEND chunk`);
    if (offset + 12 > bytes.length) {
      throw fail(`truncated: the chunk at byte ${offset} has only ${bytes.length - offset} of its 12 framing bytes`);
    }
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (!/^[A-Za-z]{4}$/.test(type)) throw fail(`invalid chunk type ${JSON.stringify(type)} at byte ${offset}`);
    if (length > PNG_MAX_INT || offset + 12 + length > bytes.length) {
      throw fail(`truncated: ${type} chunk at byte ${offset} declares ${length} bytes, only ${bytes.length - offset - 12} remain`);
    }
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    const stored = bytes.readUInt32BE(offset + 8 + length);
    const actual = crc32(bytes.subarray(offset + 4, offset + 8 + length));
    if (stored !== actual) {
      throw fail(`${type} chunk at byte ${offset}: CRC mismatch (stored 0x${stored.toString(16)}, computed 0x${actual.toString(16)})`);
    }
    offset += 12 + length;
    if (header === undefined && type !== 'IHDR') throw fail(`first chunk must be IHDR, found ${type}`);
    if (type === 'IHDR') {
      if (header) throw fail('duplicate IHDR chunk');
      header = readHeader(body, options.maxPixels ?? 2 ** 26);
    } else if (type === 'IDAT') {
      if (idatDone) throw fail('IDAT chunks must be consecutive');
      idat.push(body);
    } else if (type === 'IEND') {
      if (offset !== bytes.length) throw fail(`${bytes.length - offset} trailing bytes after IEND`);
      break;
    } else {
      if (idat.length > 0) idatDone = true;
      if (isCritical(type) && type !== 'PLTE') throw fail(`unsupported critical chunk ${type}`);
    }
  }
  if (!header) throw fail('missing IHDR');
  if (idat.length === 0) throw fail('no IDAT chunk');
  return { ...header, data: unfilter(header, inflate(header, Buffer.concat(idat))) };
};

/**
 * Width, height and channel count from the IHDR chunk that must follow the signature, without
 * checking or decoding anything else: for callers that weigh an image before decoding it.
 * Undefined when the bytes do not start like a PNG; `decodePng` then says what is wrong.
 */
export const peekPngHeader = (input: Uint8Array): Omit<RasterImage, 'data'> | undefined => {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length < 29 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.readUInt32BE(8) !== 13) return undefined;
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  const channels = CHANNELS_BY_COLOR_TYPE[bytes[25] as number];
  return channels === undefined ? undefined : { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), channels };
};

const isCritical = (type: string) => type.charCodeAt(0) < 0x61;

const readHeader = (body: Buffer, maxPixels: number): Header => {
  if (body.length !== 13) throw fail(`IHDR has ${body.length} bytes, expected 13`);
  const width = body.readUInt32BE(0);
  const height = body.readUInt32BE(4);
  const [depth, colorType, compression, filter, interlace] = [body[8], body[9], body[10], body[11], body[12]] as number[];
  if (width < 1 || height < 1 || width > PNG_MAX_INT || height > PNG_MAX_INT) {
    throw fail(`invalid size ${width}×${height}: width and height must be in [1, ${PNG_MAX_INT}]`);
  }
  if (width * height > maxPixels) throw fail(`${width}×${height} exceeds the limit of ${maxPixels} pixels (maxPixels)`);
  const channels = CHANNELS_BY_COLOR_TYPE[colorType];
  if (channels === undefined) {
    throw fail(`unsupported colour type ${colorType}: only 0 (gray), 2 (RGB), 4 (gray+alpha) and 6 (RGBA) are decoded`);
  }
  if (depth !== 8) throw fail(`unsupported bit depth ${depth}: only 8 is decoded`);
  if (compression !== 0) throw fail(`unknown compression method ${compression}`);
  if (filter !== 0) throw fail(`unknown filter method ${filter}`);
  if (interlace !== 0) {
    throw fail(interlace === 1 ? 'interlaced (Adam7) images are not supported' : `unknown interlace method ${interlace}`);
  }
  return { width, height, channels };
};

const inflate = (header: Header, compressed: Buffer): Buffer => {
  const expected = header.height * (1 + header.width * header.channels);
  let raw: Buffer;
  try {
    raw = inflateSync(compressed, { maxOutputLength: expected });
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_BUFFER_TOO_LARGE') {
      throw fail(`image data inflates to more than the ${expected} bytes a ${header.width}×${header.height} image needs`);
    }
    throw fail(`image data is not a valid zlib stream (${error instanceof Error ? error.message : String(error)})`);
  }
  if (raw.length !== expected) {
    throw fail(`image data inflates to ${raw.length} bytes, a ${header.width}×${header.height} image needs ${expected}`);
  }
  return raw;
};

const unfilter = ({ width, height, channels }: Header, raw: Buffer): Uint8Array => {
  const stride = width * channels;
  const out = new Uint8Array(height * stride);
  let prev: Uint8Array = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const type = raw[y * (stride + 1)] as number;
    if (type > 4) throw fail(`row ${y} has unknown filter type ${type}`);
    const row = out.subarray(y * stride, (y + 1) * stride);
    row.set(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    unfilterRow(type, row, prev, channels);
    prev = row;
  }
  return out;
};
