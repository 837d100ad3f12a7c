import { endianness } from 'node:os';
import { invalidArgument } from '@genlab/errors';
import { crc32 } from '../io/crc32.util';
import { exampleSize, type TensorDataset } from './tensor-dataset.types';
import { MAX_RANK, validateTensorDataset } from './tensor-dataset.validator';

/**
 * GLDS v1, a self-describing little-endian dataset container (all integers u32 unless noted):
 *
 *   0       4     magic "GLDS"
 *   4       2     version (u16) = 1
 *   6       2     flags (u16): bit 0 = labels present; other bits must be 0
 *   8       4     rank r (1..8)
 *   12      4     count n
 *   16      4     numClasses (0 = not set)
 *   20      4r    shape
 *   20+4r   4nk   x, float32, k = prod(shape)
 *   …       4n    labels, int32 (only when flag bit 0 is set)
 *   end-4   4     CRC-32 of every preceding byte
 *
 * Every section starts at a multiple of 4, so `x` can be read without realignment.
 */
export const GLDS_MAGIC = 'GLDS';
export const GLDS_VERSION = 1;
const FLAG_LABELS = 1;
const FIXED_HEADER = 20;
const HOST_LE = endianness() === 'LE';

export const encodeDataset = (ds: TensorDataset): Buffer => {
  validateTensorDataset(ds);
  const { shape, count, x, labels, numClasses } = ds;
  const header = FIXED_HEADER + 4 * shape.length;
  const labelBytes = labels ? 4 * count : 0;
  const out = Buffer.alloc(header + 4 * x.length + labelBytes + 4);
  out.write(GLDS_MAGIC, 0, 'latin1');
  out.writeUInt16LE(GLDS_VERSION, 4);
  out.writeUInt16LE(labels ? FLAG_LABELS : 0, 6);
  out.writeUInt32LE(shape.length, 8);
  out.writeUInt32LE(count, 12);
  out.writeUInt32LE(numClasses ?? 0, 16);
  shape.forEach((dim, i) => out.writeUInt32LE(dim, FIXED_HEADER + 4 * i));
  writeLE(out, header, x);
  if (labels) writeLE(out, header + 4 * x.length, labels);
  const bodyEnd = out.length - 4;
  out.writeUInt32LE(crc32(out.subarray(0, bodyEnd)), bodyEnd);
  return out;
};

export const decodeDataset = (buf: Uint8Array): TensorDataset => {
  const what = 'GLDS dataset';
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (bytes.length < FIXED_HEADER + 4 + 4) {
    throw invalidArgument(`${what}: ${bytes.length} bytes is too short for a GLDS header`, { bytes: bytes.length });
  }
  const magic = bytes.toString('latin1', 0, 4);
  if (magic !== GLDS_MAGIC) {
    throw invalidArgument(`${what}: bad magic ${JSON.stringify(magic)} (hex ${bytes.subarray(0, 4).toString('hex')}), expected "GLDS"`);
  }
  const version = bytes.readUInt16LE(4);
  if (version !== GLDS_VERSION) {
    throw invalidArgument(`${what}: unsupported version ${version}; this reader understands version ${GLDS_VERSION}`);
  }
  const flags = bytes.readUInt16LE(6);
  if ((flags & ~FLAG_LABELS) !== 0) throw invalidArgument(`${what}: unknown flag bits 0x${flags.toString(16)}`);
  const rank = bytes.readUInt32LE(8);
  const count = bytes.readUInt32LE(12);
  const storedClasses = bytes.readUInt32LE(16);
  if (rank < 1 || rank > MAX_RANK) throw invalidArgument(`${what}: rank ${rank} is outside [1, ${MAX_RANK}]`);
  const header = FIXED_HEADER + 4 * rank;
  if (bytes.length < header + 4) {
    throw invalidArgument(`${what}: header truncated: rank ${rank} needs ${header + 4} bytes, file has ${bytes.length}`);
  }
  const shape = Array.from({ length: rank }, (_, i) => bytes.readUInt32LE(FIXED_HEADER + 4 * i));
  if (shape.some((dim) => dim === 0)) throw invalidArgument(`${what}: shape [${shape.join(', ')}] has a zero dimension`);
  const values = count * exampleSize(shape);
  const hasLabels = (flags & FLAG_LABELS) !== 0;
  const expected = header + 4 * values + (hasLabels ? 4 * count : 0) + 4;
  if (expected !== bytes.length) {
    const problem = bytes.length < expected ? 'truncated' : `${bytes.length - expected} trailing bytes`;
    throw invalidArgument(
      `${what}: ${problem}: ${count} examples of shape [${shape.join(', ')}]${hasLabels ? ' with labels' : ''} ` +
        `need ${expected} bytes, the file has ${bytes.length}`,
      { expectedBytes: expected, actualBytes: bytes.length },
    );
  }
  const stored = bytes.readUInt32LE(expected - 4);
  const actual = crc32(bytes.subarray(0, expected - 4));
  if (stored !== actual) {
    throw invalidArgument(`${what}: checksum mismatch: stored CRC-32 ${hex(stored)}, computed ${hex(actual)}; the file is corrupt`);
  }
  const x = readLE(bytes, header, values, Float32Array);
  const ds: TensorDataset = {
    shape,
    count,
    x,
    ...(hasLabels ? { labels: readLE(bytes, header + 4 * values, count, Int32Array) } : {}),
    ...(storedClasses > 0 ? { numClasses: storedClasses } : {}),
  };
  validateTensorDataset(ds, what);
  return ds;
};

const hex = (value: number) => `0x${value.toString(16).toUpperCase().padStart(8, '0')}`;

const writeLE = (out: Buffer, offset: number, values: Float32Array | Int32Array): void => {
  if (HOST_LE) {
    out.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), offset);
    return;
  }
  const isFloat = values instanceof Float32Array;
  for (let i = 0; i < values.length; i++) {
    if (isFloat) out.writeFloatLE(values[i] as number, offset + 4 * i);
    else out.writeInt32LE(values[i] as number, offset + 4 * i);
  }
};

const readLE = <T extends Float32Array | Int32Array>(
  bytes: Buffer,
  offset: number,
  length: number,
  Kind: { new (length: number): T; new (buffer: ArrayBuffer): T },
): T => {
  if (HOST_LE) {
    const copy = new Uint8Array(4 * length);
    copy.set(bytes.subarray(offset, offset + 4 * length));
    return new Kind(copy.buffer);
  }
  const out = new Kind(length);
  for (let i = 0; i < length; i++) {
    out[i] = Kind === (Float32Array as unknown) ? bytes.readFloatLE(offset + 4 * i) : bytes.readInt32LE(offset + 4 * i);
  }
  return out;
};
