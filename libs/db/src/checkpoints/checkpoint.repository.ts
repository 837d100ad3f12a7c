import { DomainError, ErrorCode, invalidArgument, notFound } from '@genlab/errors';
import { z } from 'zod';
import type { ArtifactFiles } from '../artifacts/artifact-files';
import type { Checkpoint as CheckpointRow } from '../generated/sqlite/client';
import { countSchema, idSchema, parseInput } from '../input-validation';
import { hasPrismaCode, PrismaErrorCode } from '../prisma-errors';
import type { DbClient } from '../prisma-client.factory';
import { requireRun } from '../references';
import { assertClaim } from '../runs/run-claim';
import type { Checkpoint, NewCheckpoint } from './checkpoint.types';

export interface CheckpointRepository {
  /**
   * Records a checkpoint whose artifact is already stored in full, so a checkpoint row
   * always points at complete bytes. Fails with ALREADY_EXISTS if the run has a checkpoint
   * at that step or the artifact is in use. With `claimToken` the write is fenced (see
   * MetricRepository.appendPoints).
   */
  create(input: NewCheckpoint, options?: { claimToken?: string }): Promise<Checkpoint>;
  get(id: string): Promise<Checkpoint>;
  /** In step order. */
  listByRun(runId: string): Promise<Checkpoint[]>;
  /** The checkpoint with the highest step, or null if the run has none. */
  latest(runId: string): Promise<Checkpoint | null>;
  /**
   * Deletes the run's checkpoints that are not in `keep` and that no evaluation refers to,
   * with their artifacts (rows and files), and every checkpoint artifact of the run that no
   * checkpoint points at (left by a worker that died between writing the bytes and
   * recording the checkpoint). Returns the ids of the checkpoints deleted. Fenced with
   * `claimToken` if given.
   */
  prune(runId: string, keep: readonly string[], options?: { claimToken?: string }): Promise<string[]>;
}

const newCheckpointSchema = z.object({
  runId: idSchema,
  step: countSchema.max(2 ** 31 - 1),
  artifactId: idSchema,
  validationLoss: z.number().optional(),
});

export function createCheckpointRepository(db: DbClient, files: ArtifactFiles): CheckpointRepository {
  return {
    async create(input, options = {}) {
      const data = parseInput(newCheckpointSchema, input, 'checkpoint');
      try {
        const row = await db.$transaction(async (tx) => {
          if (options.claimToken !== undefined) await assertClaim(tx, data.runId, options.claimToken);
          else await requireRun(tx, data.runId);
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

    async prune(runId, keep, options = {}) {
      const removed = await db.$transaction(async (tx) => {
        if (options.claimToken !== undefined) await assertClaim(tx, runId, options.claimToken);
        else await requireRun(tx, runId);
        const doomed = await tx.checkpoint.findMany({
          where: { runId, id: { notIn: [...keep] }, evaluations: { none: {} } },
          select: { id: true, artifactId: true },
        });
        const orphans = await tx.artifact.findMany({ where: { runId, kind: 'checkpoint', checkpoint: { is: null } }, select: { id: true } });
        const artifactIds = [...doomed.map((c) => c.artifactId), ...orphans.map((a) => a.id)];
        if (artifactIds.length === 0) return { checkpointIds: [], keys: [] };
        const artifacts = await tx.artifact.findMany({ where: { id: { in: artifactIds } }, select: { storageKey: true } });
        // Deleting the artifact deletes its checkpoint row too (ON DELETE CASCADE).
        await tx.artifact.deleteMany({ where: { id: { in: artifactIds } } });
        return { checkpointIds: doomed.map((c) => c.id), keys: artifacts.map((a) => a.storageKey) };
      });
      await files.remove(removed.keys);
      return removed.checkpointIds;
    },
  };
}

function toCheckpoint(row: CheckpointRow): Checkpoint {
  return {
    id: row.id,
    runId: row.runId,
    step: row.step,
    artifactId: row.artifactId,
    validationLoss: row.validationLoss,
    createdAt: row.createdAt,
  };
}
