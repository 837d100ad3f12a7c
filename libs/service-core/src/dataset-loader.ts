import type { Database, Dataset } from '@genlab/db';
import { decodeDataset, imageGrid, scatterPlotPng, splitDataset, type TensorDataset } from '@genlab/data';

/** Load a stored dataset's tensors and return one split (train: the first train_count examples). */
export async function loadDatasetSplit(db: Database, record: Dataset, split: 'train' | 'test' | 'all'): Promise<TensorDataset> {
  const dataset = decodeDataset(await db.artifacts.read(record.artifactId));
  if (split === 'all') return dataset;
  const { train, test } = splitDataset(dataset, record.trainCount);
  return split === 'train' ? train : test;
}

/** A picture of examples: a tiled grid for images ([h, w, c]), a scatter plot for 2-D points. */
export function renderExamplesPng(values: Float32Array, count: number, shape: readonly number[], columns?: number): Buffer {
  if (shape.length === 3) return imageGrid(values, count, shape as [number, number, number], { columns });
  if (shape.length === 1 && shape[0] === 2) return scatterPlotPng(values.subarray(0, count * 2));
  if (shape.length === 1) return imageGrid(values, count, [1, shape[0] as number, 1]);
  throw new Error(`no picture for examples of shape [${shape.join(', ')}]`);
}
