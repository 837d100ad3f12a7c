import { Prisma } from '../generated/sqlite/client';
import type { DatabaseProvider } from '../migrations/database-target';
import type { DbClient } from '../prisma-client.factory';
import { SPECIAL_VALUES } from '../metrics/metric.repository';
import { toRun } from './run.repository';
import type { Run } from './run.types';

/** One result of a run's newest completed evaluation that reports it. */
export interface LatestEvaluationResult {
  readonly metric: string;
  readonly unit: string;
  readonly estimator: string;
  readonly value: number;
}

/**
 * What the runs table reads in bulk: candidate runs, and their final values aggregated in
 * the database (a few queries for thousands of runs, never one per run).
 */
export interface RunSearchRepository {
  /** The newest `max` runs (of one experiment, or all), newest first. */
  candidates(options: { experimentId?: string; max: number }): Promise<Run[]>;
  /**
   * The value at the highest step of each metric key, by run id (runs without points are
   * absent); `keys` limits the keys read.
   */
  finalMetrics(runIds: readonly string[], keys?: readonly string[]): Promise<Map<string, Record<string, number>>>;
  /**
   * By run id: for each (metric, unit), the result of the newest completed evaluation that
   * reports it.
   */
  latestEvaluationResults(runIds: readonly string[]): Promise<Map<string, LatestEvaluationResult[]>>;
  /** Names by id (ids that do not exist are left out). */
  experimentNames(ids: readonly string[]): Promise<Map<string, string>>;
  datasetNames(ids: readonly string[]): Promise<Map<string, string>>;
}

/**
 * Run ids per statement (each bound twice by finalMetrics): SQLite here binds at most 999
 * parameters; PostgreSQL takes 65,535, and one statement over all candidates beats several.
 */
const IDS_PER_QUERY: Record<DatabaseProvider, number> = { sqlite: 400, postgresql: 20_000 };

export function createRunSearchRepository(db: DbClient, provider: DatabaseProvider): RunSearchRepository {
  const idsPerQuery = IDS_PER_QUERY[provider];
  return {
    async candidates({ experimentId, max }) {
      const rows = await db.run.findMany({ where: { experimentId }, orderBy: [{ createdAt: 'desc' }, { id: 'asc' }], take: max });
      return rows.map(toRun);
    },

    async finalMetrics(runIds, keys) {
      const byRun = new Map<string, Record<string, number>>();
      if (keys?.length === 0) return byRun;
      for (const ids of chunk([...new Set(runIds)], idsPerQuery)) {
        const keyFilter = keys ? Prisma.sql`AND "key" IN (${Prisma.join([...new Set(keys)])})` : Prisma.empty;
        const outerKeyFilter = keys ? Prisma.sql`AND m."key" IN (${Prisma.join([...new Set(keys)])})` : Prisma.empty;
        // The GROUP BY walks the primary key (runId, key, step) on SQLite; PostgreSQL hashes
        // one scan. The join reads one row back per group; repeating the run filter outside
        // lets PostgreSQL read those rows by index instead of scanning the table (277 ms → 19 ms
        // for a page of 50 runs among 1,000,000 points). A ROW_NUMBER() window was no faster
        // on PostgreSQL and 4x slower on SQLite for 5,000 runs.
        const rows = await db.$queryRaw<{ runId: string; key: string; value: number | bigint | null; special: string | null }[]>`
          SELECT m."runId", m."key", m."value", m."special"
          FROM "MetricPoint" m
          JOIN (
            SELECT "runId", "key", MAX("step") AS "lastStep"
            FROM "MetricPoint"
            WHERE "runId" IN (${Prisma.join(ids)}) ${keyFilter}
            GROUP BY "runId", "key"
          ) last ON m."runId" = last."runId" AND m."key" = last."key" AND m."step" = last."lastStep"
          WHERE m."runId" IN (${Prisma.join(ids)}) ${outerKeyFilter}`;
        for (const row of rows) {
          const values = byRun.get(row.runId) ?? {};
          values[row.key] = row.special ? (SPECIAL_VALUES[row.special] ?? Number.NaN) : row.value === null ? Number.NaN : Number(row.value);
          byRun.set(row.runId, values);
        }
      }
      return byRun;
    },

    async latestEvaluationResults(runIds) {
      const byRun = new Map<string, LatestEvaluationResult[]>();
      for (const ids of chunk([...new Set(runIds)], idsPerQuery)) {
        const evaluations = await db.evaluation.findMany({
          where: { runId: { in: ids }, status: 'completed' },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          select: { runId: true, results: { select: { metric: true, unit: true, estimator: true, value: true } } },
        });
        const seen = new Set<string>();
        for (const evaluation of evaluations) {
          for (const result of evaluation.results) {
            const key = `${evaluation.runId}\u0000${result.metric}\u0000${result.unit}`;
            if (seen.has(key)) continue;
            seen.add(key);
            const list = byRun.get(evaluation.runId) ?? [];
            list.push({ metric: result.metric, unit: result.unit, estimator: result.estimator, value: result.value });
            byRun.set(evaluation.runId, list);
          }
        }
      }
      return byRun;
    },

    async experimentNames(ids) {
      const rows = await db.experiment.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, name: true } });
      return new Map(rows.map((row) => [row.id, row.name]));
    },

    async datasetNames(ids) {
      const rows = await db.dataset.findMany({ where: { id: { in: [...new Set(ids)] } }, select: { id: true, name: true } });
      return new Map(rows.map((row) => [row.id, row.name]));
    },
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
