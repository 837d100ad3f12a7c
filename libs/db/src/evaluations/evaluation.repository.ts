import { failedPrecondition, invalidArgument, notFound } from '@genlab/errors';
import { z } from 'zod';
import type { Prisma } from '../generated/sqlite/client';
import { countSchema, idSchema, parseInput, toPage, type PageOptions } from '../input-validation';
import { hasPrismaCode, PrismaErrorCode } from '../prisma-errors';
import type { DbClient } from '../prisma-client.factory';
import { requireRun } from '../references';
import type { DatasetEvaluation, Evaluation, EvaluationListOptions, EvaluationStatus, NewEvaluation, NewEvaluationResult } from './evaluation.types';

export interface EvaluationRepository {
  /** A new evaluation of a checkpoint, in status 'running' (or 'queued' when asked). */
  create(input: NewEvaluation): Promise<Evaluation>;
  /** queued → running; FAILED_PRECONDITION from any other status. */
  start(id: string): Promise<Evaluation>;
  /** Stores the results and marks it completed; FAILED_PRECONDITION unless running. */
  complete(id: string, results: readonly NewEvaluationResult[]): Promise<Evaluation>;
  /** Marks it failed with `message`; FAILED_PRECONDITION unless queued or running. */
  fail(id: string, message: string): Promise<Evaluation>;
  /** Marks it cancelled with `message`; FAILED_PRECONDITION unless queued or running. */
  cancel(id: string, message: string): Promise<Evaluation>;
  /** Completed evaluations of every run on a dataset, with each run's family and experiment. */
  listCompletedForDataset(datasetId: string): Promise<DatasetEvaluation[]>;
  /** With its results. */
  get(id: string): Promise<Evaluation>;
  /** A run's evaluations, newest first. */
  listByRun(runId: string, options?: PageOptions): Promise<Evaluation[]>;
  /** Newest first. */
  list(options?: EvaluationListOptions): Promise<Evaluation[]>;
  count(options?: Omit<EvaluationListOptions, 'limit' | 'offset'>): Promise<number>;
}

const metricName = z.string().min(1).max(100);
const newEvaluationSchema = z.object({
  checkpointId: idSchema,
  metrics: z.array(metricName).min(1).max(50),
  options: z.record(z.string(), z.unknown()).default({}),
  status: z.enum(['queued', 'running']).default('running'),
});
const resultsSchema = z
  .array(
    z.object({
      metric: metricName,
      value: z.number(),
      unit: z.string().min(1).max(50),
      estimator: z.string().min(1).max(50),
      stdError: z.number().nonnegative().nullable().default(null),
      sampleCount: countSchema,
      realValue: z.number().nullable().default(null),
      realStdError: z.number().nonnegative().nullable().default(null),
      features: z.string().max(500).default(''),
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

  /** Moves an evaluation in one of `from` to a new status, running `alsoDo` in the same transaction. */
  const transition = async (
    id: string,
    from: readonly EvaluationStatus[],
    data: Prisma.EvaluationUpdateManyMutationInput,
    alsoDo?: (tx: Prisma.TransactionClient) => Promise<unknown>,
  ) => {
    await db.$transaction(async (tx) => {
      const { count } = await tx.evaluation.updateMany({ where: { id, status: { in: [...from] } }, data });
      if (count === 0) {
        const current = await tx.evaluation.findUnique({ where: { id }, select: { status: true } });
        if (!current) throw notFound('evaluation', id);
        throw failedPrecondition(`evaluation '${id}' is ${current.status}, not ${from.join(' or ')}`, { id, status: current.status });
      }
      await alsoDo?.(tx);
    });
    return get(id);
  };

  return {
    async create(input) {
      const { checkpointId, metrics, options, status } = parseInput(newEvaluationSchema, input, 'evaluation');
      const checkpoint = await db.checkpoint.findUnique({ where: { id: checkpointId }, select: { runId: true } });
      if (!checkpoint) throw notFound('checkpoint', checkpointId);
      try {
        const row = await db.evaluation.create({
          data: { runId: checkpoint.runId, checkpointId, metrics, options: options as Prisma.InputJsonObject, status },
          ...withResults,
        });
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
      return transition(id, ['running'], { status: 'completed', finishedAt: new Date() }, (tx) =>
        tx.evaluationResult.createMany({ data: rows.map((row) => ({ ...row, evaluationId: id })) }),
      );
    },

    start(id) {
      return transition(id, ['queued'], { status: 'running' });
    },

    async fail(id, message) {
      const error = parseInput(z.string().min(1).max(20_000), message, 'failure message');
      return transition(id, ['queued', 'running'], { status: 'failed', error, finishedAt: new Date() });
    },

    async cancel(id, message) {
      const error = parseInput(z.string().min(1).max(20_000), message, 'cancellation message');
      return transition(id, ['queued', 'running'], { status: 'cancelled', error, finishedAt: new Date() });
    },

    async listCompletedForDataset(datasetId) {
      const rows = await db.evaluation.findMany({
        where: { status: 'completed', run: { datasetId } },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        include: { ...withResults.include, run: { select: { family: true, experimentId: true } }, checkpoint: { select: { step: true } } },
      });
      return rows.map((row) => ({ ...toEvaluation(row), family: row.run.family, experimentId: row.run.experimentId, step: row.checkpoint.step }));
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
        orderBy: options.oldestFirst ? [{ createdAt: 'asc' }, { id: 'asc' }] : [{ createdAt: 'desc' }, { id: 'asc' }],
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
    options: (row.options ?? {}) as Record<string, unknown>,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
    results: row.results.map((result) => ({
      metric: result.metric,
      value: result.value,
      unit: result.unit,
      estimator: result.estimator,
      stdError: result.stdError,
      sampleCount: result.sampleCount,
      realValue: result.realValue,
      realStdError: result.realStdError,
      features: result.features,
    })),
  };
}
