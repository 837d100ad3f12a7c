import { describe, expect, it } from 'vitest';
import { readMnistGz } from '../testing/mnist.fixture';
import { expectInvalidArgument } from '../testing/domain-error.matcher';
import { decodeDataset, encodeDataset } from './dataset.codec';
import { readIdxImageDataset } from './idx-image-dataset.reader';
import type { TensorDataset } from './tensor-dataset.types';

const small: TensorDataset = {
  shape: [2, 3],
  count: 2,
  x: Float32Array.from({ length: 12 }, (_, i) => i / 7 - 0.5),
  labels: Int32Array.of(1, 0),
  numClasses: 3,
};

describe('encodeDataset / decodeDataset', () => {
  it('round-trips the MNIST test set bit for bit', () => {
    const { images, labels } = readMnistGz();
    const ds = readIdxImageDataset(images, labels);
    const bytes = encodeDataset(ds);
    expect(bytes.length).toBe(20 + 3 * 4 + 7_840_000 * 4 + 10_000 * 4 + 4);
    const back = decodeDataset(bytes);
    expect(back.shape).toEqual([28, 28, 1]);
    expect(back.count).toBe(10_000);
    expect(back.numClasses).toBe(10);
    expect(Buffer.from(back.x.buffer).equals(Buffer.from(ds.x.buffer))).toBe(true);
    expect(back.labels).toEqual(ds.labels);
  });

  it('lays out a small dataset as documented', () => {
    const bytes = encodeDataset(small);
    expect(bytes.toString('latin1', 0, 4)).toBe('GLDS');
    expect([bytes.readUInt16LE(4), bytes.readUInt16LE(6)]).toEqual([1, 1]);
    expect([bytes.readUInt32LE(8), bytes.readUInt32LE(12), bytes.readUInt32LE(16)]).toEqual([2, 2, 3]);
    expect([bytes.readUInt32LE(20), bytes.readUInt32LE(24)]).toEqual([2, 3]);
    expect(bytes.readFloatLE(28)).toBe(small.x[0]);
    expect(bytes.readInt32LE(28 + 48)).toBe(1);
    expect(bytes.length).toBe(28 + 48 + 8 + 4);
    expect(decodeDataset(bytes)).toEqual(small);
  });

  it('round-trips a dataset without labels or numClasses', () => {
    const ds: TensorDataset = { shape: [2], count: 3, x: Float32Array.of(1, 2, 3, 4, 5, 6) };
    const back = decodeDataset(encodeDataset(ds));
    expect(back).toEqual(ds);
    expect(back).not.toHaveProperty('labels');
  });

  it('decodes from a view at an odd byte offset', () => {
    const bytes = encodeDataset(small);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(decodeDataset(shifted.subarray(1))).toEqual(small);
  });

  it('refuses to encode an inconsistent dataset', () => {
    expectInvalidArgument(
      () => encodeDataset({ shape: [2], count: 3, x: new Float32Array(5) }),
      'dataset: x has 5 values, expected 6 (3 examples of shape [2])',
    );
    expectInvalidArgument(() => encodeDataset({ ...small, labels: Int32Array.of(1, 3) }), 'dataset: label 1 is 3, outside [0, 3)');
    expectInvalidArgument(() => encodeDataset({ shape: [1], count: 1, x: Float32Array.of(NaN) }), 'dataset: x[0] is NaN; values must be finite');
  });

  it('refuses bad magic, unknown version and unknown flags', () => {
    const bytes = encodeDataset(small);
    expectInvalidArgument(() => decodeDataset(Buffer.concat([Buffer.from('IDX!'), bytes.subarray(4)])), 'GLDS dataset: bad magic "IDX!" (hex 49445821), expected "GLDS"');
    const v2 = Buffer.from(bytes);
    v2.writeUInt16LE(2, 4);
    expectInvalidArgument(() => decodeDataset(v2), 'GLDS dataset: unsupported version 2; this reader understands version 1');
    const flags = Buffer.from(bytes);
    flags.writeUInt16LE(3, 6);
    expectInvalidArgument(() => decodeDataset(flags), 'GLDS dataset: unknown flag bits 0x3');
  });

  it('refuses truncated files and trailing bytes with both sizes', () => {
    const bytes = encodeDataset(small);
    expectInvalidArgument(
      () => decodeDataset(bytes.subarray(0, bytes.length - 8)),
      'GLDS dataset: truncated: 2 examples of shape [2, 3] with labels need 88 bytes, the file has 80',
    );
    expectInvalidArgument(
      () => decodeDataset(Buffer.concat([bytes, Buffer.alloc(2)])),
      'GLDS dataset: 2 trailing bytes: 2 examples of shape [2, 3] with labels need 88 bytes, the file has 90',
    );
    expectInvalidArgument(() => decodeDataset(bytes.subarray(0, 10)), 'GLDS dataset: 10 bytes is too short for a GLDS header');
  });

  it('detects a flipped bit by its CRC-32', () => {
    const bytes = Buffer.from(encodeDataset(small));
    bytes[40] = (bytes[40] as number) ^ 0x10;
    expectInvalidArgument(() => decodeDataset(bytes), /^GLDS dataset: checksum mismatch: stored CRC-32 0x[0-9A-F]{8}, computed 0x[0-9A-F]{8}; the file is corrupt$/);
  });

  it('refuses a zero dimension or an out-of-range rank in the header', () => {
    const zero = Buffer.from(encodeDataset(small));
    zero.writeUInt32LE(0, 24);
    expectInvalidArgument(() => decodeDataset(zero), 'GLDS dataset: shape [2, 0] has a zero dimension');
    const rank = Buffer.from(encodeDataset(small));
    rank.writeUInt32LE(9, 8);
    expectInvalidArgument(() => decodeDataset(rank), 'GLDS dataset: rank 9 is outside [1, 8]');
  });
});
