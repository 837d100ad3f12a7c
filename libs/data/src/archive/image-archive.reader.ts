import { stat } from 'node:fs/promises';
import { DomainError, invalidArgument } from '@genlab/errors';
import type { TensorDataset } from '../dataset/tensor-dataset.types';
import { decodePng, peekPngHeader } from '../png/png.decoder';
import type { RasterImage } from '../png/png.types';
import { createRng } from '../random/seeded.rng';
import { describeEntry, entrySegments, isSystemMetadata } from './archive-entry';
import { labelsFromFolders } from './archive-labels';
import { ArchiveBudget, resolveArchiveLimits, type ArchiveLimits } from './archive-limits';
import { archiveEntries, sniffArchiveFormat, type ArchiveFormat } from './archive-source';

export interface ReadImageArchiveOptions {
  /** Caps over `DEFAULT_ARCHIVE_LIMITS`. */
  readonly limits?: Partial<ArchiveLimits>;
}

export interface ImageArchiveDataset extends TensorDataset {
  readonly format: ArchiveFormat;
  /** Class names by label, when the class folders are named rather than numbered. */
  readonly classNames?: readonly string[];
}

/** The examples' order: a shuffle of the images sorted by path, with this seed. */
export const ARCHIVE_ORDER_SEED = 0;

interface Layout {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly path: string;
}

interface KeptImage {
  readonly path: string;
  readonly folder?: string;
  readonly pixels: Uint8Array;
}

/**
 * A dataset from a zip, tar or gzipped tar archive of PNG images (format from the first bytes).
 * Every PNG must be 8-bit grey or RGB (an alpha channel only when fully opaque; it is dropped),
 * all of one size; its class is its parent folder's name (see `labelsFromFolders`). Folders are
 * skipped, and so are `__MACOSX/` and dot-files; links, devices, `..` or absolute names and any
 * other file are refused. Every cap of `ArchiveLimits` is checked as the archive streams. Pixels
 * are scaled to [0, 1]; examples are the images sorted by path, then shuffled with a fixed seed,
 * so the same images give the same dataset whatever the archive's order, and a test split taken
 * from the end draws from every class. Every failure is INVALID_ARGUMENT naming the entry.
 */
export async function readImageArchive(path: string, options: ReadImageArchiveOptions = {}): Promise<ImageArchiveDataset> {
  const limits = resolveArchiveLimits(options.limits);
  const { size } = await stat(path);
  if (size > limits.maxArchiveBytes) {
    throw invalidArgument(`archive: ${size} bytes, above the cap of ${limits.maxArchiveBytes} (maxArchiveBytes)`, { cap: 'maxArchiveBytes' });
  }
  const budget = new ArchiveBudget(limits);
  const format = await sniffArchiveFormat(path);
  const images: KeptImage[] = [];
  const seen = new Set<string>();
  let layout: Layout | undefined;
  for await (const entry of archiveEntries(path, format, budget)) {
    const where = describeEntry(entry.name);
    const segments = entrySegments(entry.name);
    budget.entry(where, entry.size, entry.compressedSize);
    if (entry.type === 'symlink' || entry.type === 'hardlink') throw invalidArgument(`${where}: a ${entry.type === 'symlink' ? 'symbolic' : 'hard'} link; links are refused`);
    if (entry.type === 'other') throw invalidArgument(`${where}: neither a regular file nor a folder`);
    if (entry.type === 'directory' || isSystemMetadata(segments)) continue;
    const key = segments.join('/');
    if (!key.toLowerCase().endsWith('.png')) throw invalidArgument(`${where}: not a .png file; the archive may hold only PNG images, in class folders or at the top level`);
    if (seen.has(key)) throw invalidArgument(`${where}: the archive holds this path twice`);
    seen.add(key);
    const data = await entry.read();
    const header = peekPngHeader(data);
    // Weighed before it is inflated; a header that does not parse is left to the decoder to describe.
    if (header) budget.image(where, header.width, header.height, header.channels >= 3 ? 3 : 1);
    const image = decodeEntry(where, data, limits.maxImagePixels);
    const pixels = withoutOpaqueAlpha(where, image);
    const channels = image.channels === 1 || image.channels === 2 ? 1 : 3;
    layout ??= { width: image.width, height: image.height, channels, path: key };
    if (image.width !== layout.width || image.height !== layout.height || channels !== layout.channels) {
      throw invalidArgument(
        `${where}: ${describeLayout(image.width, image.height, channels)}, but ${JSON.stringify(layout.path)} is ` +
          `${describeLayout(layout.width, layout.height, layout.channels)}; every image must have the same size and colour type`,
      );
    }
    images.push({ path: key, folder: segments.length > 1 ? segments[segments.length - 2] : undefined, pixels });
  }
  if (!layout) throw invalidArgument('archive: no PNG images in it');
  return assemble(shuffledByPath(images), layout, format);
}

const describeLayout = (width: number, height: number, channels: number) => `${width}×${height} ${channels === 1 ? 'grey' : 'RGB'}`;

function decodeEntry(where: string, data: Buffer, maxPixels: number): RasterImage {
  try {
    return decodePng(data, { maxPixels });
  } catch (error) {
    if (error instanceof DomainError) throw new DomainError(error.code, `${where}: ${error.message}`, error.details);
    throw error;
  }
}

/** Grey or RGB pixels; an alpha channel is dropped when every pixel is opaque and refused otherwise. */
function withoutOpaqueAlpha(where: string, image: RasterImage): Uint8Array {
  if (image.channels === 1 || image.channels === 3) return image.data;
  const stride = image.channels;
  const colours = stride - 1;
  const out = new Uint8Array((image.data.length / stride) * colours);
  for (let pixel = 0, at = 0; pixel < image.data.length; pixel += stride) {
    if (image.data[pixel + colours] !== 255) {
      throw invalidArgument(`${where}: has transparent pixels; genlab imports grey or RGB images (an alpha channel only when fully opaque)`);
    }
    for (let c = 0; c < colours; c++) out[at++] = image.data[pixel + c] as number;
  }
  return out;
}

function shuffledByPath(images: KeptImage[]): KeptImage[] {
  const order = [...images].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const rng = createRng(ARCHIVE_ORDER_SEED);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1);
    [order[i], order[j]] = [order[j] as KeptImage, order[i] as KeptImage];
  }
  return order;
}

function assemble(images: readonly KeptImage[], layout: Layout, format: ArchiveFormat): ImageArchiveDataset {
  const size = layout.width * layout.height * layout.channels;
  const x = new Float32Array(images.length * size);
  images.forEach((image, i) => {
    for (let j = 0; j < size; j++) x[i * size + j] = (image.pixels[j] as number) / 255;
  });
  const labels = labelsFromFolders(
    images.map((image) => image.folder),
    images.map((image) => image.path),
  );
  return { shape: [layout.height, layout.width, layout.channels], count: images.length, x, format, ...labels };
}
