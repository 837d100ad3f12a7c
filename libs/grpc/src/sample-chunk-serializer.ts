import type { PackageDefinition } from '@grpc/proto-loader';

/**
 * The server side of `genlab.generation.v1.SampleChunk` (Sample, Interpolate and Reconstruct
 * answer with it): the same bytes proto-loader's serializer writes, with one buffer fewer.
 *
 * A chunk is mostly its float32 `values` (up to 1 MiB). proto-loader encodes a message into a
 * new buffer, and grpc-js then copies that buffer into another one behind the 5-byte frame
 * header and drops it (server-interceptors' `serializeMessage`, synchronously). Each buffer of
 * that size is allocated outside the JS heap, and it was that external memory, not the heap,
 * that set off most of the service's garbage collections (scavenges and mark-compacts "due to
 * external memory pressure"): about as much CPU per 64-sample call as the sampling itself.
 * This serializer writes into one reused scratch buffer instead and returns a view of it; the
 * view is valid until the next call, which is long enough because grpc-js copies it at once.
 * The e2e tests that compare multi-chunk streams byte for byte would catch a grpc-js that kept
 * the view.
 */
const SAMPLE_CHUNK_PACKAGE = 'genlab.generation.v1';
/** Larger messages (a big PNG) get a buffer of their own rather than a scratch this size. */
const MAX_SCRATCH_BYTES = 4 * 1024 * 1024;

interface SampleChunkFields {
  offset?: number;
  count?: number;
  shape?: readonly number[];
  values?: Uint8Array;
  png?: Uint8Array;
}

type Serialize = (value: unknown) => Buffer;

let scratch = Buffer.allocUnsafe(0);

/** Replace proto-loader's response serializer of every method answering with SampleChunk. */
export function installSampleChunkSerializer(definition: PackageDefinition): void {
  for (const [name, service] of Object.entries(definition)) {
    // A service of the message's package names it unqualified: SampleChunk.
    if (!name.startsWith(`${SAMPLE_CHUNK_PACKAGE}.`) || !isServiceDefinition(service)) continue;
    for (const method of Object.values(service)) {
      if (typeName(method.responseType) !== 'SampleChunk') continue;
      const fallback = method.responseSerialize as Serialize;
      (method as { responseSerialize: Serialize }).responseSerialize = (value) => encodeSampleChunk(value, fallback);
    }
  }
}

/** `value` encoded as proto-loader (protobufjs `fromObject` + `encode`) would, into the scratch buffer. */
export function encodeSampleChunk(value: unknown, fallback: Serialize): Buffer {
  const chunk = value as SampleChunkFields;
  if (!isPlainChunk(chunk)) return fallback(value);
  const shape = chunk.shape ?? [];
  let shapeBytes = 0;
  for (const n of shape) shapeBytes += int32Size(n);
  const size =
    (chunk.offset != null ? 1 + int32Size(chunk.offset) : 0) +
    (chunk.count != null ? 1 + int32Size(chunk.count) : 0) +
    (shape.length > 0 ? 1 + varintSize(shapeBytes) + shapeBytes : 0) +
    (chunk.values != null ? 1 + varintSize(chunk.values.length) + chunk.values.length : 0) +
    (chunk.png != null ? 1 + varintSize(chunk.png.length) + chunk.png.length : 0);
  const out = size > MAX_SCRATCH_BYTES ? Buffer.allocUnsafe(size) : scratchOf(size);
  let at = 0;
  if (chunk.offset != null) at = writeInt32(out, writeVarint(out, at, 0x08), chunk.offset);
  if (chunk.count != null) at = writeInt32(out, writeVarint(out, at, 0x10), chunk.count);
  if (shape.length > 0) {
    at = writeVarint(out, writeVarint(out, at, 0x1a), shapeBytes);
    for (const n of shape) at = writeInt32(out, at, n);
  }
  if (chunk.values != null) at = writeBytes(out, writeVarint(out, at, 0x22), chunk.values);
  if (chunk.png != null) at = writeBytes(out, writeVarint(out, at, 0x2a), chunk.png);
  return out;
}

function scratchOf(size: number): Buffer {
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.min(MAX_SCRATCH_BYTES, Math.max(size, 2 * scratch.length)));
  return scratch.subarray(0, size);
}

/** The shapes the generation service sends; anything else (a string for bytes, a float) goes to proto-loader. */
function isPlainChunk(chunk: SampleChunkFields): boolean {
  if (typeof chunk !== 'object' || chunk === null) return false;
  const int = (n: unknown) => n == null || (typeof n === 'number' && Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31);
  const bytes = (b: unknown) => b == null || b instanceof Uint8Array;
  return int(chunk.offset) && int(chunk.count) && bytes(chunk.values) && bytes(chunk.png) && (chunk.shape == null || (Array.isArray(chunk.shape) && chunk.shape.every(int)));
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

/** protobuf int32: a negative value is sign-extended to 64 bits, ten bytes. */
const int32Size = (n: number) => (n < 0 ? 10 : varintSize(n));

function writeVarint(out: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    out[at++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[at++] = n;
  return at;
}

function writeInt32(out: Buffer, at: number, n: number): number {
  if (n >= 0) return writeVarint(out, at, n);
  // Sign-extended to 64 bits: the low word in two's complement, the high word all ones.
  let low = n >>> 0;
  for (let i = 0; i < 4; i++, low >>>= 7) out[at++] = (low & 0x7f) | 0x80; // bits 0–27
  out[at++] = low | 0x70 | 0x80; // bits 28–31 of the low word, 0–2 of the high one
  for (let i = 0; i < 4; i++) out[at++] = 0xff; // high bits 3–30
  out[at++] = 0x01; // high bit 31
  return at;
}

function writeBytes(out: Buffer, at: number, bytes: Uint8Array): number {
  at = writeVarint(out, at, bytes.length);
  out.set(bytes, at);
  return at + bytes.length;
}

interface MethodLike {
  responseType?: unknown;
  responseSerialize?: unknown;
}

function isServiceDefinition(value: unknown): value is Record<string, MethodLike> {
  if (typeof value !== 'object' || value === null || 'format' in value) return false;
  return Object.values(value).every((m) => typeof m === 'object' && m !== null && 'responseSerialize' in m);
}

/** The descriptor's name of a proto-loader message type definition. */
const typeName = (type: unknown) => (type as { type?: { name?: unknown } } | undefined)?.type?.name;
