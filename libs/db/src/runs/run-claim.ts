import { DomainError, ErrorCode } from '@genlab/errors';
import type { Prisma } from '../generated/sqlite/client';
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
