import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { expectInvalidArgument } from '../testing/domain-error.matcher';
import { readMnistGz, readMnistRaw } from '../testing/mnist.fixture';
import { parseIdx } from './idx.reader';
import type { IdxDtype } from './idx.types';
import { encodeIdx } from './idx.writer';

const imagesExpect = { dtype: 'uint8', ranks: [3, 4] } as const;

/** A well-formed 2×3×4 unsigned-byte images file. */
const smallImages = () => encodeIdx({ dtype: 'uint8', dims: [2, 3, 4], data: Uint8Array.from({ length: 24 }, (_, i) => i * 10) });

describe('parseIdx on the real MNIST test set', () => {
  it('reads 10,000 × 28 × 28 unsigned bytes and 10,000 labels starting 7, 2, 1, 0, 4', () => {
    const { images, labels } = readMnistGz();
    const parsedImages = parseIdx(images, { role: 'images', expect: imagesExpect });
    expect(parsedImages.dtype).toBe('uint8');
    expect(parsedImages.dims).toEqual([10_000, 28, 28]);
    expect(parsedImages.data).toBeInstanceOf(Uint8Array);
    expect(parsedImages.data.length).toBe(7_840_000);
    // Row 7 of the first image ("7"), columns 6..11, as read by numpy from the same file.
    expect(Array.from(parsedImages.data.subarray(7 * 28 + 6, 7 * 28 + 12))).toEqual([84, 185, 159, 151, 60, 36]);
    const parsedLabels = parseIdx(labels, { role: 'labels' });
    expect(parsedLabels.dims).toEqual([10_000]);
    expect(Array.from(parsedLabels.data.subarray(0, 10))).toEqual([7, 2, 1, 0, 4, 1, 4, 9, 5, 9]);
  });

  it('gives identical results for the gzipped and the raw files', () => {
    const gz = readMnistGz();
    const raw = readMnistRaw();
    expect(raw.images[0]).toBe(0);
    const fromGz = parseIdx(gz.images);
    const fromRaw = parseIdx(raw.images);
    expect(fromRaw.dims).toEqual(fromGz.dims);
    expect(Buffer.from(fromRaw.data.buffer).equals(Buffer.from(fromGz.data.buffer))).toBe(true);
    expect(Array.from(parseIdx(raw.labels).data)).toEqual(Array.from(parseIdx(gz.labels).data));
  });
});

describe('parseIdx element types', () => {
  const cases: [IdxDtype, number[]][] = [
    ['uint8', [0, 1, 254, 255]],
    ['int8', [-128, -1, 0, 127]],
    ['int16', [-32768, -2, 513, 32767]],
    ['int32', [-2147483648, -70000, 70000, 2147483647]],
    ['float32', [-1.5, 0, 0.25, 2 ** 100]],
    ['float64', [-1e-300, Math.PI, 0, 1e300]],
  ];
  it.each(cases)('round-trips big-endian %s values through encodeIdx', (dtype, values) => {
    const parsed = parseIdx(encodeIdx({ dtype, dims: [2, 2], data: Float64Array.from(values) }));
    expect(parsed.dtype).toBe(dtype);
    expect(parsed.dims).toEqual([2, 2]);
    expect(Array.from(parsed.data)).toEqual(values);
  });

  it('stores int16 big-endian: 0x0102 is the bytes 01 02', () => {
    const file = encodeIdx({ dtype: 'int16', dims: [1], data: Int16Array.of(0x0102) });
    expect(file.toString('hex')).toBe('00000b01' + '00000001' + '0102');
  });

  it('returns a copy that does not alias the input buffer', () => {
    const file = smallImages();
    const parsed = parseIdx(file);
    file[16] = 99;
    expect(parsed.data[0]).toBe(0);
  });
});

