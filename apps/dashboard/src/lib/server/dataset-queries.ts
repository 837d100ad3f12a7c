import 'server-only';
import { cache } from 'react';
import { connection } from 'next/server';
import { unary } from '@genlab/client';
import { datasetsV1, type evaluationV1 } from '@genlab/contracts';
import { genlab } from './genlab-clients';
import { PAGE_SIZE, type Page } from './queries';
import { callService, isUnknownId } from './service-errors';

/** Datasets, their previews and their leaderboards, from the datasets and evaluation services. */

const DEADLINE_MS = 10_000;

export async function listDatasets(page: number, pageSize = PAGE_SIZE): Promise<Page<datasetsV1.Dataset>> {
  await connection();
  const { datasets } = genlab();
  const offset = (page - 1) * pageSize;
  const response = await callService('datasets', () => unary(datasets.listDatasets, datasets, { pageSize, offset }, DEADLINE_MS));
  return { items: response.datasets, total: response.total, offset };
}

/** Every dataset (for pickers), newest first, up to 500. */
export async function allDatasets(): Promise<datasetsV1.Dataset[]> {
  return (await listDatasets(1, 500)).items;
}

export const getDataset = cache(async (id: string): Promise<datasetsV1.Dataset | undefined> => {
  await connection();
  const { datasets } = genlab();
  try {
    return await callService('datasets', () => unary(datasets.getDataset, datasets, { id }, DEADLINE_MS));
  } catch (error) {
    if (isUnknownId(error)) return undefined;
    throw error;
  }
});

export interface DatasetPreview {
  shape: number[];
  count: number;
  /** count × prod(shape) values. */
  values: Float32Array;
  labels: number[];
  png: Buffer;
}

/** The first `count` examples of a split, optionally with the service's PNG rendering. */
export async function getPreview(datasetId: string, split: 'train' | 'test', count: number, includePng: boolean): Promise<DatasetPreview> {
  await connection();
  const { datasets } = genlab();
  const preview = await callService('datasets', () =>
    unary(
      datasets.getPreview,
      datasets,
      { datasetId, count, split: split === 'test' ? datasetsV1.Split.SPLIT_TEST : datasetsV1.Split.SPLIT_TRAIN, includePng },
      DEADLINE_MS,
    ),
  );
  // The bytes are little-endian float32; copy them so the view is aligned.
  const bytes = new Uint8Array(preview.values);
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.byteLength / 4));
  return { shape: preview.shape, count: preview.count, values, labels: preview.labels, png: Buffer.from(preview.png) };
}

export async function getLeaderboard(datasetId: string): Promise<evaluationV1.Leaderboard> {
  await connection();
  const { evaluation } = genlab();
  return callService('evaluation', () => unary(evaluation.getLeaderboard, evaluation, { datasetId }, DEADLINE_MS));
}

export function datasetKindName(kind: datasetsV1.DatasetKind): string {
  switch (kind) {
    case datasetsV1.DatasetKind.DATASET_KIND_IDX:
      return 'IDX import';
    case datasetsV1.DatasetKind.DATASET_KIND_SYNTHETIC:
      return 'synthetic';
    case datasetsV1.DatasetKind.DATASET_KIND_IMAGE_ARCHIVE:
      return 'image archive';
    default:
      return 'unknown';
  }
}
