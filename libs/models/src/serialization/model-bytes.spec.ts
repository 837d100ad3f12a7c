import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@genlab/errors';
import { decodeModelBytes, encodeModelBytes, type ModelSnapshot } from './model-bytes';

const snapshot: ModelSnapshot = {
  family: 'vae',
  config: { latentDim: 2 },
  dataShape: [2, 3],
  state: { step: 4, seed: 9 },
  tensors: [
    { name: 'a', dtype: 'float32', shape: [3], data: new Float32Array([1.5, -2, 3]) },
    { name: 'b', dtype: 'int32', shape: [1, 2], data: new Int32Array([7, -8]) },
  ],
};

describe('model bytes', () => {
  it('round-trip config, state and tensors, also from an unaligned view', () => {
    const bytes = encodeModelBytes(snapshot);
    expect(decodeModelBytes(bytes)).toEqual(snapshot);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    expect(decodeModelBytes(shifted.subarray(1))).toEqual(snapshot);
  });

  it('round-trip from a Node Buffer that is a view into larger memory (as fs reads return)', () => {
    const bytes = encodeModelBytes(snapshot);
    const pool = Buffer.alloc(bytes.length + 4096, 0xab);
    pool.set(bytes, 1024);
    const view = pool.subarray(1024, 1024 + bytes.length);
    expect(view.byteOffset).toBe(1024);
    expect(decodeModelBytes(view)).toEqual(snapshot);
  });

  it('reject foreign, corrupted or truncated bytes with INVALID_ARGUMENT', () => {
    const bytes = encodeModelBytes(snapshot);
    const invalid = (message: RegExp) => expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringMatching(message) });
    expect(() => decodeModelBytes(new TextEncoder().encode('{"not": "a model"}....'))).toThrow(invalid(/magic/));
    const flipped = bytes.slice();
    flipped[flipped.length - 9] ^= 0xff;
    expect(() => decodeModelBytes(flipped)).toThrow(invalid(/checksum/));
    expect(() => decodeModelBytes(bytes.subarray(0, 30))).toThrow(invalid(/truncated|checksum/));
    const future = bytes.slice();
    future[8] = 99;
    expect(() => decodeModelBytes(future)).toThrow(invalid(/version 99/));
  });
});
