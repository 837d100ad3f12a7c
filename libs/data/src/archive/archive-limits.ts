import { invalidArgument } from '@genlab/errors';

/**
 * Caps on what an image archive may cost to read. Each is checked while the archive streams,
 * before the bytes it limits are inflated or kept, so a bomb is refused after reading little.
 */
export interface ArchiveLimits {
  /** Size of the archive file itself. */
  readonly maxArchiveBytes: number;
  /** Entries (files, folders, links) in the archive. */
  readonly maxEntries: number;
  /** Uncompressed size of one entry. */
  readonly maxEntryBytes: number;
  /** Uncompressed size of all entries together (for tar, of the whole tar stream). */
  readonly maxTotalBytes: number;
  /** Uncompressed bytes per compressed byte, per zip entry and over the whole archive. */
  readonly maxCompressionRatio: number;
  /** Pixels (width × height) of one image. */
  readonly maxImagePixels: number;
  /** Decoded values (pixels × channels) of all images together: the dataset's size. */
  readonly maxTotalValues: number;
}

const MiB = 1024 * 1024;

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxArchiveBytes: 512 * MiB,
  maxEntries: 200_000,
  maxEntryBytes: 32 * MiB,
  maxTotalBytes: 512 * MiB,
  maxCompressionRatio: 100,
  maxImagePixels: 1024 * 1024,
  maxTotalValues: 512 * MiB,
};

/** Ratios are judged only past this many uncompressed bytes: small data compresses well and costs nothing. */
export const RATIO_FLOOR_BYTES = MiB;

/** `where` names the entry; stream-level checks leave it empty for the reader to fill in. */
const exceeds = (where: string, what: string, limit: number, field: keyof ArchiveLimits) =>
  invalidArgument(`${where ? `${where}: ` : ''}${what}, above the cap of ${limit} (${field})`, { cap: field, limit });

/** A ratio `out / in` over the floor and above the cap, as a message fragment; undefined when within. */
const excessRatio = (out: number, compressed: number, cap: number): string | undefined => {
  if (out < RATIO_FLOOR_BYTES) return undefined;
  const ratio = out / Math.max(compressed, 1);
  return ratio > cap ? `${out} bytes from ${compressed} compressed is a ratio of ${Math.round(ratio)}` : undefined;
};

/**
 * Running totals of one archive read, checked against `ArchiveLimits`. `where` in each call
 * names the entry for the error message ("archive entry '3/a.png'").
 */
export class ArchiveBudget {
  private entries = 0;
  private declaredBytes = 0;
  private declaredCompressed = 0;
  private values = 0;

  constructor(readonly limits: ArchiveLimits) {}

  /** The archive says up front how many entries it holds (zip). */
  announceEntries(count: number): void {
    if (count > this.limits.maxEntries) throw exceeds('archive', `${count} entries`, this.limits.maxEntries, 'maxEntries');
  }

  /** One more entry, of `size` uncompressed bytes (and `compressedSize` when compressed on its own). */
  entry(where: string, size: number, compressedSize?: number): void {
    this.entries += 1;
    if (this.entries > this.limits.maxEntries) throw exceeds(where, `entry number ${this.entries}`, this.limits.maxEntries, 'maxEntries');
    if (size > this.limits.maxEntryBytes) throw exceeds(where, `${size} bytes uncompressed`, this.limits.maxEntryBytes, 'maxEntryBytes');
    this.declaredBytes += size;
    if (this.declaredBytes > this.limits.maxTotalBytes) {
      throw exceeds(where, `the entries so far hold ${this.declaredBytes} bytes uncompressed`, this.limits.maxTotalBytes, 'maxTotalBytes');
    }
    if (compressedSize === undefined) return;
    this.declaredCompressed += compressedSize;
    const entryRatio = excessRatio(size, compressedSize, this.limits.maxCompressionRatio);
    if (entryRatio) throw exceeds(where, entryRatio, this.limits.maxCompressionRatio, 'maxCompressionRatio');
    const totalRatio = excessRatio(this.declaredBytes, this.declaredCompressed, this.limits.maxCompressionRatio);
    if (totalRatio) throw exceeds(where, `the entries so far: ${totalRatio}`, this.limits.maxCompressionRatio, 'maxCompressionRatio');
  }

  /** A compressed stream (gzip) has produced `out` bytes from `compressed`. */
  inflated(out: number, compressed: number): void {
    if (out > this.limits.maxTotalBytes) throw exceeds('', `the archive decompresses to at least ${out} bytes`, this.limits.maxTotalBytes, 'maxTotalBytes');
    const ratio = excessRatio(out, compressed, this.limits.maxCompressionRatio);
    if (ratio) throw exceeds('', `the archive's compression: ${ratio}`, this.limits.maxCompressionRatio, 'maxCompressionRatio');
  }

  /** An uncompressed stream (tar) has delivered `bytes` in all. */
  streamed(bytes: number): void {
    if (bytes > this.limits.maxTotalBytes) throw exceeds('', `the archive holds at least ${bytes} bytes`, this.limits.maxTotalBytes, 'maxTotalBytes');
  }

  /** An image of `width` × `height` × `channels` is about to be kept. */
  image(where: string, width: number, height: number, channels: number): void {
    const pixels = width * height;
    if (pixels > this.limits.maxImagePixels) throw exceeds(where, `a ${width}×${height} image has ${pixels} pixels`, this.limits.maxImagePixels, 'maxImagePixels');
    this.values += pixels * channels;
    if (this.values > this.limits.maxTotalValues) {
      throw exceeds(where, `the images so far hold ${this.values} values (pixels × channels)`, this.limits.maxTotalValues, 'maxTotalValues');
    }
  }
}

/** `limits` over the defaults, each a positive safe integer. */
export function resolveArchiveLimits(limits: Partial<ArchiveLimits> = {}): ArchiveLimits {
  const resolved = { ...DEFAULT_ARCHIVE_LIMITS, ...limits };
  for (const [field, value] of Object.entries(resolved)) {
    if (!Number.isSafeInteger(value) || value < 1) throw invalidArgument(`archive limits: ${field} must be a positive integer, got ${value}`);
  }
  return resolved;
}
