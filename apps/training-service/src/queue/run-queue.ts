import type { Run } from '@genlab/db';

/** Injection token of the queue that runs go through. */
export const RUN_QUEUE = Symbol('RUN_QUEUE');

/**
 * Where StartRun puts runs and training workers take them from: the embedded in-process
 * queue by default, BullMQ on Redis with REDIS_URL (then any number of worker processes).
 * The database stays the record of each run; a queue only carries run ids.
 */
export interface RunQueue {
  /** Which queue this is, for logs. */
  readonly kind: 'embedded' | 'bullmq';
  /** Starts taking runs (if this process trains), after picking up what a previous process left. */
  start(): Promise<void>;
  /** Queues runs already stored as 'queued', in order. */
  enqueue(runIds: readonly string[]): Promise<void>;
  /**
   * StopRun, after the database recorded it (a queued run is already cancelled; a running
   * one is flagged for its worker): drop a queued run's entry, and stop a run trained here
   * at once rather than at its worker's next heartbeat.
   */
  stopped(run: Run): Promise<void>;
  /** The service is stopping: stop taking runs, stop running ones at a step boundary. */
  drain(): Promise<void>;
}
