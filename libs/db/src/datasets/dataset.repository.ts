import { failedPrecondition, invalidArgument, notFound } from '@genlab/errors';
import { z } from 'zod';
import type { ArtifactFiles } from '../artifacts/artifact-files';
import type { Dataset as DatasetRow } from '../generated/sqlite/client';
import { countSchema, idSchema, jsonObjectSchema, nameSchema, parseInput, toPage, type PageOptions } from '../input-validation';
import type { JsonObject } from '../json';
import type { DbClient } from '../prisma-client.factory';
import { DATASET_KINDS, type Dataset, type DatasetKind, type NewDataset } from './dataset.types';

export interface DatasetRepository {
  create(input: NewDataset): Promise<Dataset>;
  get(id: string): Promise<Dataset>;
  /** Newest first. */
  list(options?: PageOptions): Promise<Dataset[]>;
  count(): Promise<number>;
  /** Deletes the dataset and its artifacts (rows and files). Fails while runs use it. */
  delete(id: string): Promise<void>;
}

const newDatasetSchema = z.object({
  name: nameSchema,
  kind: z.enum(DATASET_KINDS),
  shape: z.array(z.int().positive()).min(1).max(8),
  numExamples: countSchema,
  numClasses: z.int().positive().nullable().default(null),
  hasLabels: z.boolean(),
  trainCount: countSchema,
  testCount: countSchema,
  artifactId: idSchema,
  stats: jsonObjectSchema.default({}),
});

export function createDatasetRepository(db: DbClient, files: ArtifactFiles): DatasetRepository {
  return {
    async create(input) {
      const data = parseInput(newDatasetSchema, input, 'dataset');
      const row = await db.$transaction(async (tx) => {
        const artifact = await tx.artifact.findUnique({ where: { id: data.artifactId } });
        if (!artifact) throw notFound('artifact', data.artifactId);
        if (artifact.datasetId !== null || artifact.runId !== null) {
          throw invalidArgument(`artifact '${data.artifactId}' already belongs to a ${artifact.runId ? 'run' : 'dataset'}`);
        }
        const created = await tx.dataset.create({ data });
        await tx.artifact.update({ where: { id: data.artifactId }, data: { datasetId: created.id } });
        return created;
      });
      return toDataset(row);
    },

    async get(id) {
      const row = await db.dataset.findUnique({ where: { id } });
      if (!row) throw notFound('dataset', id);
      return toDataset(row);
    },

    async list(options) {
      const rows = await db.dataset.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], ...toPage(options) });
      return rows.map(toDataset);
    },

    count() {
      return db.dataset.count();
    },

    async delete(id) {
      const keys = await db.$transaction(async (tx) => {
        const found = await tx.dataset.findUnique({ where: { id }, select: { _count: { select: { runs: true } } } });
        if (!found) throw notFound('dataset', id);
        if (found._count.runs > 0) {
          throw failedPrecondition(`dataset '${id}' is used by ${found._count.runs} run(s): delete them first`, { id });
        }
        const artifacts = await tx.artifact.findMany({ where: { datasetId: id }, select: { storageKey: true } });
        await tx.dataset.delete({ where: { id } });
        return artifacts.map((artifact) => artifact.storageKey);
      });
      await files.remove(keys);
    },
  };
}

function toDataset(row: DatasetRow): Dataset {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind as DatasetKind,
    shape: row.shape as number[],
    numExamples: row.numExamples,
    numClasses: row.numClasses,
    hasLabels: row.hasLabels,
    trainCount: row.trainCount,
    testCount: row.testCount,
    artifactId: row.artifactId,
    stats: row.stats as JsonObject,
    createdAt: row.createdAt,
  };
}
