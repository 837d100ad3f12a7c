import { readFile, stat } from 'node:fs/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import type { GenlabConfig } from '@genlab/config';
import type { Database, Dataset, DatasetKind } from '@genlab/db';
import {
  DEFAULT_ARCHIVE_LIMITS,
  datasetStats,
  encodeDataset,
  exampleSize,
  grid25,
  readIdxImageDataset,
  readImageArchive,
  ring8,
  type ArchiveLimits,
  sliceDataset,
  type SyntheticMixtureDataset,
  type TensorDataset,
} from '@genlab/data';
import { MAX_MESSAGE_BYTES } from '@genlab/client';
import { DomainError, ErrorCode, invalidArgument } from '@genlab/errors';
import { DATABASE, GENLAB_CONFIG, loadDatasetSplit, renderExamplesPng, resolveImportPath } from '@genlab/service-core';

const SYNTHETIC: Record<string, SyntheticMixtureDataset> = { ring8, grid25 };

/** Largest IDX file accepted, compressed or not (the decompressed cap is the same). */
export const MAX_IDX_BYTES = 512 * 1024 * 1024;

/**
 * Caps on an image archive (zip, tar, tar.gz). The byte caps match the IDX import's; the
 * compression ratio of 100 is far above what PNG files reach inside an archive (about 1).
 */
export const ARCHIVE_LIMITS: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, maxArchiveBytes: MAX_IDX_BYTES, maxTotalBytes: MAX_IDX_BYTES, maxTotalValues: MAX_IDX_BYTES };

export const datasetName = z.string().trim().min(1, 'name is required').max(200, 'name is longer than 200 characters');
export const testCountField = z.number().int().min(0, 'test_count must be ≥ 0');

export interface PreviewResult {
  shape: number[];
  count: number;
  values: Buffer;
  labels: number[];
  png?: Buffer;
}

