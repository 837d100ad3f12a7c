import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DomainError, invalidArgument } from '@genlab/errors';
import type { ArchiveEntry } from './archive-entry';
import type { ArchiveBudget } from './archive-limits';
import { readTarEntries } from './tar-entries.reader';
import { readZipEntries } from './zip-entries.reader';

export type ArchiveFormat = 'zip' | 'tar' | 'tar.gz';

/** The format from the file's first bytes: zip's local-header or empty-archive signature, gzip's magic, else tar. */
export async function sniffArchiveFormat(path: string): Promise<ArchiveFormat> {
  const file = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(4), 0, 4, 0);
    const head = buffer.subarray(0, bytesRead);
    if (head.equals(Buffer.from('PK\x03\x04', 'latin1')) || head.equals(Buffer.from('PK\x05\x06', 'latin1'))) return 'zip';
    if (head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
    return 'tar';
  } finally {
    await file.close();
  }
}

/** The archive's entries, with the stream-level caps (total bytes, gzip ratio) applied as bytes arrive. */
export async function* archiveEntries(path: string, format: ArchiveFormat, budget: ArchiveBudget): AsyncGenerator<ArchiveEntry> {
  if (format === 'zip') {
    yield* readZipEntries(path, (count) => budget.announceEntries(count));
    return;
  }
  yield* readTarEntries(format === 'tar.gz' ? gunzipped(path, budget) : plain(path, budget));
}

async function* plain(path: string, budget: ArchiveBudget): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    total += chunk.length;
    budget.streamed(total);
    yield chunk;
  }
}

async function* gunzipped(path: string, budget: ArchiveBudget): AsyncGenerator<Buffer> {
  const gunzip = createGunzip();
  // pipeline destroys both stages when one fails or the consumer stops early.
  const out = pipeline(createReadStream(path), gunzip, () => undefined);
  let produced = 0;
  try {
    for await (const chunk of out as AsyncIterable<Buffer>) {
      produced += chunk.length;
      // bytesWritten: compressed bytes the inflater has consumed (not those merely buffered ahead of it).
      budget.inflated(produced, gunzip.bytesWritten);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    throw invalidArgument(`the file starts with the gzip magic but is not a valid gzip stream (${(error as { code?: string }).code ?? 'error'})`);
  } finally {
    out.destroy();
  }
}
