import { DomainError, ErrorCode, notFound } from '@genlab/errors';
import { z } from 'zod';
import type { Experiment as ExperimentRow } from '../generated/sqlite/client';
import { nameSchema, parseInput, toPage, type PageOptions } from '../input-validation';
import { hasPrismaCode, PrismaErrorCode } from '../prisma-errors';
import type { DbClient } from '../prisma-client.factory';
import type { Experiment, ExperimentSummary, NewExperiment } from './experiment.types';

export interface ExperimentRepository {
  /** Fails with ALREADY_EXISTS when the name is taken. */
  create(input: NewExperiment): Promise<Experiment>;
  get(id: string): Promise<Experiment>;
  getByName(name: string): Promise<Experiment>;
  /** Newest first, each with its number of runs. */
  list(options?: PageOptions): Promise<ExperimentSummary[]>;
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
      const rows = await db.experiment.findMany({
        include: { _count: { select: { runs: true } } },
        orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
        ...toPage(options),
      });
      return rows.map((row) => ({ ...toExperiment(row), runCount: row._count.runs }));
    },

    count() {
      return db.experiment.count();
    },
  };
}

function toExperiment(row: ExperimentRow): Experiment {
  return { id: row.id, name: row.name, description: row.description, createdAt: row.createdAt };
}
