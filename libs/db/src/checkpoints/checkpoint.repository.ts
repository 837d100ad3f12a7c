import { DomainError, ErrorCode, invalidArgument, notFound } from '@genlab/errors';
import { z } from 'zod';
import type { Checkpoint as CheckpointRow } from '../generated/sqlite/client';
import { countSchema, idSchema, parseInput } from '../input-validation';
import { hasPrismaCode, PrismaErrorCode } from '../prisma-errors';
import type { DbClient } from '../prisma-client.factory';
import { requireRun } from '../references';
import type { Checkpoint, NewCheckpoint } from './checkpoint.types';

export interface CheckpointRepository {
  /** Fails with ALREADY_EXISTS if the run has a checkpoint at that step or the artifact is in use. */
  create(input: NewCheckpoint): Promise<Checkpoint>;
  get(id: string): Promise<Checkpoint>;
  /** In step order. */
  listByRun(runId: string): Promise<Checkpoint[]>;
  /** The checkpoint with the highest step, or null if the run has none. */
  latest(runId: string): Promise<Checkpoint | null>;
}

const newCheckpointSchema = z.object({ runId: idSchema, step: countSchema.max(2 ** 31 - 1), artifactId: idSchema });

export function createCheckpointRepository(db: DbClient): CheckpointRepository {
  return {
    async create(input) {
      const data = parseInput(newCheckpointSchema, input, 'checkpoint');
      try {
        const row = await db.$transaction(async (tx) => {
          await requireRun(tx, data.runId);
          const artifact = await tx.artifact.findUnique({ where: { id: data.artifactId } });
          if (!artifact) throw notFound('artifact', data.artifactId);
          if (artifact.datasetId !== null || (artifact.runId !== null && artifact.runId !== data.runId)) {
            throw invalidArgument(`artifact '${data.artifactId}' belongs to another ${artifact.datasetId ? 'dataset' : 'run'}`);
          }
          if (artifact.runId === null) {
            await tx.artifact.update({ where: { id: data.artifactId }, data: { runId: data.runId } });
          }
          return tx.checkpoint.create({ data });
        });
        return toCheckpoint(row);
      } catch (error) {
        if (!hasPrismaCode(error, PrismaErrorCode.UniqueViolation)) throw error;
        throw new DomainError(
          ErrorCode.AlreadyExists,
          `run '${data.runId}' already has a checkpoint at step ${data.step}, or artifact '${data.artifactId}' is another checkpoint's`,
          { runId: data.runId, step: data.step },
        );
      }
    },

    async get(id) {
      const row = await db.checkpoint.findUnique({ where: { id } });
      if (!row) throw notFound('checkpoint', id);
      return toCheckpoint(row);
    },

    async listByRun(runId) {
      const rows = await db.checkpoint.findMany({ where: { runId }, orderBy: { step: 'asc' } });
      if (rows.length === 0) await requireRun(db, runId);
      return rows.map(toCheckpoint);
    },

    async latest(runId) {
      const row = await db.checkpoint.findFirst({ where: { runId }, orderBy: { step: 'desc' } });
      if (!row) await requireRun(db, runId);
      return row ? toCheckpoint(row) : null;
    },
  };
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return { id: row.id, runId: row.runId, step: row.step, artifactId: row.artifactId, createdAt: row.createdAt };
}
