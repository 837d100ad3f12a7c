import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRng, decodePng, encodeIdx, encodePng, parseIdx, readIdxImageDataset, readImageArchive, type TensorDataset } from '@genlab/data';
import { DomainError, ErrorCode } from '@genlab/errors';
import { tarArchive, testPng, zipArchive } from '../../libs/data/src/testing/archive.fixture';
import { mutateArchive, mutateIdxHeader, mutatePng, pick } from './mutators';
import { table } from './security-support';

// Mutation fuzzing of genlab's file parsers, in-process and seeded (rerun with the same seed to
// reproduce). Every input must end in one of two ways: accepted, with a dataset or image that
// holds together (no silent zero counts, sizes that match, values in range), or refused with an
// INVALID_ARGUMENT report that names the file. Anything else (a TypeError, a RangeError, another
// code, a report that names nothing) counts as a crash; the suite requires 0. genlab has no CSV
// import, so there is no CSV parser to fuzz.

const SEED = 20261124;
const ROLE = /^(images file|labels file|IDX file|PNG|archive)\b/;

interface Tally {
  inputs: number;
  accepted: number;
  refused: number;
  crashes: { input: string; error: string }[];
}

const tallies: Record<string, Tally> = {};
const tally = (name: string) => (tallies[name] ??= { inputs: 0, accepted: 0, refused: 0, crashes: [] });

/** Run one input; `verify` checks an accepted result and returns what is wrong with it, if anything. */
function judge(name: string, input: Uint8Array, run: () => unknown, verify: (result: never) => string | undefined): void {
  const t = tally(name);
  t.inputs += 1;
  try {
    const problem = verify(run() as never);
    if (problem) t.crashes.push({ input: Buffer.from(input).toString('hex').slice(0, 160), error: `accepted but ${problem}` });
    else t.accepted += 1;
  } catch (error) {
    recordFailure(t, input, error);
  }
}

function recordFailure(t: Tally, input: Uint8Array, error: unknown): void {
  if (error instanceof DomainError && error.code === ErrorCode.InvalidArgument && ROLE.test(error.message)) {
    t.refused += 1;
    return;
  }
  const described = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  t.crashes.push({ input: Buffer.from(input).toString('hex').slice(0, 160), error: described });
}

afterAll(() => {
  const rows = [['parser', 'inputs', 'accepted', 'refused (reported)', 'crashes']];
  for (const [name, t] of Object.entries(tallies)) rows.push([name, String(t.inputs), String(t.accepted), String(t.refused), String(t.crashes.length)]);
  console.log(`parser fuzzing, seed ${SEED}:\n${table(rows)}`);
});


function checkDataset(dataset: TensorDataset): string | undefined {
  const size = dataset.shape.reduce((a, b) => a * b, 1);
  if (dataset.count < 1) return `count ${dataset.count}`;
  if (dataset.x.length !== dataset.count * size) return `x holds ${dataset.x.length} values for ${dataset.count} × ${size}`;
  if (!dataset.x.every((v) => v >= 0 && v <= 1)) return 'pixel values outside [0, 1]';
  if (dataset.labels) {
    if (dataset.labels.length !== dataset.count) return `${dataset.labels.length} labels for ${dataset.count} examples`;
    if (!dataset.labels.every((label) => label >= 0 && label < (dataset.numClasses ?? 0))) return 'a label outside [0, numClasses)';
  }
  return undefined;
}

