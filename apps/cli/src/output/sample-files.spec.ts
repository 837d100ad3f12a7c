import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodePng } from '@genlab/data';
import { imageShape, toFloat32, writeSamples } from './sample-files';

const dir = mkdtempSync(join(tmpdir(), 'genlab-cli-samples-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const floats = (values: number[]) => {
  const buffer = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buffer.writeFloatLE(v, i * 4));
  return buffer;
};

describe('sample files', () => {
  it('recognises image shapes', () => {
    expect(imageShape([28, 28, 1])).toEqual([28, 28, 1]);
    expect(imageShape([28, 28])).toEqual([28, 28, 1]);
    expect(imageShape([32, 32, 3])).toEqual([32, 32, 3]);
    expect(imageShape([2])).toBeUndefined();
    expect(imageShape([4, 4, 2])).toBeUndefined();
  });

  it('reads little-endian floats from unaligned buffers', () => {
    const buffer = Buffer.concat([Buffer.alloc(1), floats([1.5, -2])]).subarray(1);
    expect(Array.from(toFloat32(buffer))).toEqual([1.5, -2]);
  });

  it('writes an image grid PNG, the raw floats and a sidecar with the shape', () => {
    const values = floats(Array.from({ length: 4 * 3 * 3 }, (_, i) => (i % 9) / 8));
    const files = writeSamples(dir, 'img', { shape: [3, 3, 1], count: 4, values }, { runId: 'r1', seed: 5 });
    const png = readFileSync(files.png!);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const image = decodePng(png);
    expect([image.width, image.height, image.channels]).toEqual([2 * 5 + 2, 2 * 5 + 2, 1]); // 2×2 grid, padding 2
    expect(readFileSync(files.raw).equals(values)).toBe(true);
    expect(JSON.parse(readFileSync(files.sidecar, 'utf8'))).toEqual({
      runId: 'r1', seed: 5, dtype: 'float32', byteOrder: 'little-endian', shape: [4, 3, 3, 1], file: 'img.f32', png: 'img.png',
    });
  });

  it('plots 2-D points as a scatter PNG and skips the picture for other shapes', () => {
    const points = writeSamples(dir, 'pts', { shape: [2], count: 3, values: floats([0, 0, 1, 1, -1, 2]) }, {});
    expect(decodePng(readFileSync(points.png!)).channels).toBe(3);
    const other = writeSamples(dir, 'vec', { shape: [5], count: 1, values: floats([1, 2, 3, 4, 5]) }, {});
    expect(other.png).toBeUndefined();
    expect(other.pngSkipped).toMatch(/shape \[5\]/);
    expect(JSON.parse(readFileSync(other.sidecar, 'utf8')).shape).toEqual([1, 5]);
  });
});
