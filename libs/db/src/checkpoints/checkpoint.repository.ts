import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode, invalidArgument, notFound } from '@genlab/errors';
import { z } from 'zod';
import type { ArtifactFiles } from '../artifacts/artifact-files';
import { Prisma, type Checkpoint as CheckpointRow } from '../generated/sqlite/client';
import { countSchema, idSchema, parseInput } from '../input-validation';
import { hasPrismaCode, PrismaErrorCode } from '../prisma-errors';
import type { DbClient } from '../prisma-client.factory';
import { requireRun } from '../references';
import type { DatabaseProvider } from '../migrations/database-target';
import { assertClaim, claimedRun, claimRefusal, explainingFailure } from '../runs/run-claim';
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

export function createCheckpointRepository(db: DbClient, files: ArtifactFiles, provider: DatabaseProvider): CheckpointRepository {
  return {
    async create(input, options = {}) {
      const data = parseInput(newCheckpointSchema, input, 'checkpoint');
      if (options.claimToken !== undefined) {
        const created = await createFenced(db, provider, data, options.claimToken);
        if (created) return created;
      }
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
        throw alreadyExists(data);
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
      if (options.claimToken !== undefined) {
        const removed = await pruneFenced(db, provider, runId, keep, options.claimToken);
        await files.remove(removed.keys);
        return removed.checkpointIds;
      }
      const removed = await db.$transaction(async (tx) => {
        await requireRun(tx, runId);
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

/**
 * A claimed run's checkpoint in one statement, fenced within itself (the training process
 * records one at every checkpoint; a transaction around the checks cost five times as much): the
 * run id and the artifact id are read back from their rows only if the claim holds and the
 * artifact is the run's, else NULL, and the NOT NULL columns refuse the statement. A refusal
 * is then explained by reading the rows. Undefined for an artifact not attached to a run yet:
 * the caller's transaction attaches it.
 */
async function createFenced(db: DbClient, provider: DatabaseProvider, data: NewCheckpoint, claimToken: string): Promise<Checkpoint | undefined> {
  const checkpoint = { id: randomUUID(), runId: data.runId, step: data.step, artifactId: data.artifactId, validationLoss: data.validationLoss ?? null, createdAt: new Date() };
  const artifactOfRun = Prisma.sql`(SELECT "id" FROM "Artifact" WHERE "id" = ${data.artifactId} AND "runId" = ${data.runId} AND "datasetId" IS NULL)`;
  try {
    await db.$executeRaw`
      WITH ${claimedRun(data.runId, claimToken, provider)}
      INSERT INTO "Checkpoint" ("id", "runId", "step", "artifactId", "validationLoss", "createdAt")
      VALUES (${checkpoint.id}, (SELECT "id" FROM "claimed"), ${data.step}, ${artifactOfRun}, ${checkpoint.validationLoss}, ${checkpoint.createdAt})`;
    return checkpoint;
  } catch (error) {
    const [refusal, artifact, taken] = await explainingFailure(error, () =>
      Promise.all([
        claimRefusal(db, data.runId, claimToken),
        db.artifact.findUnique({ where: { id: data.artifactId }, select: { runId: true, datasetId: true } }),
        db.checkpoint.findFirst({ where: { OR: [{ runId: data.runId, step: data.step }, { artifactId: data.artifactId }] }, select: { id: true } }),
      ]),
    );
    if (refusal) throw refusal;
    if (!artifact) throw notFound('artifact', data.artifactId);
    if (artifact.datasetId !== null || (artifact.runId !== null && artifact.runId !== data.runId)) {
      throw invalidArgument(`artifact '${data.artifactId}' belongs to another ${artifact.datasetId ? 'dataset' : 'run'}`);
    }
    if (artifact.runId === null) return undefined;
    if (taken) throw alreadyExists(data);
    throw error;
  }
}

/**
 * A claimed run's prune in two plain statements instead of a transaction: the checkpoints
 * that would go are listed, then the artifacts are deleted in one statement that checks the
 * claim, the references and `keep` itself (so a checkpoint an evaluation came to refer to in
 * between stays); only checkpoints whose artifact that statement deleted are reported. When
 * nothing was deleted, the run is looked at, so a lost claim is still an error.
 */
async function pruneFenced(
  db: DbClient,
  provider: DatabaseProvider,
  runId: string,
  keep: readonly string[],
  claimToken: string,
): Promise<{ checkpointIds: string[]; keys: string[] }> {
  const notKept = keep.length > 0 ? Prisma.sql`AND c."id" NOT IN (${Prisma.join([...keep])})` : Prisma.empty;
  const doomed = Prisma.sql`
    FROM "Checkpoint" c
    WHERE c."runId" = ${runId} ${notKept} AND NOT EXISTS (SELECT 1 FROM "Evaluation" e WHERE e."checkpointId" = c."id")`;
  const listed = await db.$queryRaw<{ id: string; artifactId: string }[]>`SELECT c."id", c."artifactId" ${doomed} ORDER BY c."step"`;
  const deleted = await db.$queryRaw<{ id: string; storageKey: string }[]>`
    WITH ${claimedRun(runId, claimToken, provider)}
    DELETE FROM "Artifact"
    WHERE "runId" = ${runId} AND EXISTS (SELECT 1 FROM "claimed")
      AND ("id" IN (SELECT c."artifactId" ${doomed})
        OR ("kind" = 'checkpoint' AND NOT EXISTS (SELECT 1 FROM "Checkpoint" c WHERE c."artifactId" = "Artifact"."id")))
    RETURNING "id", "storageKey"`;
  if (deleted.length === 0) {
    const refusal = await claimRefusal(db, runId, claimToken);
    if (refusal) throw refusal;
    return { checkpointIds: [], keys: [] };
  }
  const gone = new Set(deleted.map((a) => a.id));
  return { checkpointIds: listed.filter((c) => gone.has(c.artifactId)).map((c) => c.id), keys: deleted.map((a) => a.storageKey) };
}

const alreadyExists = (data: NewCheckpoint) =>
  new DomainError(ErrorCode.AlreadyExists, `run '${data.runId}' already has a checkpoint at step ${data.step}, or artifact '${data.artifactId}' is another checkpoint's`, {
    runId: data.runId,
    step: data.step,
  });

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
