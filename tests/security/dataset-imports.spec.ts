import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unary } from '@genlab/client';
import { datasetsV1 } from '@genlab/contracts';
import { createRng, encodeIdx } from '@genlab/data';
import { gzip, repeatedGzip, tarArchive, tarHeader, testPng, zerosDeflated, zipArchive } from '../../libs/data/src/testing/archive.fixture';
import { checkHealth, expectStatus } from '../support/grpc';
import { startStack, type Stack } from '../support/stack';
import { mutateArchive, mutateIdxHeader } from './mutators';
import { filesUnder, formatMiB, resetPeakRss, rssMiB, table } from './security-support';

// Hostile input through the real datasets service with its production caps. ImportImageArchive:
// class folders from zip and gzipped tar; bombs, traversal and links refused quickly, with the
// service's memory bounded and nothing stored. UploadIdx and ImportImageArchive fed fuzzed files:
// every call ends OK or INVALID_ARGUMENT (never INTERNAL, UNKNOWN or a dead process).

const MiB = 1024 * 1024;
let stack: Stack;
let importRoot: string;

/** Eight 6×5 RGB images in class folders 0..3, under `train/`. */
const images = Array.from({ length: 8 }, (_, i) => ({ name: `train/${i % 4}/img-${i}.png`, data: testPng(6, 5, 3, i) }));