@Injectable()
export class DatasetsService {
  private readonly logger = new Logger(DatasetsService.name);
  private importing = false;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(GENLAB_CONFIG) private readonly config: GenlabConfig,
  ) {}

  async importIdxFromPaths(name: string, imagesPath: string, labelsPath: string, testCount: number): Promise<Dataset> {
    const images = await resolveImportPath(this.config.importRoot, imagesPath, 'images_path');
    const labels = labelsPath ? await resolveImportPath(this.config.importRoot, labelsPath, 'labels_path') : undefined;
    const [imageBytes, labelBytes] = await Promise.all([readCapped(images, 'images'), labels ? readCapped(labels, 'labels') : undefined]);
    return this.importIdx(name, imageBytes, labelBytes, testCount);
  }

  /** The archive is confined to the import root first; it is read whole and checked before anything is written. */
  async importImageArchive(name: string, archivePath: string, testCount: number): Promise<Dataset> {
    const path = await resolveImportPath(this.config.importRoot, archivePath, 'archive_path');
    return this.exclusively(async () => {
      const dataset = await readImageArchive(path, { limits: ARCHIVE_LIMITS });
      const classNames = dataset.classNames ? { classNames: [...dataset.classNames] } : {};
      return this.store(name, 'image-archive', dataset, testCount, { format: dataset.format, ...classNames });
    });
  }

  /** Parse and validate everything first; only a fully valid dataset is written. */
  async importIdx(name: string, images: Uint8Array, labels: Uint8Array | undefined, testCount: number): Promise<Dataset> {
    return this.exclusively(async () => {
      const dataset = readIdxImageDataset(images, labels, { maxBytes: MAX_IDX_BYTES });
      const channels = dataset.shape[2];
      if (channels !== 1 && channels !== 3) {
        throw invalidArgument(`images file: ${channels} channels per pixel; genlab imports grayscale (1) or RGB (3) images`);
      }
      return this.store(name, 'idx', dataset, testCount);
    });
  }

  /**
   * One import at a time: a decoded dataset takes several times its file's size in memory,
   * so concurrent imports are refused (RESOURCE_EXHAUSTED) rather than risking the process.
   */
  private async exclusively<T>(work: () => Promise<T>): Promise<T> {
    if (this.importing) throw new DomainError(ErrorCode.ResourceExhausted, 'another import is in progress; retry when it has finished');
    this.importing = true;
    try {
      return await work();
    } finally {
      this.importing = false;
    }
  }

  async createSynthetic(name: string, generator: string, numExamples: number, seed: number, testCount: number): Promise<Dataset> {
    const source = SYNTHETIC[generator];
    if (!source) throw invalidArgument(`generator: unknown '${generator}'; known generators: ${Object.keys(SYNTHETIC).join(', ')}`);
    if (!Number.isInteger(numExamples) || numExamples < 0 || numExamples > 1_000_000) {
      throw invalidArgument('num_examples: must be between 1 and 1,000,000 (0 means 10,000)');
    }
    // The generator is recorded so that evaluation can use the known density (KL, mode metrics).
    return this.store(name, 'synthetic', source.sample(numExamples || 10_000, seed), testCount, { generator });
  }

  get(id: string): Promise<Dataset> {
    return this.db.datasets.get(id);
  }

  async list(limit: number, offset: number): Promise<{ items: Dataset[]; total: number }> {
    const [items, total] = await Promise.all([this.db.datasets.list({ limit, offset }), this.db.datasets.count()]);
    return { items, total };
  }

  async delete(id: string): Promise<void> {
    await this.db.datasets.delete(id);
  }

  async preview(id: string, count: number, split: 'train' | 'test', includePng: boolean): Promise<PreviewResult> {
    const record = await this.db.datasets.get(id);
    checkPreviewFits(record.shape, count, includePng);
    const data = await loadDatasetSplit(this.db, record, split);
    const first = sliceDataset(data, 0, Math.min(count, data.count));
    const values = first.x;
    return {
      shape: [...first.shape],
      count: first.count,
      values: Buffer.from(values.buffer, values.byteOffset, values.byteLength),
      labels: first.labels ? Array.from(first.labels) : [],
      png: includePng ? renderExamplesPng(values, first.count, first.shape) : undefined,
    };
  }

  private async store(
    name: string,
    kind: DatasetKind,
    dataset: TensorDataset,
    requestedTestCount: number,
    extraStats: { generator?: string; format?: string; classNames?: string[] } = {},
  ): Promise<Dataset> {
    const testCount = requestedTestCount || Math.round(dataset.count * 0.2);
    if (testCount >= dataset.count) {
      throw invalidArgument(`test_count: ${testCount} leaves no training examples (the dataset has ${dataset.count})`);
    }
    const stats = datasetStats(dataset);
    const artifact = await this.db.artifacts.put(encodeDataset(dataset), { kind: 'dataset', mediaType: 'application/x-genlab-dataset' });
    try {
      const record = await this.db.datasets.create({
        name,
        kind,
        shape: [...dataset.shape],
        numExamples: dataset.count,
        numClasses: dataset.numClasses ?? null,
        hasLabels: Boolean(dataset.labels),
        trainCount: dataset.count - testCount,
        testCount,
        artifactId: artifact.id,
        stats: { mean: stats.mean, std: stats.std, min: stats.min, max: stats.max, classCounts: stats.classCounts ?? [], ...extraStats },
      });
      this.logger.log(`dataset ${record.id} '${name}': ${dataset.count} × [${dataset.shape.join(', ')}]`);
      return record;
    } catch (error) {
      await this.db.artifacts.delete(artifact.id).catch(() => undefined);
      throw error;
    }
  }
}

/**
 * A preview is one message: its float32 values (and, if asked, a PNG of at most one byte per
 * value) must fit the message cap with room for the rest. Refused up front, before the values
 * are gathered, with the count that would fit.
 */
function checkPreviewFits(shape: readonly number[], count: number, includePng: boolean): void {
  const bytesPerExample = exampleSize(shape) * (includePng ? 5 : 4);
  const fits = Math.floor((0.9 * MAX_MESSAGE_BYTES) / bytesPerExample);
  if (count > fits) {
    throw new DomainError(
      ErrorCode.ResourceExhausted,
      `count: ${count} examples of [${shape.join(', ')}] do not fit in one message (at most ${MAX_MESSAGE_BYTES} bytes); ` +
        (fits > 0 ? `ask for at most ${fits}` : includePng ? 'not even one does with its PNG: ask without include_png' : 'not even one does'),
    );
  }
}

async function readCapped(path: string, role: string): Promise<Buffer> {
  if ((await stat(path)).size > MAX_IDX_BYTES) throw invalidArgument(`${role}: file is larger than ${MAX_IDX_BYTES} bytes`);
  return readFile(path);
}
