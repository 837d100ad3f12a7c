import { notFound } from '@genlab/errors';
import { z } from 'zod';
import type { Sweep as SweepRow } from '../generated/sqlite/client';
import { idSchema, jsonObjectSchema, nameSchema, parseInput } from '../input-validation';
import type { JsonObject } from '../json';
import type { Run } from '../runs/run.types';
import type { DbClient } from '../prisma-client.factory';
import { requireDataset, requireExperiment } from '../references';
import { toRun } from '../runs/run.repository';
import { SWEEP_METHODS, type NewSweep, type Sweep, type SweepMethod, type SweepWithRuns } from './sweep.types';

export interface SweepRepository {
  /** The sweep and all its runs (queued), in one transaction: all of them or none. */
  create(input: NewSweep): Promise<SweepWithRuns>;
  get(id: string): Promise<SweepWithRuns>;
  /** Sweeps created at or after `createdFrom` (all without it), oldest first, without their runs. */
  list(options?: { createdFrom?: Date; limit?: number }): Promise<Sweep[]>;
  /** Completed runs of these sweeps that have no evaluation yet, oldest first. */
  completedRunsWithoutEvaluation(sweepIds: readonly string[], limit?: number): Promise<Run[]>;
}

/** More would be a mistake in the request rather than a sweep. */
export const MAX_SWEEP_RUNS = 1_000;

const newSweepSchema = z.object({
  experimentId: idSchema,
  name: z.string().trim().max(200).default(''),
  method: z.enum(SWEEP_METHODS),
  spec: jsonObjectSchema,
  runs: z
    .array(
      z.object({
        datasetId: idSchema,
        family: nameSchema,
        config: jsonObjectSchema,
        seed: z.int32(),
        totalSteps: z.int().positive().max(2 ** 31 - 1),
        backend: nameSchema.optional(),
      }),
    )
    .min(1)
    .max(MAX_SWEEP_RUNS),
});

export function createSweepRepository(db: DbClient): SweepRepository {
  return {
    async create(input) {
      const data = parseInput(newSweepSchema, input, 'sweep');
      return db.$transaction(
        async (tx) => {
          await requireExperiment(tx, data.experimentId);
          for (const datasetId of new Set(data.runs.map((r) => r.datasetId))) await requireDataset(tx, datasetId);
          const sweep = await tx.sweep.create({ data: { experimentId: data.experimentId, name: data.name, method: data.method, spec: data.spec } });
          const runs = [];
          for (const [sweepIndex, run] of data.runs.entries()) {
            runs.push(
              await tx.run.create({ data: { ...run, backend: run.backend ?? null, experimentId: data.experimentId, sweepId: sweep.id, sweepIndex, status: 'queued' } }),
            );
          }
          return { sweep: toSweep(sweep), runs: runs.map(toRun) };
        },
        { timeout: 60_000 },
      );
    },

    async get(id) {
      const row = await db.sweep.findUnique({ where: { id }, include: { runs: { orderBy: { sweepIndex: 'asc' } } } });
      if (!row) throw notFound('sweep', id);
      return { sweep: toSweep(row), runs: row.runs.map(toRun) };
    },

    async list(options = {}) {
      const rows = await db.sweep.findMany({
        where: options.createdFrom ? { createdAt: { gte: options.createdFrom } } : {},
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: options.limit ?? 1000,
      });
      return rows.map(toSweep);
    },

    async completedRunsWithoutEvaluation(sweepIds, limit = 100) {
      if (sweepIds.length === 0) return [];
      const rows = await db.run.findMany({
        where: { sweepId: { in: [...sweepIds] }, status: 'completed', evaluations: { none: {} } },
        orderBy: [{ finishedAt: 'asc' }, { id: 'asc' }],
        take: limit,
      });
      return rows.map(toRun);
    },
  };
}

function toSweep(row: SweepRow): Sweep {
  return {
    id: row.id,
    experimentId: row.experimentId,
    name: row.name,
    method: row.method as SweepMethod,
    spec: row.spec as JsonObject,
    createdAt: row.createdAt,
  };
}
