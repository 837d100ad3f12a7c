import { invalidArgument } from '@genlab/errors';
import { DEFAULT_MAX_BYTES, gunzipIfNeeded } from '../io/bounded-gunzip.util';
import {
  describeMagic,
  formatMagic,
  IDX_DTYPES,
  idxDtypeByCode,
  type IdxData,
  type IdxDtype,
  type IdxDtypeInfo,
  type IdxTensor,
} from './idx.types';

export interface IdxExpectation {
  readonly dtype: IdxDtype;
  /** Accepted dimension counts, e.g. [3, 4] for images. */
  readonly ranks: readonly number[];
}

export interface ParseIdxOptions {
  /** Names the file in error messages: "images", "labels"; defaults to "IDX". */
  readonly role?: string;
  /** Cap on the (decompressed) file size in bytes; defaults to 1 GiB. */
  readonly maxBytes?: number;
  /** When given, any other element type or dimension count is refused as a bad magic. */
  readonly expect?: IdxExpectation;
}

const MAX_DIMENSION = 0x7fffffff;

/**
 * Parses an IDX file (http://yann.lecun.com/exdb/mnist/, "THE IDX FILE FORMAT"), raw or gzipped.
 * Values are big-endian in the file and returned as a fresh typed array of the host's order.
 * Every defect throws INVALID_ARGUMENT naming the file's role and what exactly is wrong.
 */
export const parseIdx = (input: Uint8Array, options: ParseIdxOptions = {}): IdxTensor => {
  const what = `${options.role ?? 'IDX'} file`;
  const bytes = gunzipIfNeeded(input, what, options.maxBytes ?? DEFAULT_MAX_BYTES);
  if (bytes.length < 4) {
    throw invalidArgument(`${what}: ${bytes.length} bytes is too short for the 4-byte IDX magic number`, {
      bytes: bytes.length,
    });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const info = readMagic(magic, what, options.expect);
  const rank = bytes[3] as number;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw invalidArgument(
      `${what}: header truncated: magic ${formatMagic(magic)} declares ${rank} dimensions, so the header needs ` +
        `${headerBytes} bytes, but the file has only ${bytes.length}`,
      { magic, rank, expectedBytes: headerBytes, actualBytes: bytes.length },
    );
  }
  const dims = readDims(view, rank, what);
  const count = dims.reduce((product, dim) => product * BigInt(dim), 1n);
  const expectedBytes = count * BigInt(info.bytes);
  const actualBytes = BigInt(bytes.length - headerBytes);
  if (expectedBytes !== actualBytes) {
    throw sizeMismatch(what, info, dims, headerBytes, expectedBytes, actualBytes);
  }
  return { dtype: info.dtype, dims, data: readData(view, headerBytes, Number(count), info) };
};

const readMagic = (magic: number, what: string, expect: IdxExpectation | undefined): IdxDtypeInfo => {
  if (magic >>> 16 !== 0) {
    throw invalidArgument(
      `${what}: bad magic ${formatMagic(magic)}: an IDX file starts with two zero bytes (is this an IDX file?)`,
      { magic },
    );
  }
  const code = (magic >>> 8) & 0xff;
  const rank = magic & 0xff;
  const info = idxDtypeByCode(code);
  if (!info) {
    const known = IDX_DTYPES.map((d) => `0x${d.code.toString(16).toUpperCase().padStart(2, '0')} ${d.label}`);
    throw invalidArgument(
      `${what}: bad magic ${formatMagic(magic)}: unknown element type code 0x${code.toString(16).toUpperCase().padStart(2, '0')} ` +
        `(known: ${known.join(', ')})`,
      { magic, typeCode: code },
    );
  }
  if (expect && (info.dtype !== expect.dtype || !expect.ranks.includes(rank))) {
    const wanted = expect.ranks.map((r) => describeMagic(expect.dtype, r)).join(' or ');
    throw invalidArgument(`${what}: bad magic ${describeMagic(info.dtype, rank)}, expected ${wanted}`, {
      magic,
      dtype: info.dtype,
      rank,
      expectedDtype: expect.dtype,
      expectedRanks: [...expect.ranks],
    });
  }
  if (rank === 0) {
    throw invalidArgument(`${what}: bad magic ${formatMagic(magic)}: the dimension count is 0, need at least 1`, {
      magic,
    });
  }
  return info;
};

const readDims = (view: DataView, rank: number, what: string): number[] => {
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) {
    const dim = view.getUint32(4 + 4 * i, false);
    if (dim === 0 || dim > MAX_DIMENSION) {
      throw invalidArgument(
        `${what}: dimension ${i + 1} of ${rank} is ${dim}; every dimension must be in [1, ${MAX_DIMENSION}]`,
        { dimension: i, value: dim },
      );
    }
    dims.push(dim);
  }
  return dims;
};

const sizeMismatch = (
  what: string,
  info: IdxDtypeInfo,
  dims: readonly number[],
  headerBytes: number,
  expected: bigint,
  actual: bigint,
) => {
  const need = `dimensions ${dims.join('×')} of ${info.label} need ${expected} data bytes after the ${headerBytes}-byte header`;
  const details = { dims: [...dims], expectedBytes: Number(expected), actualBytes: Number(actual) };
  if (actual < expected) {
    return invalidArgument(
      `${what}: data truncated: ${need}, but only ${actual} are present (${expected - actual} missing)`,
      details,
    );
  }
  return invalidArgument(
    `${what}: ${actual - expected} trailing bytes: ${need}, but ${actual} are present`,
    details,
  );
};

const readData = (view: DataView, offset: number, count: number, info: IdxDtypeInfo): IdxData => {
  switch (info.dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer, view.byteOffset + offset, count).slice();
    case 'int8':
      return new Int8Array(view.buffer, view.byteOffset + offset, count).slice();
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
};
