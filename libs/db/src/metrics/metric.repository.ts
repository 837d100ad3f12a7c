import { z } from 'zod';
import { Prisma, type MetricPoint as MetricPointRow } from '../generated/sqlite/client';
import { countSchema, parseInput } from '../input-validation';
import type { DatabaseProvider } from '../migrations/database-target';
import type { DbClient } from '../prisma-client.factory';
import { requireRun } from '../references';
import { assertClaim, claimedRun, fencedWriteError } from '../runs/run-claim';
import type { MetricPoint, MetricPointQuery, NewMetricPoint } from './metric.types';

export interface MetricRepository {
  /**
   * Appends points to a run's curves. Idempotent on (runId, key, step): a point that is
   * already stored is left as it is, so retried writes neither duplicate nor fail.
   * Returns how many points were new. All-or-nothing. With `claimToken`, the write is
   * fenced: it is refused with ClaimLostError unless the run is still running under that
   * claim (keeping the claim's heartbeat fresh is the run's lease's work, not the writes').
   */
  appendPoints(runId: string, points: readonly NewMetricPoint[], options?: { claimToken?: string }): Promise<number>;
  /** Points in step order (then key). */
  listPoints(runId: string, query?: MetricPointQuery): Promise<MetricPoint[]>;
  /** The point with the highest step of each key, ordered by key. */
  latest(runId: string): Promise<MetricPoint[]>;
}

const pointsSchema = z.array(
  z.object({
    key: z.string().min(1).max(200),
    step: countSchema.max(2 ** 31 - 1),
    // Any double, NaN and ±Infinity included (a diverging loss is worth recording).
    value: z.custom<number>((v) => typeof v === 'number', { message: 'must be a number' }),
    time: z.date().optional(),
  }),
);

const querySchema = z.object({
  key: z.string().min(1).optional(),
  afterStep: z.int().optional(),
  limit: z.int().min(1).max(100_000).default(10_000),
});

/** 6 bound parameters per row; stays far below SQLite's and PostgreSQL's limits. */
const ROWS_PER_INSERT = 500;

export function createMetricRepository(db: DbClient, provider: DatabaseProvider): MetricRepository {
  return {
    async appendPoints(runId, points, options = {}) {
      const rows = parseInput(pointsSchema, points, 'metric points');
      const { claimToken } = options;
      if (claimToken === undefined) await requireRun(db, runId);
      if (rows.length === 0 && claimToken === undefined) return 0;
      const now = new Date();
      // Prisma's createMany has no skipDuplicates on SQLite; ON CONFLICT DO NOTHING is the
      // same statement on both databases (and also absorbs duplicates within one batch).
      const inserts = (client: Pick<DbClient, '$executeRaw'>, fence?: Prisma.Sql) =>
        chunk(rows, ROWS_PER_INSERT).map((batch) => {
          const runIdSql = fence ? Prisma.sql`(SELECT "id" FROM "claimed")` : runId;
          const values = batch.map((p) => {
            const special = specialOf(p.value);
            return Prisma.sql`(${runIdSql}, ${p.key}, ${p.step}, ${special ? 0 : p.value}, ${special ?? null}, ${p.time ?? now})`;
          });
          return client.$executeRaw`
            ${fence ? Prisma.sql`WITH ${fence}` : Prisma.empty}
            INSERT INTO "MetricPoint" ("runId", "key", "step", "value", "special", "time")
            VALUES ${Prisma.join(values)}
            ON CONFLICT ("runId", "key", "step") DO NOTHING`;
        });
      if (claimToken === undefined) {
        if (rows.length <= ROWS_PER_INSERT) return (inserts(db) as [Promise<number>])[0];
        const counts = await db.$transaction(inserts(db));
        return counts.reduce((sum, count) => sum + count, 0);
      }
      if (rows.length > 0 && rows.length <= ROWS_PER_INSERT) {
        // One statement, fenced within itself (a transaction around a claim check and the
        // insert cost twice as much, on the training process's event loop): the rows' run id
        // is read from the run only while it is running under this claim, so with the claim
        // lost it is NULL, the NOT NULL column refuses the statement and nothing is written.
        // A failure is then told apart by looking at the run.
        const [insert] = inserts(db, claimedRun(runId, claimToken, provider)) as [Promise<number>];
        return insert.catch(async (error: unknown) => {
          throw await fencedWriteError(db, runId, claimToken, error);
        });
      }
      return db.$transaction(async (tx) => {
        await assertClaim(tx, runId, claimToken);
        let written = 0;
        for (const insert of inserts(tx)) written += await insert;
        return written;
      });
    },

    async listPoints(runId, query = {}) {
      const { key, afterStep, limit } = parseInput(querySchema, query, 'metric query');
      const rows = await db.metricPoint.findMany({
        where: { runId, key, step: afterStep === undefined ? undefined : { gt: afterStep } },
        orderBy: [{ step: 'asc' }, { key: 'asc' }],
        take: limit,
      });
      if (rows.length === 0) await requireRun(db, runId);
      return rows.map(toMetricPoint);
    },

    async latest(runId) {
      const maxima = await db.metricPoint.groupBy({ by: ['key'], where: { runId }, _max: { step: true } });
      if (maxima.length === 0) {
        await requireRun(db, runId);
        return [];
      }
      const rows = await db.metricPoint.findMany({
        where: { runId, OR: maxima.map((m) => ({ key: m.key, step: m._max.step ?? 0 })) },
        orderBy: { key: 'asc' },
      });
      return rows.map(toMetricPoint);
    },
  };
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Values a REAL column cannot give back as they were (SQLite stores NaN as NULL and −0 as the
 * integer 0), kept by name instead, the same way on both databases.
 */
export const SPECIAL_VALUES: Readonly<Record<string, number>> = { nan: Number.NaN, inf: Number.POSITIVE_INFINITY, '-inf': Number.NEGATIVE_INFINITY, '-0': -0 };

function specialOf(value: number): string | undefined {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  if (Object.is(value, -0)) return '-0';
  return undefined;
}

function toMetricPoint(row: MetricPointRow): MetricPoint {
  const value = row.special ? (SPECIAL_VALUES[row.special] ?? Number.NaN) : row.value;
  return { runId: row.runId, key: row.key, step: row.step, value, time: row.time };
}
