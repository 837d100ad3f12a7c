import { datasetsV1, toTimestamp } from '@genlab/contracts';
import type { Dataset } from '@genlab/db';

export function toDatasetMessage(record: Dataset): datasetsV1.Dataset {
  const stats = record.stats as { mean?: number; std?: number; min?: number; max?: number; classCounts?: number[] };
  return {
    id: record.id,
    name: record.name,
    kind: record.kind === 'idx' ? datasetsV1.DatasetKind.DATASET_KIND_IDX : datasetsV1.DatasetKind.DATASET_KIND_SYNTHETIC,
    shape: [...record.shape],
    numExamples: record.numExamples,
    numClasses: record.numClasses ?? 0,
    hasLabels: record.hasLabels,
    trainCount: record.trainCount,
    testCount: record.testCount,
    stats: {
      mean: stats.mean ?? 0,
      std: stats.std ?? 0,
      min: stats.min ?? 0,
      max: stats.max ?? 0,
      classCounts: stats.classCounts ?? [],
    },
    createTime: toTimestamp(record.createdAt),
  };
}