const BOMBS: { file: string; bytes: () => Buffer; refusal: RegExp }[] = [
  {
    file: 'ratio.zip',
    // One entry of 30 MiB of zeros in about 30 KiB: the central directory gives the ratio away.
    bytes: () => zipArchive([{ name: '0/bomb.png', deflated: { bytes: zerosDeflated(30), size: 30 * MiB } }]),
    refusal: /"0\/bomb.png": 31457280 bytes from \d+ compressed is a ratio of \d+, above the cap of 100 \(maxCompressionRatio\)/,
  },
  {
    file: 'lying.zip',
    // Claims 100,000 bytes; inflates to 1 GiB.
    bytes: () => zipArchive([{ name: '0/bomb.png', deflated: { bytes: zerosDeflated(1024), size: 1024 * MiB }, declaredSize: 100_000 }]),
    refusal: /"0\/bomb.png": its data does not inflate to the 100000 bytes the archive declares/,
  },
  {
    file: 'ratio.tar.gz',
    // 2,048 files of 2 MiB of zeros: 4 GiB of tar in about 4 MiB of gzip.
    bytes: () => repeatedGzip(Buffer.concat([tarHeader('0/zeros.png', '0', 2 * MiB), Buffer.alloc(2 * MiB)]), 2048),
    refusal: /"0\/zeros.png": the archive's compression: \d+ bytes from \d+ compressed is a ratio of \d+, above the cap of 100 \(maxCompressionRatio\)/,
  },
  {
    file: 'entries.zip',
    bytes: () => zipArchive([{ name: '0/a.png', data: testPng(2, 2, 1, 0) }], { declaredCount: 10_000_000 }),
    refusal: /^archive: 10000000 entries, above the cap of 200000 \(maxEntries\)/,
  },
  {
    file: 'traversal.zip',
    bytes: () => zipArchive([{ name: '0/a.png', data: testPng(2, 2, 1, 0) }, { name: '../../outside.png', data: testPng(2, 2, 1, 1) }]),
    refusal: /"..\/..\/outside.png": '..' in the path/,
  },
  {
    file: 'traversal.tar',
    bytes: () => tarArchive([{ name: '/etc/cron.d/x.png', data: testPng(2, 2, 1, 1) }]),
    refusal: /"\/etc\/cron.d\/x.png": absolute path/,
  },
  {
    file: 'symlink.zip',
    bytes: () => zipArchive([{ name: '0/passwd.png', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]),
    refusal: /"0\/passwd.png": a symbolic link; links are refused/,
  },
  {
    file: 'symlink.tar.gz',
    bytes: () => gzip(tarArchive([{ name: '0/passwd.png', type: '2', linkName: '/etc/passwd' }])),
    refusal: /"0\/passwd.png": a symbolic link; links are refused/,
  },
  {
    file: 'hardlink.tar',
    bytes: () => tarArchive([{ name: '0/a.png', data: testPng(2, 2, 1, 0) }, { name: '0/b.png', type: '1', linkName: '../../../etc/shadow' }]),
    refusal: /"0\/b.png": a hard link; links are refused/,
  },
];

beforeAll(async () => {
  importRoot = mkdtempSync(join(tmpdir(), 'genlab-archives-'));
  mkdirSync(join(importRoot, 'bombs'));
  writeFileSync(join(importRoot, 'classes.zip'), zipArchive(images));
  writeFileSync(join(importRoot, 'classes.tar.gz'), gzip(tarArchive([...images].reverse())));
  mkdirSync(join(importRoot, 'fuzz'));
  writeFileSync(join(importRoot, 'large.zip'), zipArchive(Array.from({ length: 6 }, (_, i) => ({ name: `${i % 2}/${i}.png`, data: testPng(512, 512, 3, i) }))));
  for (const bomb of BOMBS) writeFileSync(join(importRoot, 'bombs', bomb.file), bomb.bytes());
  stack = await startStack({ services: ['datasets'], importRoot });
});

afterAll(async () => {
  await stack?.stop();
  if (importRoot) rmSync(importRoot, { recursive: true, force: true });
});

const importArchive = (archivePath: string, name = 'archive') => {
  const { datasets } = stack.clients;
  return unary(datasets.importImageArchive, datasets, { name, archivePath, testCount: 0 });
};

describe('ImportImageArchive', () => {
  it('refuses bombs, traversal and links quickly, with bounded memory, and stores nothing', async () => {
    const pid = stack.processes.datasets?.pid;
    const rows = [['archive', 'bytes', 'refused in', 'service RSS before → peak during the call']];
    for (const bomb of BOMBS) {
      const before = resetPeakRss(pid);
      const started = performance.now();
      await expectStatus(importArchive(`bombs/${bomb.file}`), status.INVALID_ARGUMENT, bomb.refusal);
      const elapsed = performance.now() - started;
      const after = before === undefined ? undefined : rssMiB(pid, 'VmHWM');
      rows.push([bomb.file, String(bomb.bytes().length), `${elapsed.toFixed(0)} ms`, `${formatMiB(before)} → ${formatMiB(after)}`]);
      expect(elapsed, bomb.file).toBeLessThan(5_000);
      // A bomb may cost the buffers of one read, never what it inflates to (hundreds of MiB or more).
      if (before !== undefined && after !== undefined) expect(after - before, bomb.file).toBeLessThan(64);
    }
    console.log(`archive bombs through ImportImageArchive (production caps):\n${table(rows)}`);

    const { datasets } = stack.clients;
    expect((await unary(datasets.listDatasets, datasets, { pageSize: 0, offset: 0 })).total).toBe(0);
    expect(filesUnder(join(stack.dataDir, 'artifacts')).filter((file) => !file.startsWith('.tmp'))).toEqual([]);
  });

  it('imports class folders from zip and gzipped tar alike, labelled by folder', async () => {
    const { datasets } = stack.clients;
    const fromZip = await importArchive('classes.zip', 'zip');
    const fromTar = await importArchive('classes.tar.gz', 'tar');
    for (const dataset of [fromZip, fromTar]) {
      expect(dataset).toMatchObject({ kind: datasetsV1.DatasetKind.DATASET_KIND_IMAGE_ARCHIVE, shape: [5, 6, 3], numExamples: 8, numClasses: 4, hasLabels: true });
      expect(dataset.stats?.classCounts).toEqual([2, 2, 2, 2]);
    }
    const preview = (id: string) => unary(datasets.getPreview, datasets, { datasetId: id, count: 8, split: datasetsV1.Split.SPLIT_UNSPECIFIED, includePng: false });
    const [zipPreview, tarPreview] = await Promise.all([preview(fromZip.id), preview(fromTar.id)]);
    expect(tarPreview.values.equals(zipPreview.values)).toBe(true);
    expect(tarPreview.labels).toEqual(zipPreview.labels);
  });

  it('refuses a preview too large for one message with RESOURCE_EXHAUSTED, naming the count that fits', async () => {
    const { datasets } = stack.clients;
    const large = await importArchive('large.zip', 'large');
    expect(large.shape).toEqual([512, 512, 3]);
    const preview = (count: number, includePng: boolean) => unary(datasets.getPreview, datasets, { datasetId: large.id, count, split: datasetsV1.Split.SPLIT_TRAIN, includePng });
    // 512×512×3 float32 values are 3 MiB an example: 4 fit in the 16 MiB cap (with 10% to spare), 3 with their PNG.
    await expectStatus(preview(6, false), status.RESOURCE_EXHAUSTED, /^count: 6 examples of \[512, 512, 3\] do not fit in one message \(at most 16777216 bytes\); ask for at most 4$/);
    await expectStatus(preview(4, true), status.RESOURCE_EXHAUSTED, /ask for at most 3$/);
    expect((await preview(4, false)).values.length).toBe(4 * 512 * 512 * 3 * 4);
  });

  it('confines archive_path to the import root', async () => {
    await expectStatus(importArchive('../outside.zip'), status.INVALID_ARGUMENT, /archive_path: '..\/outside.zip' is outside the import root/);
    await expectStatus(importArchive('/etc/passwd'), status.INVALID_ARGUMENT, /archive_path: absolute paths are not accepted/);
    await expectStatus(importArchive('missing.zip'), status.NOT_FOUND, /archive_path file 'missing.zip' was not found/);
    await expectStatus(importArchive(''), status.INVALID_ARGUMENT, /archive_path is required/);
  });
});

describe('fuzzed files through the service', () => {
  const upload = (chunks: datasetsV1.UploadIdxChunk[]) =>
    new Promise<datasetsV1.Dataset>((resolve, reject) => {
      const stream = stack.clients.datasets.uploadIdx((error, response) => (error ? reject(error) : resolve(response)));
      for (const chunk of chunks) stream.write(chunk);
      stream.end();
    });
  const outcome = (call: Promise<unknown>) =>
    call.then(
      () => 'OK',
      (error: { code?: number; details?: string }) => `${status[error.code ?? status.UNKNOWN]}${/\bat .*\.(js|ts):\d+/.test(error.details ?? '') ? ' with a stack trace' : ''}`,
    );

  it('answers OK or INVALID_ARGUMENT to every fuzzed IDX upload and archive import, and stays healthy', async () => {
    const rng = createRng(7);
    const imagesFile = encodeIdx({ dtype: 'uint8', dims: [12, 3, 3], data: Uint8Array.from({ length: 108 }, (_, i) => (i * 5) % 256) });
    const labelsFile = encodeIdx({ dtype: 'uint8', dims: [12], data: Uint8Array.from({ length: 12 }, (_, i) => i % 3) });
    const counts: Record<string, number> = {};
    const count = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
    for (let i = 0; i < 300; i++) {
      const damagedLabels = i % 3 === 0;
      const images = damagedLabels ? imagesFile : mutateIdxHeader(rng, imagesFile);
      const labels = damagedLabels ? mutateIdxHeader(rng, labelsFile) : labelsFile;
      const header = { header: { name: `fuzz-${i}`, testCount: 2, hasLabels: true } };
      count(`UploadIdx ${await outcome(upload([header, { imagesChunk: images }, { labelsChunk: labels }]))}`);
    }
    const seeds = { zip: zipArchive(images), tar: tarArchive(images) };
    for (let i = 0; i < 200; i++) {
      const format = i % 2 ? 'zip' : 'tar';
      writeFileSync(join(importRoot, 'fuzz', `${i}.${format}`), mutateArchive(rng, seeds[format], format));
      count(`ImportImageArchive ${await outcome(importArchive(`fuzz/${i}.${format}`, `fuzz-archive-${i}`))}`);
    }
    console.log(`fuzzed files through the datasets service: ${JSON.stringify(counts)}`);
    expect(Object.keys(counts).every((key) => key.endsWith(' OK') || key.endsWith(' INVALID_ARGUMENT')), JSON.stringify(counts)).toBe(true);
    expect(counts['UploadIdx INVALID_ARGUMENT']).toBeGreaterThan(150);
    expect(await checkHealth(stack.addresses.datasets, 'genlab.datasets.v1.DatasetService')).toBe('SERVING');
  });
});
