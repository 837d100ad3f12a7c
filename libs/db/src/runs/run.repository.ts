import { randomUUID } from 'node:crypto';
import { failedPrecondition, invalidArgument, notFound } from '@genlab/errors';
import { z } from 'zod';
import type { ArtifactFiles } from '../artifacts/artifact-files';
import type { Run as RunRow } from '../generated/sqlite/client';
import { countSchema, idSchema, jsonObjectSchema, nameSchema, parseInput, toPage } from '../input-validation';
import type { JsonObject } from '../json';
import type { DbClient } from '../prisma-client.factory';
import { requireDataset, requireExperiment, requireRun } from '../references';
import { ClaimLostError } from './run-claim';
import { isTerminal, statusesBefore } from './run-status';
import {
  RUN_STATUSES,
  type ClaimOptions,
  type ClaimedProgress,
  type NewRun,
  type Run,
  type RunClaim,
  type RunListOptions,
  type RunProgress,
  type RunStatus,
  type RunStatusChange,
  type RunUpdate,
} from './run.types';
import { applyTagChanges, readTags, runUpdateSchema, writeTags } from './run-tags';

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
  /**
   * Takes the run for a worker, atomically: a queued run, or a running one whose heartbeat
   * is older than the lease (or any running one with `takeover`). The run becomes (or
   * stays) running under a new claim token; null when it cannot be claimed.
   */
  claim(id: string, options: ClaimOptions): Promise<RunClaim | null>;
  /**
   * Renews a claim (and records progress); tells the worker whether StopRun asked it to stop.
   * ClaimLostError if the run is no longer running under `token`.
   */
  heartbeat(id: string, token: string, progress?: ClaimedProgress): Promise<{ stopRequested: boolean }>;
  /**
   * Ends a claimed run (completed, failed, cancelled) or puts it back in the queue; the
   * claim is released. ClaimLostError if the run is no longer running under `token`.
   */
  release(id: string, token: string, status: Exclude<RunStatus, 'running'>, change?: RunStatusChange): Promise<Run>;
  /**
   * StopRun: a queued run is cancelled at once (reason STOPPED_BY_USER); a running one is
   * flagged, and the worker holding it stops at its next step boundary. FAILED_PRECONDITION
   * for a run that has already ended.
   */
  requestStop(id: string): Promise<Run>;
  /**
   * Changes the run's tags and notes, whatever its status. INVALID_ARGUMENT naming the field
   * for a bad key, value or notes, or when the run would have more than MAX_RUN_TAGS tags;
   * concurrent updates of different tags all apply (the tag map is compared and swapped).
   */
  update(id: string, change: RunUpdate): Promise<Run>;
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
const claimedProgressSchema = z.object({ stepsDone: countSchema.optional() });
const claimSchema = z.object({
  worker: nameSchema,
  backend: nameSchema.optional(),
  leaseMs: z.int().positive(),
  takeover: z.boolean().optional(),
});

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
          ...(status === 'queued' && { worker: null, claimToken: null }),
          ...(isTerminal(status) && { finishedAt: now, claimToken: null }),
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

    async claim(id, options) {
      const { worker, backend, leaseMs, takeover } = parseInput(claimSchema, options, 'claim');
      const current = await get(id);
      const now = new Date();
      const token = randomUUID();
      const claimed = { status: 'running', worker, claimToken: token, heartbeatAt: now, attempts: { increment: 1 }, ...(backend && { backend }) };
      let rows: RunRow[] = [];
      if (current.status === 'queued') {
        // A run handed back to the queue (its worker stopped) keeps its first start time.
        rows = await db.run.updateManyAndReturn({ where: { id, status: 'queued' }, data: { ...claimed, startedAt: current.startedAt ?? now, stopRequested: false } });
      } else if (current.status === 'running') {
        const expired = takeover ? {} : { OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: new Date(now.getTime() - leaseMs) } }] };
        rows = await db.run.updateManyAndReturn({ where: { id, status: 'running', ...expired }, data: claimed });
      }
      const [row] = rows;
      return row ? { run: toRun(row), token } : null;
    },

    async heartbeat(id, token, progress = {}) {
      const { stepsDone } = parseInput(claimedProgressSchema, progress, 'run progress');
      const [row] = await db.run.updateManyAndReturn({
        where: { id, claimToken: token, status: 'running', ...(stepsDone !== undefined && { totalSteps: { gte: stepsDone } }) },
        data: { heartbeatAt: new Date(), ...(stepsDone !== undefined && { stepsDone }) },
        select: { stopRequested: true },
      });
      if (row) return { stopRequested: row.stopRequested };
      const current = await get(id);
      if (current.status === 'running' && stepsDone !== undefined && stepsDone > current.totalSteps) {
        throw invalidArgument(`stepsDone ${stepsDone} exceeds the run's totalSteps ${current.totalSteps}`);
      }
      throw new ClaimLostError(id);
    },

    async release(id, token, status, change = {}) {
      parseInput(z.enum(RUN_STATUSES).exclude(['running']), status, 'run status');
      const details = parseInput(changeSchema, change, 'run status change');
      const [row] = await db.run.updateManyAndReturn({
        where: { id, claimToken: token, status: 'running' },
        data: {
          status,
          statusReason: details.reason ?? null,
          error: status === 'failed' ? (details.error ?? null) : null,
          claimToken: null,
          ...(status === 'queued' && { worker: null }),
          ...(isTerminal(status) && { finishedAt: new Date() }),
        },
      });
      if (row) return toRun(row);
      await get(id);
      throw new ClaimLostError(id);
    },

    async requestStop(id) {
      const now = new Date();
      const [cancelled] = await db.run.updateManyAndReturn({
        where: { id, status: 'queued' },
        data: { status: 'cancelled', statusReason: 'STOPPED_BY_USER', finishedAt: now },
      });
      if (cancelled) return toRun(cancelled);
      const [flagged] = await db.run.updateManyAndReturn({ where: { id, status: 'running' }, data: { stopRequested: true } });
      if (flagged) return toRun(flagged);
      const current = await get(id);
      throw failedPrecondition(`run '${id}' has already ended (${current.status})`, { id, status: current.status });
    },

    async update(id, change) {
      const { setTags, removeTagKeys, notes } = parseInput(runUpdateSchema, change, 'run update');
      for (let attempt = 0; ; attempt++) {
        const current = await db.run.findUnique({ where: { id }, select: { tags: true } });
        if (!current) throw notFound('run', id);
        const tags = writeTags(applyTagChanges(readTags(current.tags), setTags, removeTagKeys));
        const [row] = await db.run.updateManyAndReturn({
          where: { id, tags: current.tags },
          data: { tags, ...(notes !== undefined && { notes }) },
        });
        if (row) return toRun(row);
        // Another update changed the tags in between: apply ours to its result.
        if (attempt >= 20) throw failedPrecondition(`run '${id}' is being updated by others: try again`, { id });
      }
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

export function toRun(row: RunRow): Run {
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
    stopRequested: row.stopRequested,
    attempts: row.attempts,
    sweepId: row.sweepId,
    sweepIndex: row.sweepIndex,
    tags: readTags(row.tags),
    notes: row.notes,
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
    sweepId: options.sweepId,
    status: status === undefined ? undefined : typeof status === 'string' ? status : { in: [...status] },
  };
}
