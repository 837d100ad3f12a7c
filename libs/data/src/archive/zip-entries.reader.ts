import type { Readable } from 'node:stream';
import { getFileNameLowLevel, openPromise, type Entry, type ZipFile } from 'yauzl';
import { DomainError, invalidArgument } from '@genlab/errors';
import { describeEntry, type ArchiveEntry, type ArchiveEntryType } from './archive-entry';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/**
 * The entries of a zip file, read from its central directory one at a time (yauzl: random
 * access, nothing buffered but the entry being read). Names are decoded strictly (a backslash
 * stays a backslash) for the caller to judge; sizes are the central directory's, and yauzl
 * fails a read whose data inflates to more or less than the declared size. `onCount` hears the
 * entry count the archive declares before any entry is read.
 */
export async function* readZipEntries(path: string, onCount: (count: number) => void): AsyncGenerator<ArchiveEntry> {
  let zip: ZipFile;
  try {
    zip = await openPromise(path, { decodeStrings: false, strictFileNames: true, validateEntrySizes: true, autoClose: false });
  } catch (error) {
    throw invalidArgument(`archive: not a readable zip file (${reason(error)})`);
  }
  try {
    onCount(zip.entryCount);
    const entries = zip.eachEntry();
    for (;;) {
      let next: IteratorResult<Entry>;
      try {
        next = await entries.next();
      } catch (error) {
        throw invalidArgument(`archive: damaged zip central directory (${reason(error)})`);
      }
      if (next.done) return;
      yield toArchiveEntry(zip, next.value);
    }
  } finally {
    zip.close();
  }
}

function toArchiveEntry(zip: ZipFile, entry: Entry): ArchiveEntry {
  const name = getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, true);
  const where = describeEntry(name);
  const type = entryType(name, entry);
  return {
    name,
    type,
    size: entry.uncompressedSize,
    compressedSize: entry.compressedSize,
    async read() {
      if (entry.isEncrypted()) throw invalidArgument(`${where}: encrypted entries are not read`);
      if (!entry.canDecodeFileData()) {
        throw invalidArgument(`${where}: compression method ${entry.compressionMethod}; only stored (0) and deflate (8) are read`);
      }
      try {
        return await readAll(await zip.openReadStreamPromise(entry), entry.uncompressedSize);
      } catch (error) {
        if (error instanceof DomainError) throw error;
        const message = reason(error);
        if (/too (many|few) bytes/.test(message)) throw invalidArgument(`${where}: its data does not inflate to the ${entry.uncompressedSize} bytes the archive declares (${message})`);
        throw invalidArgument(`${where}: ${message}`);
      }
    },
  };
}

/** The Unix file type in the upper half of the external attributes, when the archiver recorded one. */
function entryType(name: string, entry: Entry): ArchiveEntryType {
  const mode = (entry.externalFileAttributes >>> 16) & S_IFMT;
  if (mode === S_IFLNK) return 'symlink';
  if (mode === S_IFDIR) return 'directory';
  if (mode !== 0 && mode !== S_IFREG) return 'other';
  return name.endsWith('/') ? 'directory' : 'file';
}

/** The stream's bytes; never holds more than `limit` (the declared size, which yauzl also enforces). */
async function readAll(stream: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  // Leaving the loop by throwing destroys the stream: inflation stops there.
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > limit) throw new Error(`inflates to more than its declared ${limit} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/** An error's message without anything that could name a server path (system errors give their code only). */
function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return `read error ${code}`;
  return error instanceof Error ? error.message : String(error);
}
