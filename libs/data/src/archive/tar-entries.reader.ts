import { invalidArgument } from '@genlab/errors';
import { describeEntry, type ArchiveEntry, type ArchiveEntryType } from './archive-entry';
import { ByteReader } from './byte-reader';

const BLOCK = 512;
/** pax and GNU long-name headers are small; anything bigger is refused before it is read. */
const MAX_META_BYTES = 64 * 1024;
/** Metadata headers (pax, long names) in a row before a real entry. */
const MAX_META_RUN = 4;

const TYPES: Record<string, ArchiveEntryType> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file', // contiguous file: a regular file for every reader that is not a 1980s mainframe
  '5': 'directory',
  '2': 'symlink',
  '1': 'hardlink',
};

interface Header {
  name: string;
  size: number;
  typeflag: string;
}

interface Pending {
  path?: string;
  size?: number;
}

/**
 * The entries of a tar stream (POSIX ustar with pax extended headers, GNU long names, old v7),
 * read header by header: nothing is buffered beyond the header or entry being read. Every
 * header's checksum is verified; names must be UTF-8. Reading stops at the end-of-archive block
 * (or a clean end of the stream). An entry's data must be read, or is skipped, before the next.
 */
export async function* readTarEntries(source: AsyncIterable<Buffer>): AsyncGenerator<ArchiveEntry> {
  const chunks = source[Symbol.asyncIterator]();
  try {
    yield* tarEntries(new ByteReader(chunks));
  } finally {
    // Stop the source (and any inflation behind it) whether the entries were read to the end or not.
    await chunks.return?.();
  }
}

async function* tarEntries(reader: ByteReader): AsyncGenerator<ArchiveEntry> {
  let pending: Pending = {};
  let metaRun = 0;
  for (;;) {
    const offset = reader.position;
    const where = `archive: tar header at byte ${offset}`;
    const block = await reader.takeAtMost(BLOCK, where);
    if (!block) return;
    if (block.length < BLOCK) {
      if (offset === 0) throw notATar(`${block.length} bytes, less than one tar header`);
      throw invalidArgument(`${where}: the archive ends after ${offset + block.length} bytes, inside it (truncated)`);
    }
    if (block.every((byte) => byte === 0)) return;
    if (offset === 0) looksLikeTar(block, where);
    const header = parseHeader(block, where);
    if (header.typeflag === 'x' || header.typeflag === 'g' || header.typeflag === 'L' || header.typeflag === 'K') {
      if (++metaRun > MAX_META_RUN) throw invalidArgument(`${where}: more than ${MAX_META_RUN} metadata headers in a row`);
      if (header.size > MAX_META_BYTES) throw invalidArgument(`${where}: a ${header.size}-byte metadata header; at most ${MAX_META_BYTES} are read`);
      const body = (await reader.take(header.size, where)) ?? Buffer.alloc(0);
      await reader.skip(padding(header.size), where);
      if (header.typeflag === 'x') pending = { ...pending, ...parsePax(body, where) };
      if (header.typeflag === 'L') pending = { ...pending, path: decodeName(cString(body), where) };
      continue;
    }
    metaRun = 0;
    const name = pending.path ?? header.name;
    const size = pending.size ?? header.size;
    pending = {};
    const type = TYPES[header.typeflag] ?? 'other';
    // Links and folders carry no data, whatever their size field says.
    const dataSize = type === 'file' || type === 'other' ? size : 0;
    let consumed = false;
    const entryWhere = describeEntry(name);
    yield {
      name,
      type,
      size: dataSize,
      async read() {
        if (consumed) throw new Error(`${entryWhere}: data already read`);
        consumed = true;
        const data = dataSize === 0 ? Buffer.alloc(0) : await reader.take(dataSize, entryWhere);
        await reader.skip(padding(dataSize), entryWhere);
        return Buffer.from(data ?? Buffer.alloc(0));
      },
    };
    if (!consumed) {
      consumed = true;
      await reader.skip(dataSize + padding(dataSize), entryWhere);
    }
  }
}

