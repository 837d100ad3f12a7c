import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { imageGrid, scatterPlotPng } from '@genlab/data';

export interface SampleBatch {
  /** Shape of one example, e.g. [28, 28, 1] or [2]. */
  shape: number[];
  count: number;
  /** count × prod(shape) little-endian float32 values. */
  values: Buffer;
}

export interface WrittenSamples {
  raw: string;
  sidecar: string;
  png?: string;
  /** Why there is no PNG, when there is none. */
  pngSkipped?: string;
}

/** [h, w] or [h, w, 1|3] image data → its [h, w, c]; undefined for anything else. */
export function imageShape(shape: readonly number[]): [number, number, number] | undefined {
  if (shape.length === 2 && shape.every((d) => d > 1)) return [shape[0] as number, shape[1] as number, 1];
  if (shape.length === 3 && (shape[2] === 1 || shape[2] === 3)) return [shape[0] as number, shape[1] as number, shape[2]];
  return undefined;
}

/** Little-endian bytes → Float32Array, whatever the host's byte order and the buffer's alignment. */
export function toFloat32(values: Buffer): Float32Array {
  const out = new Float32Array(values.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = values.readFloatLE(i * 4);
  return out;
}

/** A PNG of the samples: a grid for image data, a scatter plot for points in the plane. */
export function renderSamplesPng(batch: SampleBatch): Buffer | string {
  const image = imageShape(batch.shape);
  if (image) return imageGrid(toFloat32(batch.values), batch.count, image);
  if (batch.shape.length === 1 && batch.shape[0] === 2) return scatterPlotPng(toFloat32(batch.values));
  return `no picture for examples of shape [${batch.shape.join(', ')}]`;
}

/** Writes `<base>.png`, `<base>.f32` and `<base>.json` (shape, dtype, provenance) into `dir`. */
export function writeSamples(dir: string, base: string, batch: SampleBatch, provenance: Record<string, unknown>): WrittenSamples {
  mkdirSync(dir, { recursive: true });
  const raw = join(dir, `${base}.f32`);
  const sidecar = join(dir, `${base}.json`);
  writeFileSync(raw, batch.values);
  const png = renderSamplesPng(batch);
  const pngPath = typeof png === 'string' ? undefined : join(dir, `${base}.png`);
  if (pngPath) writeFileSync(pngPath, png as Buffer);
  const meta = {
    ...provenance,
    dtype: 'float32',
    byteOrder: 'little-endian',
    shape: [batch.count, ...batch.shape],
    file: `${base}.f32`,
    png: pngPath ? `${base}.png` : undefined,
  };
  writeFileSync(sidecar, `${JSON.stringify(meta, null, 2)}\n`);
  return { raw, sidecar, png: pngPath, pngSkipped: typeof png === 'string' ? png : undefined };
}
