import { failedPrecondition, invalidArgument, notFound } from '@genlab/errors';
import { z } from 'zod';
import type { ArtifactFiles } from '../artifacts/artifact-files';
import type { Run as RunRow } from '../generated/sqlite/client';
import { countSchema, idSchema, jsonObjectSchema, nameSchema, parseInput, toPage } from '../input-validation';
import type { JsonObject } from '../json';
import type { DbClient } from '../prisma-client.factory';
import { requireDataset, requireExperiment, requireRun } from '../references';
import { isTerminal, statusesBefore } from './run-status';
import { RUN_STATUSES, type NewRun, type Run, type RunListOptions, type RunProgress, type RunStatus, type RunStatusChange } from './run.types';

export interface RunRepository {
  /** A new run in status 'queued'. */
  create(input: NewRun): Promise<Run>;
  get(id: string): Promise<Run>;
  /** Newest first, optionally filtered by experiment, dataset and status(es). */
  list(options?: RunListOptions): Promise<Run[]>;
  /** How many runs `list` would page through with these filters. */
  count(options?: Omit<RunListOptions, 'limit' | 'offset'>): Promise<number>;
  /**
   * Moves the run to `status` and stamps the times: 'running' sets startedAt and
   * heartbeatAt, a terminal status sets finishedAt. Fails with FAILED_PRECONDITION when the
   * change is not allowed from the current status (e.g. from a terminal one).
   */
  updateStatus(id: string, status: RunStatus, change?: RunStatusChange): Promise<Run>;
  /** Records steps done and a heartbeat; only for running runs. */
  updateProgress(id: string, progress: RunProgress): Promise<Run>;
  /** Deletes the run with its metrics, checkpoints, evaluations and artifacts (rows and files). */
  delete(id: string): Promise<void>;
}

const newRunSchema = z.object({
  experimentId: idSchema,
  datasetId: idSchema,
  family: nameSchema,
  config: jsonObjectSchema,
  seed: z.int32(),
  totalSteps: z.int().positive().max(2 ** 31 - 1),
  backend: nameSchema.optional(),
});

const changeSchema = z.object({
  reason: z.string().max(2_000).optional(),
  error: z.string().max(20_000).optional(),
  worker: nameSchema.optional(),
  backend: nameSchema.optional(),
});

const progressSchema = z.object({ stepsDone: countSchema, heartbeatAt: z.date().optional() });

export function createRunRepository(db: DbClient, files: ArtifactFiles): RunRepository {
  const get = async (id: string): Promise<Run> => {
    const row = await db.run.findUnique({ where: { id } });
    if (!row) throw notFound('run', id);
    return toRun(row);
  };

  return {
    async create(input) {
      const data = parseInput(newRunSchema, input, 'run');
      const row = await db.$transaction(async (tx) => {
        await requireExperiment(tx, data.experimentId);
        await requireDataset(tx, data.datasetId);
        return tx.run.create({ data: { ...data, backend: data.backend ?? null, status: 'queued' } });
      });
      return toRun(row);
    },

    get,

    async list(options = {}) {
      const rows = await db.run.findMany({
        where: runFilter(options),
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        ...toPage(options),
      });
      return rows.map(toRun);
    },

    count(options = {}) {
      return db.run.count({ where: runFilter(options) });
    },

    async updateStatus(id, status, change = {}) {
      parseInput(z.enum(RUN_STATUSES), status, 'run status');
      const details = parseInput(changeSchema, change, 'run status change');
      const now = new Date();
      const [row] = await db.run.updateManyAndReturn({
        where: { id, status: { in: statusesBefore(status) } },
        data: {
          status,
          statusReason: details.reason ?? null,
          error: status === 'failed' ? (details.error ?? null) : null,
          ...(details.backend !== undefined && { backend: details.backend }),
          ...(status === 'running' && { startedAt: now, heartbeatAt: now, worker: details.worker ?? null }),
          ...(status === 'queued' && { worker: null }),
          ...(isTerminal(status) && { finishedAt: now }),
        },
      });
      if (row) return toRun(row);
      const current = await get(id);
      throw failedPrecondition(`run '${id}' is ${current.status} and cannot become ${status}`, { id, status: current.status });
    },

    async updateProgress(id, progress) {
      const { stepsDone, heartbeatAt = new Date() } = parseInput(progressSchema, progress, 'run progress');
      const [row] = await db.run.updateManyAndReturn({
        where: { id, status: 'running', totalSteps: { gte: stepsDone } },
        data: { stepsDone, heartbeatAt },
      });
      if (row) return toRun(row);
      const current = await get(id);
      if (current.status !== 'running') {
        throw failedPrecondition(`run '${id}' is ${current.status}, not running`, { id, status: current.status });
      }
      throw invalidArgument(`stepsDone ${stepsDone} exceeds the run's totalSteps ${current.totalSteps}`);
    },

    async delete(id) {
      const keys = await db.$transaction(async (tx) => {
        await requireRun(tx, id);
        const artifacts = await tx.artifact.findMany({ where: { runId: id }, select: { storageKey: true } });
        await tx.run.delete({ where: { id } });
        return artifacts.map((artifact) => artifact.storageKey);
      });
      await files.remove(keys);
    },
  };
}

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    experimentId: row.experimentId,
    datasetId: row.datasetId,
    family: row.family,
    config: row.config as JsonObject,
    seed: row.seed,
    status: row.status as RunStatus,
    statusReason: row.statusReason,
    error: row.error,
    totalSteps: row.totalSteps,
    stepsDone: row.stepsDone,
    backend: row.backend,
    worker: row.worker,
    heartbeatAt: row.heartbeatAt,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  };
}

function runFilter(options: Omit<RunListOptions, 'limit' | 'offset'>) {
  const { status } = options;
  return {
    experimentId: options.experimentId,
    datasetId: options.datasetId,
    status: status === undefined ? undefined : typeof status === 'string' ? status : { in: [...status] },
  };
}