/** The first header's checksum decides whether this is a tar at all: say so plainly when it is not. */
function looksLikeTar(block: Buffer, where: string): void {
  try {
    verifyChecksum(block, where);
  } catch (error) {
    throw notATar(error instanceof Error ? error.message.replace(`${where}: `, '') : String(error));
  }
}

const notATar = (reason: string) => invalidArgument(`archive: not a zip, tar or gzipped tar file (${reason})`);

const padding = (size: number) => (BLOCK - (size % BLOCK)) % BLOCK;

function verifyChecksum(block: Buffer, where: string): void {
  const stored = parseNumber(block.subarray(148, 156), where, 'checksum');
  let unsigned = 8 * 0x20;
  let signed = 8 * 0x20;
  block.forEach((byte, i) => {
    if (i >= 148 && i < 156) return;
    unsigned += byte;
    signed += (byte << 24) >> 24;
  });
  if (stored !== unsigned && stored !== signed) {
    throw invalidArgument(`${where}: header checksum ${stored} does not match ${unsigned} (not a tar archive, or a damaged one)`);
  }
}

function parseHeader(block: Buffer, where: string): Header {
  verifyChecksum(block, where);
  const posix = block.toString('latin1', 257, 263) === 'ustar\0';
  const prefix = posix ? cString(block.subarray(345, 500)) : Buffer.alloc(0);
  const base = cString(block.subarray(0, 100));
  const name = decodeName(prefix.length > 0 ? Buffer.concat([prefix, Buffer.from('/'), base]) : base, where);
  return { name, size: parseNumber(block.subarray(124, 136), where, 'size'), typeflag: String.fromCharCode(block[156] as number) };
}

/** An octal field (NUL/space padded), or GNU's base-256 form for large values (high bit set). */
function parseNumber(field: Buffer, where: string, what: string): number {
  const first = field[0] as number;
  if (first & 0x80) {
    if (first === 0xff) throw invalidArgument(`${where}: negative ${what}`);
    let value = first & 0x7f;
    for (const byte of field.subarray(1)) value = value * 256 + byte;
    if (!Number.isSafeInteger(value)) throw invalidArgument(`${where}: ${what} is too large`);
    return value;
  }
  const text = field.toString('latin1').replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (!/^[0-7]*$/.test(text)) throw invalidArgument(`${where}: ${what} field ${JSON.stringify(text)} is not an octal number`);
  return text === '' ? 0 : parseInt(text, 8);
}

const cString = (bytes: Buffer) => {
  const end = bytes.indexOf(0);
  return end < 0 ? bytes : bytes.subarray(0, end);
};

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeName(bytes: Uint8Array, where: string): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw invalidArgument(`${where}: the entry name is not valid UTF-8 (bytes ${Buffer.from(bytes).toString('hex').slice(0, 64)})`);
  }
}

/** pax records: "<length> <key>=<value>\n"; genlab uses `path` and `size` and ignores the rest. */
function parsePax(body: Buffer, where: string): Pending {
  const out: Pending = {};
  let at = 0;
  while (at < body.length) {
    const space = body.indexOf(0x20, at);
    const length = space > at ? Number(body.toString('latin1', at, space)) : NaN;
    if (!Number.isSafeInteger(length) || length <= space - at + 1 || at + length > body.length || body[at + length - 1] !== 0x0a) {
      throw invalidArgument(`${where}: malformed pax record at byte ${at} of the extended header`);
    }
    const record = decodeName(body.subarray(space + 1, at + length - 1), where);
    const equals = record.indexOf('=');
    if (equals <= 0) throw invalidArgument(`${where}: malformed pax record ${JSON.stringify(record.slice(0, 40))}`);
    const key = record.slice(0, equals);
    const value = record.slice(equals + 1);
    if (key === 'path') out.path = value;
    if (key === 'size') {
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw invalidArgument(`${where}: pax size ${JSON.stringify(value)} is not a size`);
      out.size = Number(value);
    }
    at += length;
  }
  return out;
}
