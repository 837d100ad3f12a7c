import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '@genlab/errors';
import { decodePng } from '../png/png.decoder';
import { gzip, repeatedGzip, tarArchive, tarHeader, testPng, zerosDeflated, zipArchive, type TarEntrySpec, type ZipEntrySpec } from '../testing/archive.fixture';
import type { ArchiveLimits } from './archive-limits';
import { readImageArchive } from './image-archive.reader';

const dir = mkdtempSync(join(tmpdir(), 'genlab-archive-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
const write = (bytes: Buffer) => {
  const path = join(dir, `archive-${files++}`);
  writeFileSync(path, bytes);
  return path;
};

/** Resolves to the INVALID_ARGUMENT message of a refused archive. */
async function refusal(bytes: Buffer, limits: Partial<ArchiveLimits> = {}): Promise<string> {
  const error = await readImageArchive(write(bytes), { limits }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected the archive to be refused').toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(ErrorCode.InvalidArgument);
  return (error as DomainError).message;
}

/** Ten 4×3 grey images in class folders 0..4 (two each), under `train/`. */
const classImages = Array.from({ length: 10 }, (_, i) => ({ name: `train/${i % 5}/img-${i}.png`, data: testPng(4, 3, 1, i) }));

describe('readImageArchive: what it reads', () => {
  it('reads zip, tar and gzipped tar of the same images into the same dataset, labelled by folder', async () => {
    const fromZip = await readImageArchive(write(zipArchive(classImages)));
    const fromTar = await readImageArchive(write(tarArchive(classImages)));
    const fromTgz = await readImageArchive(write(gzip(tarArchive([...classImages].reverse()))));
    expect([fromZip.format, fromTar.format, fromTgz.format]).toEqual(['zip', 'tar', 'tar.gz']);
    expect(fromZip).toMatchObject({ shape: [3, 4, 1], count: 10, numClasses: 5 });
    expect(fromZip.classNames).toBeUndefined();
    for (const other of [fromTar, fromTgz]) {
      expect(other.x).toEqual(fromZip.x);
      expect(other.labels).toEqual(fromZip.labels);
    }
    // Each example is the image its label's folder held, scaled to [0, 1].
    for (let i = 0; i < fromZip.count; i++) {
      const pixels = Array.from(fromZip.x.subarray(i * 12, (i + 1) * 12), (v) => Math.round(v * 255));
      const source = classImages.find((image) => Array.from(decodePng(image.data).data).join() === pixels.join())!;
      expect(source.name.split('/')[1]).toBe(String(fromZip.labels![i]));
    }
    // The order is a shuffle, not the archive's class-sorted order.
    expect(Array.from(fromZip.labels!)).not.toEqual([...fromZip.labels!].sort());
  });

  it('numbers named class folders in sorted order, and reads RGB and opaque RGBA', async () => {
    const dataset = await readImageArchive(
      write(zipArchive([
        { name: 'dog/a.png', data: testPng(2, 2, 3, 1) },
        { name: 'cat/b.png', data: testPng(2, 2, 4, 2) },
        { name: 'cat/c.png', data: testPng(2, 2, 3, 3) },
      ])),
    );
    expect(dataset).toMatchObject({ shape: [2, 2, 3], count: 3, numClasses: 2, classNames: ['cat', 'dog'] });
    expect([...dataset.labels!].sort()).toEqual([0, 0, 1]);
  });

  it('makes an unlabelled dataset of top-level images and skips folders and desktop metadata', async () => {
    const dataset = await readImageArchive(
      write(tarArchive([
        { name: 'a.png', data: testPng(3, 3, 1, 1) },
        { name: 'b.png', data: testPng(3, 3, 1, 2) },
        { name: 'extra/', type: '5' },
        { name: '__MACOSX/._a.png', data: Buffer.from('AppleDouble') },
        { name: '.DS_Store', data: Buffer.from('finder') },
      ])),
    );
    expect(dataset).toMatchObject({ count: 2, shape: [3, 3, 1] });
    expect(dataset.labels).toBeUndefined();
  });

  it('reads names longer than 100 bytes through pax headers', async () => {
    const deep = `${'d'.repeat(120)}/7/x.png`;
    const dataset = await readImageArchive(write(tarArchive([{ name: deep, data: testPng(2, 2, 1, 0) }])));
    expect(dataset).toMatchObject({ count: 1, numClasses: 8 });
    expect(Array.from(dataset.labels!)).toEqual([7]);
  });
});

describe('readImageArchive: refusals name the entry', () => {
  it('refuses images of another size or colour type, transparent pixels, bad PNGs and other files', async () => {
    const first = { name: '0/a.png', data: testPng(4, 4, 1, 0) };
    expect(await refusal(zipArchive([first, { name: '0/b.png', data: testPng(4, 5, 1, 0) }]))).toMatch(/"0\/b.png": 4×5 grey, but "0\/a.png" is 4×4 grey/);
    expect(await refusal(zipArchive([first, { name: '1/c.png', data: testPng(4, 4, 3, 0) }]))).toMatch(/"1\/c.png": 4×4 RGB, but/);
    expect(await refusal(zipArchive([{ name: '0/t.png', data: testPng(2, 2, 4, 0, 128) }]))).toMatch(/"0\/t.png": has transparent pixels/);
    expect(await refusal(zipArchive([first, { name: '0/bad.png', data: Buffer.from('not a png at all') }]))).toMatch(/"0\/bad.png": PNG: bad signature/);
    const truncated = testPng(4, 4, 1, 9).subarray(0, 40);
    expect(await refusal(tarArchive([{ name: '0/cut.png', data: truncated }]))).toMatch(/"0\/cut.png": PNG: truncated/);
    expect(await refusal(tarArchive([first, { name: 'notes.txt', data: Buffer.from('hi') }]))).toMatch(/"notes.txt": not a .png file/);
    expect(await refusal(zipArchive([first, first]))).toMatch(/"0\/a.png": the archive holds this path twice/);
    expect(await refusal(zipArchive([first, { name: 'top.png', data: testPng(4, 4, 1, 1) }]))).toMatch(/"top.png" sits at the top level but "0\/a.png" is in a class folder/);
    expect(await refusal(zipArchive([{ name: 'empty/', mode: 0o040755 }]))).toBe('archive: no PNG images in it');
  });

  it('refuses `..`, absolute and backslash names in zip and tar', async () => {
    const png = testPng(2, 2, 1, 0);
    for (const name of ['../evil.png', '0/../../evil.png', '/etc/evil.png', 'C:/evil.png', '0\\..\\evil.png']) {
      expect(await refusal(zipArchive([{ name, data: png }]))).toContain(JSON.stringify(name));
      expect(await refusal(tarArchive([{ name, data: png }]))).toContain(JSON.stringify(name));
    }
  });

  it('refuses symbolic links, hard links and devices', async () => {
    const png = testPng(2, 2, 1, 0);
    expect(await refusal(zipArchive([{ name: '0/link.png', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]))).toMatch(/"0\/link.png": a symbolic link/);
    expect(await refusal(tarArchive([{ name: '0/link.png', type: '2', linkName: '/etc/passwd' }]))).toMatch(/"0\/link.png": a symbolic link/);
    expect(await refusal(tarArchive([{ name: '0/a.png', data: png }, { name: '0/b.png', type: '1', linkName: '0/a.png' }]))).toMatch(/"0\/b.png": a hard link/);
    expect(await refusal(tarArchive([{ name: '0/null.png', type: '3' }]))).toMatch(/"0\/null.png": neither a regular file nor a folder/);
  });

  it('refuses what is not a zip or tar, damaged headers and truncated archives', async () => {
    expect(await refusal(Buffer.from('just some text, not an archive'.repeat(30)))).toMatch(/^archive: not a zip, tar or gzipped tar file \(checksum field "vejust s" is not an octal number\)/);
    expect(await refusal(Buffer.from('tiny'))).toBe('archive: not a zip, tar or gzipped tar file (4 bytes, less than one tar header)');
    const tar = tarArchive([{ name: '0/a.png', data: testPng(8, 8, 1, 0) }]);
    const damaged = Buffer.from(tar);
    damaged[10] = 0x41;
    expect(await refusal(damaged)).toMatch(/header checksum/);
    expect(await refusal(tar.subarray(0, 600))).toMatch(/"0\/a.png": the archive ends after 600 bytes, inside it \(truncated\)/);
    const zip = zipArchive([{ name: '0/a.png', data: testPng(8, 8, 1, 0) }]);
    expect(await refusal(zip.subarray(0, zip.length - 10))).toMatch(/^archive: not a readable zip file/);
    const gz = gzip(tar);
    expect(await refusal(gz.subarray(0, 30))).toMatch(/not a valid gzip stream/);
  });
});

describe('readImageArchive: caps, checked while streaming', () => {
  const png = testPng(2, 2, 1, 0);

  it('refuses a zip entry whose ratio is too high before inflating it, and one that lies about its size', async () => {
    const bomb: ZipEntrySpec = { name: '0/bomb.png', deflated: { bytes: zerosDeflated(64), size: 64 * 1024 * 1024 } };
    expect(await refusal(zipArchive([bomb]), { maxEntryBytes: 128 * 1024 * 1024 })).toMatch(
      /"0\/bomb.png": 67108864 bytes from \d+ compressed is a ratio of \d+, above the cap of 100 \(maxCompressionRatio\)/,
    );
    const liar: ZipEntrySpec = { ...bomb, declaredSize: 100_000 };
    expect(await refusal(zipArchive([liar]))).toMatch(/"0\/bomb.png": its data does not inflate to the 100000 bytes the archive declares/);
  });

  it('refuses too many entries: declared up front by a zip, counted as a tar streams', async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `0/${i}.png`, data: png }));
    expect(await refusal(zipArchive(many(3), { declaredCount: 70_000 }), { maxEntries: 50_000 })).toMatch(/^archive: 70000 entries, above the cap of 50000 \(maxEntries\)/);
    expect(await refusal(tarArchive(many(11)), { maxEntries: 10 })).toMatch(/"0\/10.png": entry number 11, above the cap of 10 \(maxEntries\)/);
  });

  it('refuses an entry or a total over the byte caps', async () => {
    const big: TarEntrySpec = { name: '0/big.png', declaredSize: 10_000_000 };
    expect(await refusal(tarArchive([big]), { maxEntryBytes: 1_000_000 })).toMatch(/"0\/big.png": 10000000 bytes uncompressed, above the cap of 1000000 \(maxEntryBytes\)/);
    const entries = Array.from({ length: 5 }, (_, i) => ({ name: `0/${i}.png`, data: testPng(64, 64, 3, i) }));
    const cap = entries.reduce((sum, entry) => sum + entry.data.length, 0) - 10;
    expect(await refusal(zipArchive(entries), { maxTotalBytes: cap })).toMatch(new RegExp(`"0/4.png": the entries so far hold \\d+ bytes uncompressed, above the cap of ${cap} \\(maxTotalBytes\\)`));
    expect(await refusal(tarArchive(entries), { maxTotalBytes: cap })).toMatch(new RegExp(`the archive holds at least \\d+ bytes, above the cap of ${cap} \\(maxTotalBytes\\)`));
  });

  it('stops inflating a gzipped tar once its ratio passes the cap', async () => {
    // 2,048 entries of 2 MiB of zeros: 4 GiB once inflated, about 4 MiB compressed.
    const unit = Buffer.concat([tarHeader('0/zeros.png', '0', 2 * 1024 * 1024), Buffer.alloc(2 * 1024 * 1024)]);
    const started = performance.now();
    expect(await refusal(repeatedGzip(unit, 2048))).toMatch(/the archive's compression: \d+ bytes from \d+ compressed is a ratio of \d+, above the cap of 100 \(maxCompressionRatio\)/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('refuses images over the pixel caps', async () => {
    const large = { name: '0/large.png', data: testPng(300, 200, 1, 0) };
    expect(await refusal(zipArchive([large]), { maxImagePixels: 50_000 })).toMatch(/"0\/large.png": a 300×200 image has 60000 pixels, above the cap of 50000 \(maxImagePixels\)/);
    const images = Array.from({ length: 4 }, (_, i) => ({ name: `0/${i}.png`, data: testPng(10, 10, 3, i) }));
    expect(await refusal(zipArchive(images), { maxTotalValues: 700 })).toMatch(/"0\/2.png": the images so far hold 900 values \(pixels × channels\), above the cap of 700 \(maxTotalValues\)/);
  });

  it('refuses an archive file over its own cap before reading it', async () => {
    expect(await refusal(zipArchive([{ name: '0/a.png', data: png }]), { maxArchiveBytes: 50 })).toMatch(/^archive: \d+ bytes, above the cap of 50 \(maxArchiveBytes\)/);
  });
});