describe('IDX parser under mutated headers', () => {
  const images3d = encodeIdx({ dtype: 'uint8', dims: [5, 4, 3], data: Uint8Array.from({ length: 60 }, (_, i) => i * 4) });
  const images4d = encodeIdx({ dtype: 'uint8', dims: [3, 2, 2, 3], data: Uint8Array.from({ length: 36 }, (_, i) => i * 7) });
  const labels = encodeIdx({ dtype: 'uint8', dims: [5], data: Uint8Array.from([0, 1, 2, 1, 0]) });
  const others = [
    encodeIdx({ dtype: 'int16', dims: [3, 2], data: Int16Array.from([-3, 2, 1, 0, 300, -300]) }),
    encodeIdx({ dtype: 'int32', dims: [2, 2], data: Int32Array.from([1, -1, 1 << 30, 7]) }),
    encodeIdx({ dtype: 'float32', dims: [4], data: Float32Array.from([0.5, -1, 3.25, 1e30]) }),
    encodeIdx({ dtype: 'float64', dims: [1, 2], data: Float64Array.from([Math.PI, -0]) }),
    encodeIdx({ dtype: 'int8', dims: [2, 1, 2], data: Int8Array.from([-128, 127, 0, 1]) }),
  ];

  it('reports every malformed IDX file as INVALID_ARGUMENT and never crashes (20,000 image, 5,000 label and 5,000 any-type files)', () => {
    const rng = createRng(SEED);
    const options = { maxBytes: 1 << 20 };
    for (let i = 0; i < 20_000; i++) {
      const images = mutateIdxHeader(rng, i % 2 ? images3d : images4d);
      judge('IDX images (readIdxImageDataset)', images, () => readIdxImageDataset(images, i % 2 ? labels : undefined, options), checkDataset);
    }
    for (let i = 0; i < 5000; i++) {
      const mutated = mutateIdxHeader(rng, labels);
      judge('IDX labels (readIdxImageDataset)', mutated, () => readIdxImageDataset(images3d, mutated, options), checkDataset);
    }
    for (let i = 0; i < 5000; i++) {
      const mutated = mutateIdxHeader(rng, pick(rng, others));
      judge('IDX any type (parseIdx)', mutated, () => parseIdx(mutated, options), (t: ReturnType<typeof parseIdx>) => {
        const count = t.dims.reduce((a, b) => a * b, 1);
        if (t.dims.length === 0 || t.dims.some((d) => d < 1)) return `dims ${t.dims.join('×')}`;
        return t.data.length === count ? undefined : `${t.data.length} values for dims ${t.dims.join('×')}`;
      });
    }
    for (const name of ['IDX images (readIdxImageDataset)', 'IDX labels (readIdxImageDataset)', 'IDX any type (parseIdx)']) {
      expect(tally(name).crashes, name).toEqual([]);
      expect(tally(name).refused, `${name}: the mutations reach the checks`).toBeGreaterThan(tally(name).inputs / 2);
    }
  });
});

describe('PNG decoder under mutated bytes', () => {
  const seeds = [testPng(7, 5, 1, 1), testPng(6, 4, 3, 2), testPng(5, 5, 4, 3), testPng(3, 8, 2, 4)];

  it('reports every malformed PNG as INVALID_ARGUMENT and never crashes (10,000 inputs)', () => {
    const rng = createRng(SEED + 1);
    for (let i = 0; i < 10_000; i++) {
      const png = mutatePng(rng, seeds[i % seeds.length]!);
      judge('PNG (decodePng)', png, () => decodePng(png, { maxPixels: 1 << 20 }), (image: ReturnType<typeof decodePng>) =>
        image.data.length === image.width * image.height * image.channels ? undefined : `${image.data.length} bytes for ${image.width}×${image.height}×${image.channels}`,
      );
    }
    expect(tally('PNG (decodePng)').crashes).toEqual([]);
    expect(tally('PNG (decodePng)').refused).toBeGreaterThan(5000);
  });

  it('round-trips the unmutated seeds (the fuzz starts from valid files)', () => {
    for (const png of seeds) expect(encodePng(decodePng(png))).toEqual(png);
  });
});

describe('image archive reader under mutated archives', () => {
  const dir = mkdtempSync(join(tmpdir(), 'genlab-fuzz-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const entries = [
    { name: '0/a.png', data: testPng(4, 4, 1, 1) },
    { name: '1/b.png', data: testPng(4, 4, 1, 2) },
    { name: `${'long/'.repeat(30)}2/c.png`, data: testPng(4, 4, 1, 3) },
  ];
  const seeds = { zip: zipArchive(entries), tar: tarArchive(entries) };

  it('reports every damaged zip or tar as INVALID_ARGUMENT and never crashes (1,500 inputs)', async () => {
    const rng = createRng(SEED + 2);
    const path = join(dir, 'fuzzed');
    for (let i = 0; i < 1500; i++) {
      const format = i % 2 ? 'zip' : 'tar';
      const bytes = mutateArchive(rng, seeds[format], format);
      writeFileSync(path, bytes);
      const t = tally(`archives (${format})`);
      t.inputs += 1;
      try {
        const dataset = await readImageArchive(path, { limits: { maxEntries: 50, maxTotalBytes: 1 << 20, maxImagePixels: 1 << 16 } });
        const problem = checkDataset(dataset);
        if (problem) t.crashes.push({ input: bytes.toString('hex').slice(0, 160), error: `accepted but ${problem}` });
        else t.accepted += 1;
      } catch (error) {
        recordFailure(t, bytes, error);
      }
    }
    for (const format of ['zip', 'tar']) {
      expect(tally(`archives (${format})`).crashes, format).toEqual([]);
      expect(tally(`archives (${format})`).refused, format).toBeGreaterThan(100);
    }
  });
});
