import { loadSync } from '@grpc/proto-loader';
import { describe, expect, it } from 'vitest';
import { protoPath, protoRoot } from '@genlab/contracts';
import { PROTO_LOADER_OPTIONS } from './grpc-server';
import { encodeSampleChunk, installSampleChunkSerializer } from './sample-chunk-serializer';

type Method = { responseSerialize: (value: unknown) => Buffer; responseDeserialize: (bytes: Buffer) => unknown };
const load = () => loadSync(protoPath('generation'), { ...PROTO_LOADER_OPTIONS, includeDirs: [protoRoot()] });
const service = (definition: ReturnType<typeof load>) => definition['genlab.generation.v1.GenerationService'] as unknown as Record<string, Method>;

const floats = (n: number, seed: number) => {
  const values = new Float32Array(n).map((_, i) => Math.sin(seed + i) * 1e3);
  return Buffer.from(values.buffer);
};

// What the generation service sends, and the edge cases of the encoding.
const CHUNKS = [
  { offset: 0, count: 64, shape: [28, 28, 1], values: floats(64 * 784, 1), png: Buffer.alloc(0) },
  { offset: 4032, count: 64, shape: [28, 28, 1], values: floats(64 * 784, 2), png: Buffer.from([137, 80, 78, 71, 1, 2, 3]) },
  { offset: 300_000, count: 1, shape: [2], values: floats(2, 3), png: Buffer.alloc(0) },
  { offset: 5, count: 0, shape: [], values: Buffer.alloc(0), png: Buffer.alloc(0) },
  { offset: -1, count: -(2 ** 31), shape: [-7, 2 ** 31 - 1, 128, 16_384], values: floats(3, 4) },
  { count: 3, shape: [1], values: new Uint8Array(floats(3, 5)) },
];

describe('SampleChunk serializer', () => {
  it('writes the bytes proto-loader writes, for every chunk shape', () => {
    const original = service(load()).Sample!.responseSerialize;
    for (const chunk of CHUNKS) {
      const expected = Buffer.from(original(chunk));
      expect(Buffer.from(encodeSampleChunk(chunk, original)).equals(expected), JSON.stringify({ ...chunk, values: chunk.values.length })).toBe(true);
    }
  });

  it('decodes to the chunk that was sent, one message after another through the reused buffer', () => {
    const definition = load();
    installSampleChunkSerializer(definition);
    const { Sample, Interpolate, Reconstruct } = service(definition) as Record<string, Method>;
    // The installed serializers write into one buffer, message after message.
    expect(Sample!.responseSerialize(CHUNKS[0]).buffer).toBe(Reconstruct!.responseSerialize(CHUNKS[1]).buffer);
    for (const method of [Sample!, Interpolate!, Reconstruct!]) {
      for (const chunk of CHUNKS.slice(0, 3)) {
        const decoded = method.responseDeserialize(Buffer.from(method.responseSerialize(chunk))) as typeof chunk;
        expect(decoded.offset).toBe(chunk.offset);
        expect(decoded.shape).toEqual(chunk.shape);
        expect(Buffer.from(decoded.values).equals(chunk.values)).toBe(true);
        expect(Buffer.from(decoded.png ?? []).equals(chunk.png ?? Buffer.alloc(0))).toBe(true);
      }
    }
  });

  it('leaves other shapes of the value to proto-loader (bytes as base64, fractional numbers)', () => {
    const original = service(load()).Sample!.responseSerialize;
    for (const odd of [{ offset: 1, values: 'AAAA' }, { offset: 1.5, count: 2 }, { shape: [1.25] }]) {
      expect(encodeSampleChunk(odd, original).equals(original(odd))).toBe(true);
    }
  });

  it('gives a message larger than the scratch buffer a buffer of its own', () => {
    const original = service(load()).Sample!.responseSerialize;
    const big = { offset: 0, count: 1, shape: [5 * 1024 * 1024], values: Buffer.alloc(5 * 1024 * 1024, 7), png: Buffer.alloc(0) };
    const first = encodeSampleChunk(big, original);
    const copy = Buffer.from(first);
    encodeSampleChunk(CHUNKS[0], original);
    expect(first.equals(copy)).toBe(true);
    expect(first.equals(original(big))).toBe(true);
  });
});
