import type { RunStatus } from './run.types';

/**
 * Allowed status changes: a queued run starts, or ends without starting; a running run
 * ends, or goes back to the queue (its worker was lost). Terminal states are final.
 */
const NEXT: Record<RunStatus, readonly RunStatus[]> = {
  queued: ['running', 'failed', 'cancelled'],
  running: ['completed', 'failed', 'cancelled', 'queued'],
  completed: [],
  failed: [],
  cancelled: [],
};

export const isTerminal = (status: RunStatus): boolean => NEXT[status].length === 0;

/** The statuses a run may be in to move to `to`. */
export const statusesBefore = (to: RunStatus): RunStatus[] =>
  (Object.keys(NEXT) as RunStatus[]).filter((from) => NEXT[from].includes(to));
