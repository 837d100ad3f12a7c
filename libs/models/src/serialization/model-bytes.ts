import { crc32 } from 'node:zlib';
import { invalidArgument } from '@genlab/errors';

/*
 * One self-describing buffer per model:
 *
 *   bytes 0–7    magic "GENLABM\0"
 *   bytes 8–11   format version (uint32 little-endian)
 *   bytes 12–15  header length H (uint32 LE)
 *   bytes 16–19  CRC-32 of the payload (uint32 LE)
 *   bytes 20…    header: UTF-8 JSON (family, config, data shape, state, tensor table)
 *   then         zero padding to a multiple of 8, then the payload: each tensor's
 *                little-endian values at the offset the tensor table gives.
 */

const MAGIC = 'GENLABM\0';
export const MODEL_FORMAT_VERSION = 1;
const PREAMBLE_BYTES = 20;

export type TensorDtype = 'float32' | 'int32';

export interface TensorRecord {
  readonly name: string;
  readonly dtype: TensorDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

/** Everything needed to rebuild a model; `config` and `state` are plain JSON. */
export interface ModelSnapshot {
  readonly family: string;
  readonly config: unknown;
  readonly dataShape: readonly number[];
  /** Family-specific scalars (optimiser step, RNG states, …). */
  readonly state: Readonly<Record<string, unknown>>;
  readonly tensors: readonly TensorRecord[];
}

interface TensorEntry {
  name: string;
  dtype: TensorDtype;
  shape: number[];
  offset: number;
  byteLength: number;
}

interface Header {
  family: string;
  config: unknown;
  dataShape: number[];
  state: Record<string, unknown>;
  tensors: TensorEntry[];
  littleEndian: true;
  writtenBy: string;
}

const align8 = (n: number) => Math.ceil(n / 8) * 8;
const isLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function encodeModelBytes(snapshot: ModelSnapshot): Uint8Array {
  if (!isLittleEndian) throw new Error('model bytes are written little-endian; this platform is big-endian');
  let offset = 0;
  const tensors: TensorEntry[] = snapshot.tensors.map((t) => {
    const entry = { name: t.name, dtype: t.dtype, shape: [...t.shape], offset, byteLength: t.data.byteLength };
    offset = align8(offset + t.data.byteLength);
    return entry;
  });
  const header: Header = {
    family: snapshot.family,
    config: snapshot.config,
    dataShape: [...snapshot.dataShape],
    state: { ...snapshot.state },
    tensors,
    littleEndian: true,
    writtenBy: 'genlab',
  };
  const headerBytes = new TextEncoder().encode(JSON.stringify(header));
  const payloadStart = align8(PREAMBLE_BYTES + headerBytes.length);
  const out = new Uint8Array(payloadStart + offset);
  const payload = out.subarray(payloadStart);
  snapshot.tensors.forEach((t, i) => payload.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), tensors[i].offset));

  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, headerBytes.length, true);
  view.setUint32(16, crc32(payload), true);
  out.set(headerBytes, PREAMBLE_BYTES);
  return out;
}

const corrupt = (why: string) => invalidArgument(`model bytes are not a valid genlab model: ${why}`);

export interface DecodeOptions {
  /** Which tensors to read (by name; default all): the others are left out of the snapshot, not copied. */
  readonly tensors?: (name: string) => boolean;
}

export function decodeModelBytes(bytes: Uint8Array, options: DecodeOptions = {}): ModelSnapshot {
  if (!(bytes instanceof Uint8Array) || bytes.length < PREAMBLE_BYTES) throw corrupt('too short');
  if (new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) throw corrupt('wrong magic number');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== MODEL_FORMAT_VERSION) throw corrupt(`format version ${version} is not supported (this build reads ${MODEL_FORMAT_VERSION})`);
  const headerLength = view.getUint32(12, true);
  const payloadStart = align8(PREAMBLE_BYTES + headerLength);
  if (payloadStart > bytes.length) throw corrupt('truncated header');

  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + headerLength))) as Header;
  } catch {
    throw corrupt('unreadable header');
  }
  if (typeof header?.family !== 'string' || !Array.isArray(header.tensors) || !Array.isArray(header.dataShape)) {
    throw corrupt('incomplete header');
  }
  const payload = bytes.subarray(payloadStart);
  if (crc32(payload) !== view.getUint32(16, true)) throw corrupt('payload checksum mismatch');

  const wanted = options.tensors;
  const tensors = (wanted ? header.tensors.filter((entry) => wanted(String(entry.name))) : header.tensors).map((entry) => readTensor(payload, entry));
  return { family: header.family, config: header.config, dataShape: header.dataShape, state: header.state ?? {}, tensors };
}

function readTensor(payload: Uint8Array, entry: TensorEntry): TensorRecord {
  const count = Array.isArray(entry.shape) ? entry.shape.reduce((a, d) => a * d, 1) : Number.NaN;
  const fits =
    (entry.dtype === 'float32' || entry.dtype === 'int32') &&
    entry.byteLength === count * 4 &&
    Number.isInteger(entry.offset) &&
    entry.offset >= 0 &&
    entry.offset + entry.byteLength <= payload.length;
  if (!fits) throw corrupt(`tensor '${String(entry.name)}' has an inconsistent table entry`);
  // Copy into a fresh, aligned buffer: the input may sit at any byte offset, and may be a
  // Node Buffer, whose slice() is a view of the whole (pooled) memory rather than a copy.
  const raw = new Uint8Array(payload.subarray(entry.offset, entry.offset + entry.byteLength)).buffer;
  const data = entry.dtype === 'float32' ? new Float32Array(raw) : new Int32Array(raw);
  return { name: entry.name, dtype: entry.dtype, shape: entry.shape, data };
}

export const tensorsByName = (snapshot: ModelSnapshot): ReadonlyMap<string, TensorRecord> =>
  new Map(snapshot.tensors.map((t) => [t.name, t]));
