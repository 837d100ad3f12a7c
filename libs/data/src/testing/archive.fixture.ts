import { constants, deflateRawSync, gzipSync } from 'node:zlib';
import { crc32 } from '../io/crc32.util';
import { encodePng } from '../png/png.encoder';
import type { RasterImage } from '../png/png.types';

// Zip and tar writers for tests, able to write what a hostile archiver would: names with `..`,
// links, lying sizes, entry counts the central directory only claims. Not for production use.

const MiB = 1024 * 1024;

export interface ZipEntrySpec {
  readonly name: string;
  /** Content, deflated unless `store` is set. */
  readonly data?: Uint8Array;
  readonly store?: boolean;
  /** Deflate data made elsewhere (e.g. `zerosDeflated`), with its real uncompressed size. */
  readonly deflated?: { readonly bytes: Buffer; readonly size: number };
  /** The uncompressed size written in the headers, when it should lie. */
  readonly declaredSize?: number;
  /** Unix mode with its file-type bits, e.g. 0o120777 for a symbolic link. */
  readonly mode?: number;
}

export interface ZipOptions {
  /** The entry count the end-of-central-directory record claims (a zip64 record above 65,535). */
  readonly declaredCount?: number;
}

export function zipArchive(entries: readonly ZipEntrySpec[], options: ZipOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = entry.data ?? Buffer.alloc(0);
    const method = entry.deflated || (!entry.store && data.length > 0) ? 8 : 0;
    const body = entry.deflated?.bytes ?? (method === 8 ? deflateRawSync(data) : Buffer.from(data));
    const size = entry.declaredSize ?? entry.deflated?.size ?? data.length;
    const crc = entry.deflated ? 0 : crc32(data);
    const common = (header: Buffer, at: number) => {
      header.writeUInt16LE(0x0800, at); // UTF-8 names
      header.writeUInt16LE(method, at + 2);
      header.writeUInt32LE(0, at + 4); // DOS time and date
      header.writeUInt32LE(crc, at + 8);
      header.writeUInt32LE(body.length, at + 12);
      header.writeUInt32LE(size, at + 16);
      header.writeUInt16LE(name.length, at + 20);
    };
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    common(local, 6);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix
    central.writeUInt16LE(20, 6);
    common(central, 8);
    central.writeUInt32LE(((entry.mode ?? (entry.name.endsWith('/') ? 0o040755 : 0o100644)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const count = options.declaredCount ?? entries.length;
  const tail: Buffer[] = [];
  if (count > 0xffff) {
    const zip64 = Buffer.alloc(56);
    zip64.writeUInt32LE(0x06064b50, 0);
    zip64.writeBigUInt64LE(44n, 4);
    zip64.writeUInt16LE(45, 12);
    zip64.writeUInt16LE(45, 14);
    zip64.writeBigUInt64LE(BigInt(count), 24);
    zip64.writeBigUInt64LE(BigInt(count), 32);
    zip64.writeBigUInt64LE(BigInt(directory.length), 40);
    zip64.writeBigUInt64LE(BigInt(offset), 48);
    const locator = Buffer.alloc(20);
    locator.writeUInt32LE(0x07064b50, 0);
    locator.writeBigUInt64LE(BigInt(offset + directory.length), 8);
    locator.writeUInt32LE(1, 16);
    tail.push(zip64, locator);
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Math.min(count, 0xffff), 8);
  end.writeUInt16LE(Math.min(count, 0xffff), 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, ...tail, end]);
}

export interface TarEntrySpec {
  readonly name: string;
  readonly data?: Uint8Array;
  /** Type flag: '0' file (default), '5' folder, '2' symlink, '1' hard link, '3' character device… */
  readonly type?: string;
  readonly linkName?: string;
  /** The size written in the header, when it should lie. */
  readonly declaredSize?: number;
}

/** A POSIX (ustar) tar; names longer than 100 bytes get a pax header. Ends with two zero blocks. */
export function tarArchive(entries: readonly TarEntrySpec[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? Buffer.alloc(0));
    if (Buffer.byteLength(entry.name) > 100) {
      const record = paxRecord('path', entry.name);
      blocks.push(tarHeader('PaxHeader', 'x', record.length), padded(record));
    }
    blocks.push(tarHeader(entry.name.slice(0, 100), entry.type ?? '0', entry.declaredSize ?? data.length, entry.linkName), padded(data));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function tarHeader(name: string, type: string, size: number, linkName = ''): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100, 'latin1');
  header.write('0000000\0', 108, 'latin1');
  header.write('0000000\0', 116, 'latin1');
  header.write(size.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  header.write('00000000000\0', 136, 'latin1');
  header.write('        ', 148, 'latin1');
  header.write(type, 156, 'latin1');
  header.write(linkName, 157, 100, 'utf8');
  header.write('ustar\0' + '00', 257, 'latin1');
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'latin1');
  return header;
}

const padded = (data: Buffer) => Buffer.concat([data, Buffer.alloc((512 - (data.length % 512)) % 512)]);

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`;
  let length = Buffer.byteLength(body) + 1;
  while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
  return Buffer.from(`${length}${body}`, 'utf8');
}

export const gzip = (data: Uint8Array) => gzipSync(data);

/**
 * Raw deflate data for `mib` MiB of zeros, cheaply: one compressed MiB ending on a sync flush
 * (byte-aligned, not final) repeated, then an empty final block. About 1 KiB per MiB.
 */
export function zerosDeflated(mib: number): Buffer {
  const block = deflateRawSync(Buffer.alloc(MiB), { finishFlush: constants.Z_SYNC_FLUSH });
  return Buffer.concat([...Array.from({ length: mib }, () => block), deflateRawSync(Buffer.alloc(0))]);
}

/**
 * A gzip stream of `units` copies of `unit` (e.g. a tar header and 1 MiB of zeros), built the
 * same way. Its trailer (CRC and length) is not computed: a reader that keeps its caps stops
 * long before the end, which is the point.
 */
export function repeatedGzip(unit: Buffer, units: number): Buffer {
  const block = deflateRawSync(unit, { finishFlush: constants.Z_SYNC_FLUSH });
  const header = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
  return Buffer.concat([header, ...Array.from({ length: units }, () => block), deflateRawSync(Buffer.alloc(0)), Buffer.alloc(8)]);
}

/** A small PNG of `width` × `height` with `channels` channels, pixel values from `seed`. */
export function testPng(width: number, height: number, channels: RasterImage['channels'], seed: number, alpha = 255): Buffer {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + seed * 17) % 256;
  if (channels === 2 || channels === 4) for (let i = channels - 1; i < data.length; i += channels) data[i] = alpha;
  return encodePng({ width, height, channels, data });
}
