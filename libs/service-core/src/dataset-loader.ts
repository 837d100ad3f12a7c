import type { Database, Dataset } from '@genlab/db';
import { decodeDataset, splitDataset, type TensorDataset } from '@genlab/data';

/** Load a stored dataset's tensors and return one split (train: the first train_count examples). */
export async function loadDatasetSplit(db: Database, record: Dataset, split: 'train' | 'test' | 'all'): Promise<TensorDataset> {
  const dataset = decodeDataset(await db.artifacts.read(record.artifactId));
  if (split === 'all') return dataset;
  const { train, test } = splitDataset(dataset, record.trainCount);
  return split === 'train' ? train : test;
}

// The picture of examples lives with the PNG encoders; services import it from here too.
export { renderExamplesPng } from '@genlab/data';
