import { DomainError, ErrorCode, notFound } from '@genlab/errors';
import { Prisma } from '../generated/sqlite/client';
import { requireRun } from '../references';

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
 * The fence every write of a claimed run passes first, inside the write's transaction: the
 * run must still be running under `claimToken`. It also renews the heartbeat. On
 * PostgreSQL the update locks the run's row until the transaction ends, so a competing
 * claim waits and then sees the fresh heartbeat; on SQLite the write lock does the same.
 */
export async function assertClaim(tx: Prisma.TransactionClient, runId: string, claimToken: string): Promise<void> {
  const { count } = await tx.run.updateMany({ where: { id: runId, claimToken, status: 'running' }, data: { heartbeatAt: new Date() } });
  if (count === 1) return;
  await requireRun(tx, runId);
  throw new ClaimLostError(runId);
}

/**
 * The fence inside a single statement, where a transaction around a check and the write
 * would cost several times as much: SQL for the run's id while it is running under
 * `claimToken`, else NULL. Written into a NOT NULL column, a lost claim makes the statement
 * fail and write nothing (`claimRefusal` then tells why).
 */
export const claimedRunId = (runId: string, claimToken: string): Prisma.Sql =>
  Prisma.sql`(SELECT "id" FROM "Run" WHERE "id" = ${runId} AND "claimToken" = ${claimToken} AND "status" = 'running')`;

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
