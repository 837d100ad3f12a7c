import { datasetsV1, toTimestamp } from '@genlab/contracts';
import type { Dataset, DatasetKind } from '@genlab/db';

const KINDS: Record<DatasetKind, datasetsV1.DatasetKind> = {
  idx: datasetsV1.DatasetKind.DATASET_KIND_IDX,
  synthetic: datasetsV1.DatasetKind.DATASET_KIND_SYNTHETIC,
  'image-archive': datasetsV1.DatasetKind.DATASET_KIND_IMAGE_ARCHIVE,
};

export function toDatasetMessage(record: Dataset): datasetsV1.Dataset {
  const stats = record.stats as { mean?: number; std?: number; min?: number; max?: number; classCounts?: number[] };
  return {
    id: record.id,
    name: record.name,
    kind: KINDS[record.kind] ?? datasetsV1.DatasetKind.DATASET_KIND_UNSPECIFIED,
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