describe('parseIdx on malformed files', () => {
  it('names the expected magic when the element type is wrong', () => {
    const file = smallImages();
    file[2] = 0x09;
    expectInvalidArgument(
      () => parseIdx(file, { role: 'images', expect: imagesExpect }),
      'images file: bad magic 0x00000903 (signed byte, 3 dimensions), expected 0x00000803 (unsigned byte, 3 dimensions) ' +
        'or 0x00000804 (unsigned byte, 4 dimensions)',
    );
  });

  it('names the expected magic when the dimension count is wrong (a labels file given as images)', () => {
    const labels = encodeIdx({ dtype: 'uint8', dims: [5], data: new Uint8Array(5) });
    expectInvalidArgument(
      () => parseIdx(labels, { role: 'images', expect: imagesExpect }),
      'images file: bad magic 0x00000801 (unsigned byte, 1 dimension), expected 0x00000803 (unsigned byte, 3 dimensions) ' +
        'or 0x00000804 (unsigned byte, 4 dimensions)',
    );
  });

  it('refuses a file whose first two bytes are not zero', () => {
    expectInvalidArgument(
      () => parseIdx(Buffer.from('PK\u0003\u0004 a zip, not IDX', 'latin1'), { role: 'labels' }),
      'labels file: bad magic 0x504B0304: an IDX file starts with two zero bytes (is this an IDX file?)',
    );
  });

  it('refuses an unknown element type code', () => {
    expectInvalidArgument(
      () => parseIdx(Buffer.from([0, 0, 0x0a, 1, 0, 0, 0, 1, 0])),
      'IDX file: bad magic 0x00000A01: unknown element type code 0x0A (known: 0x08 unsigned byte, 0x09 signed byte, ' +
        '0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64)',
    );
  });

  it('refuses zero dimensions and files too short for the magic', () => {
    expectInvalidArgument(
      () => parseIdx(Buffer.from([0, 0, 8, 0])),
      'IDX file: bad magic 0x00000800: the dimension count is 0, need at least 1',
    );
    expectInvalidArgument(() => parseIdx(Buffer.from([0, 0, 8])), 'IDX file: 3 bytes is too short for the 4-byte IDX magic number');
  });

  it('refuses a header cut off inside the dimensions', () => {
    expectInvalidArgument(
      () => parseIdx(smallImages().subarray(0, 10), { role: 'images' }),
      'images file: header truncated: magic 0x00000803 declares 3 dimensions, so the header needs 16 bytes, but the file has only 10',
    );
  });

  it('refuses a zero dimension', () => {
    const file = smallImages();
    file.writeUInt32BE(0, 8);
    expectInvalidArgument(
      () => parseIdx(file, { role: 'images' }),
      'images file: dimension 2 of 3 is 0; every dimension must be in [1, 2147483647]',
    );
  });

  it('reports truncated data with expected and actual byte counts', () => {
    expectInvalidArgument(
      () => parseIdx(smallImages().subarray(0, 16 + 20), { role: 'images' }),
      'images file: data truncated: dimensions 2×3×4 of unsigned byte need 24 data bytes after the 16-byte header, ' +
        'but only 20 are present (4 missing)',
    );
  });

  it('reports trailing bytes with expected and actual byte counts', () => {
    const file = Buffer.concat([smallImages(), Buffer.alloc(3)]);
    expectInvalidArgument(
      () => parseIdx(file, { role: 'images' }),
      'images file: 3 trailing bytes: dimensions 2×3×4 of unsigned byte need 24 data bytes after the 16-byte header, ' +
        'but 27 are present',
    );
  });

  it('reports a truncated real MNIST labels file', () => {
    const raw = readMnistRaw().labels;
    expectInvalidArgument(
      () => parseIdx(gzipSync(raw.subarray(0, raw.length - 1)), { role: 'labels' }),
      'labels file: data truncated: dimensions 10000 of unsigned byte need 10000 data bytes after the 8-byte header, ' +
        'but only 9999 are present (1 missing)',
    );
  });

  it('counts element size: a float64 file with 4 values needs 32 bytes', () => {
    const file = encodeIdx({ dtype: 'float64', dims: [4], data: new Float64Array(4) }).subarray(0, 8 + 31);
    expectInvalidArgument(() => parseIdx(file), /need 32 data bytes after the 8-byte header, but only 31 are present/);
  });

  it('does not overflow when the dimensions multiply past 2^53', () => {
    const file = Buffer.alloc(4 + 16);
    file.writeUInt32BE(0x00000d04, 0);
    for (let i = 0; i < 4; i++) file.writeUInt32BE(0x7fffffff, 4 + 4 * i);
    const need = (2n ** 31n - 1n) ** 4n * 4n;
    expectInvalidArgument(() => parseIdx(file), new RegExp(`data truncated: .* need ${need} data bytes .* only 0 are present`));
  });

  it('refuses a gzip bomb by the maxBytes cap', () => {
    const bomb = gzipSync(encodeIdx({ dtype: 'uint8', dims: [1000, 100, 100], data: new Uint8Array(10_000_000) }));
    expectInvalidArgument(
      () => parseIdx(bomb, { role: 'images', maxBytes: 1_000_000 }),
      'images file: gzip data decompresses to more than 1000000 bytes (maxBytes); refusing to inflate it further',
    );
  });
});
