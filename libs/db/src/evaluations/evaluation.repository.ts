import { failedPrecondition, invalidArgument, notFound } from '@genlab/errors';
import { z } from 'zod';
import type { Prisma } from '../generated/sqlite/client';
import { countSchema, idSchema, parseInput, toPage, type PageOptions } from '../input-validation';
import { hasPrismaCode, PrismaErrorCode } from '../prisma-errors';
import type { DbClient } from '../prisma-client.factory';
import { requireRun } from '../references';
import type { Evaluation, EvaluationListOptions, EvaluationStatus, NewEvaluation, NewEvaluationResult } from './evaluation.types';

export interface EvaluationRepository {
  /** A new evaluation of a checkpoint, in status 'running'. */
  create(input: NewEvaluation): Promise<Evaluation>;
  /** Stores the results and marks it completed; FAILED_PRECONDITION unless running. */
  complete(id: string, results: readonly NewEvaluationResult[]): Promise<Evaluation>;
  /** Marks it failed with `message`; FAILED_PRECONDITION unless running. */
  fail(id: string, message: string): Promise<Evaluation>;
  /** With its results. */
  get(id: string): Promise<Evaluation>;
  /** A run's evaluations, newest first. */
  listByRun(runId: string, options?: PageOptions): Promise<Evaluation[]>;
  /** Newest first. */
  list(options?: EvaluationListOptions): Promise<Evaluation[]>;
  count(options?: Omit<EvaluationListOptions, 'limit' | 'offset'>): Promise<number>;
}

const metricName = z.string().min(1).max(100);
const newEvaluationSchema = z.object({ checkpointId: idSchema, metrics: z.array(metricName).min(1).max(50) });
const resultsSchema = z
  .array(
    z.object({
      metric: metricName,
      value: z.number(),
      unit: z.string().min(1).max(50),
      estimator: z.string().min(1).max(50),
      stdError: z.number().nonnegative().nullable().default(null),
      sampleCount: countSchema,
    }),
  )
  .refine(
    (results) => new Set(results.map((r) => `${r.metric}\u0000${r.estimator}\u0000${r.unit}`)).size === results.length,
    'each (metric, estimator, unit) may appear once',
  );

const withResults = {
  include: { results: { orderBy: [{ metric: 'asc' }, { estimator: 'asc' }] } },
} satisfies Prisma.EvaluationDefaultArgs;
type EvaluationRow = Prisma.EvaluationGetPayload<typeof withResults>;

export function createEvaluationRepository(db: DbClient): EvaluationRepository {
  const get = async (id: string): Promise<Evaluation> => {
    const row = await db.evaluation.findUnique({ where: { id }, ...withResults });
    if (!row) throw notFound('evaluation', id);
    return toEvaluation(row);
  };

  /** Moves a running evaluation to `status`, running `alsoDo` in the same transaction. */
  const finish = async (id: string, data: Prisma.EvaluationUpdateManyMutationInput, alsoDo?: (tx: Prisma.TransactionClient) => Promise<unknown>) => {
    await db.$transaction(async (tx) => {
      const { count } = await tx.evaluation.updateMany({ where: { id, status: 'running' }, data: { ...data, finishedAt: new Date() } });
      if (count === 0) {
        const current = await tx.evaluation.findUnique({ where: { id }, select: { status: true } });
        if (!current) throw notFound('evaluation', id);
        throw failedPrecondition(`evaluation '${id}' is already ${current.status}`, { id, status: current.status });
      }
      await alsoDo?.(tx);
    });
    return get(id);
  };

  return {
    async create(input) {
      const { checkpointId, metrics } = parseInput(newEvaluationSchema, input, 'evaluation');
      const checkpoint = await db.checkpoint.findUnique({ where: { id: checkpointId }, select: { runId: true } });
      if (!checkpoint) throw notFound('checkpoint', checkpointId);
      try {
        const row = await db.evaluation.create({ data: { runId: checkpoint.runId, checkpointId, metrics }, ...withResults });
        return toEvaluation(row);
      } catch (error) {
        // The checkpoint was deleted in between.
        if (hasPrismaCode(error, PrismaErrorCode.ForeignKeyViolation)) throw notFound('checkpoint', checkpointId);
        throw error;
      }
    },

    async complete(id, results) {
      const rows = parseInput(resultsSchema, results, 'evaluation results');
      if (rows.length === 0) throw invalidArgument('a completed evaluation needs at least one result');
      return finish(id, { status: 'completed' }, (tx) =>
        tx.evaluationResult.createMany({ data: rows.map((row) => ({ ...row, evaluationId: id })) }),
      );
    },

    async fail(id, message) {
      const error = parseInput(z.string().min(1).max(20_000), message, 'failure message');
      return finish(id, { status: 'failed', error });
    },

    get,

    async listByRun(runId, options) {
      const rows = await db.evaluation.findMany({
        where: { runId },
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        ...toPage(options),
        ...withResults,
      });
      if (rows.length === 0) await requireRun(db, runId);
      return rows.map(toEvaluation);
    },

    async list(options = {}) {
      const rows = await db.evaluation.findMany({
        where: { runId: options.runId, status: options.status },
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        ...toPage(options),
        ...withResults,
      });
      return rows.map(toEvaluation);
    },

    count(options = {}) {
      return db.evaluation.count({ where: { runId: options.runId, status: options.status } });
    },
  };
}

function toEvaluation(row: EvaluationRow): Evaluation {
  return {
    id: row.id,
    runId: row.runId,
    checkpointId: row.checkpointId,
    status: row.status as EvaluationStatus,
    error: row.error,
    metrics: row.metrics as string[],
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
    results: row.results.map((result) => ({
      metric: result.metric,
      value: result.value,
      unit: result.unit,
      estimator: result.estimator,
      stdError: result.stdError,
      sampleCount: result.sampleCount,
    })),
  };
}
