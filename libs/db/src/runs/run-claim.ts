import { DomainError, ErrorCode, notFound } from '@genlab/errors';
import { Prisma } from '../generated/sqlite/client';
import type { DatabaseProvider } from '../migrations/database-target';
import { requireRun } from '../references';
import { isTransientDatabaseError } from '../resilience/transient-errors';

/**
 * A worker's write for a run it no longer holds: its lease expired and another worker
 * claimed the run (or the run ended). The write was not made; the worker must drop the run
 * without touching it further.
 */
export class ClaimLostError extends DomainError {
  constructor(readonly runId: string) {
    super(ErrorCode.FailedPrecondition, `run '${runId}' is no longer held by this worker (its claim expired or the run ended)`, {
      runId,
      reason: 'CLAIM_LOST',
    });
    this.name = 'ClaimLostError';
  }
}

export const isClaimLost = (error: unknown): error is ClaimLostError => error instanceof ClaimLostError;

/**
 * The fence of a claimed run's write made in a transaction, passed first inside it: the run
 * must still be running under `claimToken`. It also renews the heartbeat (which the run's
 * lease keeps fresh anyway). On PostgreSQL the update locks the run's row until the
 * transaction ends, so a competing claim waits and then sees the fresh heartbeat; on SQLite
 * the write lock does the same.
 */
export async function assertClaim(tx: Prisma.TransactionClient, runId: string, claimToken: string): Promise<void> {
  const { count } = await tx.run.updateMany({ where: { id: runId, claimToken, status: 'running' }, data: { heartbeatAt: new Date() } });
  if (count === 1) return;
  await requireRun(tx, runId);
  throw new ClaimLostError(runId);
}

/**
 * The fence inside a single statement, where a transaction around a check and the write
 * would cost several times as much: a common table expression, `WITH ${claimedRun(…)} …`,
 * named "claimed", holding the run's id while it is running under `claimToken` and no row
 * otherwise. A statement writes `(SELECT "id" FROM "claimed")` into a NOT NULL column (a
 * lost claim makes it fail and write nothing; `fencedWriteError` then tells why) or requires
 * `EXISTS (SELECT 1 FROM "claimed")`. On PostgreSQL the row is locked FOR SHARE until the
 * statement's transaction ends, as `assertClaim`'s update locks it: a takeover (an update of
 * the row) waits for the write, and a write behind a takeover that committed first reads the
 * row again and finds no claim. On SQLite a writing statement holds the database's write lock
 * from its start, which orders the two already.
 */
export const claimedRun = (runId: string, claimToken: string, provider: DatabaseProvider): Prisma.Sql =>
  Prisma.sql`"claimed" AS (SELECT "id" FROM "Run" WHERE "id" = ${runId} AND "claimToken" = ${claimToken} AND "status" = 'running'${
    provider === 'postgresql' ? Prisma.sql` FOR SHARE` : Prisma.empty
  })`;

/**
 * Why a fenced write would be refused: NOT_FOUND if the run is gone, ClaimLostError if it is
 * no longer running under `claimToken`; undefined while the claim holds.
 */
export async function claimRefusal(client: Prisma.TransactionClient, runId: string, claimToken: string): Promise<DomainError | undefined> {
  const run = await client.run.findUnique({ where: { id: runId }, select: { claimToken: true, status: true } });
  if (!run) return notFound('run', runId);
  if (run.claimToken !== claimToken || run.status !== 'running') return new ClaimLostError(runId);
  return undefined;
}

/**
 * What a failed single-statement fenced write reports: the claim's refusal if the run says
 * so, else the write's own error (or, if the run cannot be read either, `explainingFailure`'s
 * choice).
 */
export async function fencedWriteError(client: Prisma.TransactionClient, runId: string, claimToken: string, error: unknown): Promise<unknown> {
  return (await explainingFailure(error, () => claimRefusal(client, runId, claimToken))) ?? error;
}

/**
 * Runs `lookup`, which reads what explains the failed write's `error`. If it fails too, it
 * throws the error a retry goes on with: the write's if it is transient, else the lookup's
 * (most likely the same outage), so that the next attempt tells the failure apart.
 */
export async function explainingFailure<T>(error: unknown, lookup: () => Promise<T>): Promise<T> {
  try {
    return await lookup();
  } catch (lookupError) {
    throw isTransientDatabaseError(error) ? error : lookupError;
  }
}
