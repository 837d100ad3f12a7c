import { DomainError, ErrorCode, notFound } from '@genlab/errors';
import { z } from 'zod';
import type { Experiment as ExperimentRow } from '../generated/sqlite/client';
import { nameSchema, parseInput, toPage, type PageOptions } from '../input-validation';
import { hasPrismaCode, PrismaErrorCode } from '../prisma-errors';
import type { DbClient } from '../prisma-client.factory';
import type { RunStatus } from '../runs/run.types';
import type { Experiment, ExperimentSummary, NewExperiment } from './experiment.types';

export interface ExperimentRepository {
  /** Fails with ALREADY_EXISTS when the name is taken. */
  create(input: NewExperiment): Promise<Experiment>;
  get(id: string): Promise<Experiment>;
  getByName(name: string): Promise<Experiment>;
  /** Newest first, each with its runs counted by status and its last activity. */
  list(options?: PageOptions): Promise<ExperimentSummary[]>;
  /** One experiment with its runs counted by status and its last activity. */
  summary(id: string): Promise<ExperimentSummary>;
  count(): Promise<number>;
}

const newExperimentSchema = z.object({
  name: nameSchema,
  description: z.string().max(10_000).default(''),
});

export function createExperimentRepository(db: DbClient): ExperimentRepository {
  return {
    async create(input) {
      const data = parseInput(newExperimentSchema, input, 'experiment');
      try {
        return toExperiment(await db.experiment.create({ data }));
      } catch (error) {
        if (!hasPrismaCode(error, PrismaErrorCode.UniqueViolation)) throw error;
        throw new DomainError(ErrorCode.AlreadyExists, `an experiment named '${data.name}' already exists`, { name: data.name });
      }
    },

    async get(id) {
      const row = await db.experiment.findUnique({ where: { id } });
      if (!row) throw notFound('experiment', id);
      return toExperiment(row);
    },

    async getByName(name) {
      const row = await db.experiment.findUnique({ where: { name } });
      if (!row) throw notFound('experiment', name);
      return toExperiment(row);
    },

    async list(options) {
      const rows = await db.experiment.findMany({ orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], ...toPage(options) });
      return summarize(db, rows.map(toExperiment));
    },

    async summary(id) {
      const [summary] = await summarize(db, [await this.get(id)]);
      return summary as ExperimentSummary;
    },

    count() {
      return db.experiment.count();
    },
  };
}

/** Runs per status and the latest run timestamp of each experiment, in one grouped query. */
async function summarize(db: DbClient, experiments: Experiment[]): Promise<ExperimentSummary[]> {
  if (experiments.length === 0) return [];
  const groups = await db.run.groupBy({
    by: ['experimentId', 'status'],
    where: { experimentId: { in: experiments.map((e) => e.id) } },
    _count: { _all: true },
    _max: { createdAt: true, startedAt: true, heartbeatAt: true, finishedAt: true },
  });
  return experiments.map((experiment) => {
    const statusCounts: Partial<Record<RunStatus, number>> = {};
    let runCount = 0;
    let last = experiment.createdAt.getTime();
    for (const group of groups.filter((g) => g.experimentId === experiment.id)) {
      statusCounts[group.status as RunStatus] = group._count._all;
      runCount += group._count._all;
      for (const time of Object.values(group._max)) if (time && time.getTime() > last) last = time.getTime();
    }
    return { ...experiment, runCount, statusCounts, lastActivityAt: new Date(last) };
  });
}

function toExperiment(row: ExperimentRow): Experiment {
  return { id: row.id, name: row.name, description: row.description, createdAt: row.createdAt };
}
