import { describe, expect, it } from 'vitest';
import { DomainError } from '@genlab/errors';
import { tarArchive, tarHeader } from '../testing/archive.fixture';
import { entrySegments } from './archive-entry';
import { readTarEntries } from './tar-entries.reader';

/** The stream in chunks of `size` bytes, to exercise reads that span chunks. */
async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function entries(bytes: Buffer, chunk = 100) {
  const out: { name: string; type: string; data: string }[] = [];
  for await (const entry of readTarEntries(chunked(bytes, chunk))) {
    // Read every other entry's data; the reader must skip the rest by itself.
    const data = out.length % 2 === 0 ? (await entry.read()).toString() : '(skipped)';
    out.push({ name: entry.name, type: entry.type, data });
  }
  return out;
}

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof DomainError ? error.message : `not a domain error: ${String(error)}`),
  );

describe('readTarEntries', () => {
  it('reads files, folders and links across chunk boundaries, pax and GNU long names', async () => {
    const long = `${'x'.repeat(150)}/y.png`;
    const gnuName = Buffer.from(`${'g'.repeat(130)}/z.png\0`);
    const gnu = Buffer.concat([tarHeader('././@LongLink', 'L', gnuName.length), gnuName, Buffer.alloc(512 - gnuName.length), tarHeader('short', '0', 3), Buffer.from('abc'), Buffer.alloc(509)]);
    const archive = Buffer.concat([
      tarArchive([{ name: 'a.txt', data: Buffer.from('hello') }, { name: 'dir/', type: '5' }, { name: long, data: Buffer.from('pax') }, { name: 'l', type: '2', linkName: 'a.txt' }]).subarray(0, -1024),
      gnu,
      Buffer.alloc(1024),
    ]);
    for (const chunk of [1, 100, 512, 1 << 20]) {
      expect(await entries(archive, chunk)).toEqual([
        { name: 'a.txt', type: 'file', data: 'hello' },
        { name: 'dir/', type: 'directory', data: '(skipped)' },
        { name: long, type: 'file', data: 'pax' },
        { name: 'l', type: 'symlink', data: '(skipped)' },
        { name: `${'g'.repeat(130)}/z.png`, type: 'file', data: 'abc' },
      ]);
    }
  });

  it('reads base-256 sizes, stops at a clean end without the end blocks', async () => {
    const header = tarHeader('big', '0', 0);
    header.fill(0, 124, 136);
    header[124] = 0x80;
    header[135] = 4; // 4 bytes, in GNU's base-256 form
    header.write('        ', 148, 'latin1');
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    expect(await entries(Buffer.concat([header, Buffer.from('data'), Buffer.alloc(508)]))).toEqual([{ name: 'big', type: 'file', data: 'data' }]);
  });

  it('refuses bad checksums, bad sizes, names that are not UTF-8, endless metadata and truncation', async () => {
    const bad = tarHeader('a', '0', 1);
    bad[0] = 0x62;
    expect(await failure(entries(bad))).toMatch(/^archive: not a zip, tar or gzipped tar file \(header checksum \d+ does not match/);
    const second = Buffer.concat([tarArchive([{ name: 'a', data: Buffer.from('x') }]).subarray(0, 1024), bad]);
    expect(await failure(entries(second))).toMatch(/^archive: tar header at byte 1024: header checksum/);
    const latin1 = tarHeader('caf', '0', 0);
    latin1[3] = 0xe9;
    latin1.write('        ', 148, 'latin1');
    let sum = 0;
    for (const byte of latin1) sum += byte;
    latin1.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
    expect(await failure(entries(latin1))).toMatch(/the entry name is not valid UTF-8 \(bytes 636166e9\)/);
    const pax = Buffer.from('5 a=b\n');
    const metaRun = Buffer.concat(Array.from({ length: 6 }, () => Buffer.concat([tarHeader('p', 'x', 0)])));
    expect(await failure(entries(metaRun))).toMatch(/more than 4 metadata headers in a row/);
    const badPax = Buffer.concat([tarHeader('p', 'x', pax.length), pax, Buffer.alloc(512 - pax.length), tarHeader('f', '0', 0)]);
    expect(await failure(entries(badPax))).toMatch(/malformed pax record at byte 0/);
    const hugeMeta = tarHeader('p', 'x', 10_000_000);
    expect(await failure(entries(hugeMeta))).toMatch(/a 10000000-byte metadata header; at most 65536 are read/);
    expect(await failure(entries(tarArchive([{ name: 'a', data: Buffer.alloc(2000) }]).subarray(0, 1500)))).toMatch(/archive entry "a": the archive ends after 1500 bytes/);
  });
});

describe('entrySegments', () => {
  it('keeps plain relative names and drops empty and "." segments', () => {
    expect(entrySegments('./train/3//a.png')).toEqual(['train', '3', 'a.png']);
    expect(entrySegments('\u2024\u2024/a.png')).toEqual(['\u2024\u2024', 'a.png']); // a look-alike is a name, not a parent
  });

  it('refuses names that could reach outside the archive', () => {
    for (const name of ['', '..', 'a/../../b', '/abs', 'C:x', 'a\\b', 'a\0b', 'a\nb']) {
      expect(() => entrySegments(name), name).toThrow(DomainError);
    }
  });
});
