import { Logger } from '@nestjs/common';
import { Queue, WaitingError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Database, Run } from '@genlab/db';
import type { RunExecutor } from '../execution/run-executor';
import type { RunQueue } from './run-queue';

const QUEUE_NAME = 'training-runs';
const PAGE = 1000;

interface RunJob {
  runId: string;
}

export interface BullmqRunQueueOptions {
  /** Shared by the queue and the worker (BullMQ duplicates it for its blocking reads). */
  readonly connection: Redis;
  /** Prefix of the queue's Redis keys. */
  readonly prefix: string;
  /** Runs trained at once by this process. */
  readonly concurrency: number;
  /** Job lock: a worker that has not renewed it for this long is stalled; its job goes back to the queue. */
  readonly lockMs: number;
  /** The run lease (GENLAB_RUN_LEASE_MS): how often the database is swept for runs whose job was lost. */
  readonly leaseMs: number;
}

/**
 * The distributed queue: runs are BullMQ jobs (job id = run id, so adding a run twice is a
 * no-op) in Redis, and every training worker process, on any machine sharing the database
 * and the artifact store, takes them `concurrency` at a time. A worker that dies stops
 * renewing its job lock; BullMQ's stalled check hands the job to another worker, whose
 * executor waits for the run's database lease to expire, claims it and resumes it from its
 * latest checkpoint. The claim, not the job lock, is what guarantees that no two workers
 * train a run at once (a worker that merely stalled finds its writes refused).
 *
 * Without `executor` (role 'api') the process only adds jobs. Every process also sweeps the
 * database once per lease for queued runs and expired running runs whose job is gone (Redis
 * was flushed or down when they were queued) and adds their jobs again.
 */
export class BullmqRunQueue implements RunQueue {
  readonly kind = 'bullmq';
  private readonly logger = new Logger(BullmqRunQueue.name);
  private readonly queue: Queue<RunJob>;
  private worker: Worker<RunJob> | undefined;
  private sweeper: NodeJS.Timeout | undefined;
  private draining = false;

  constructor(
    private readonly db: Database,
    private readonly executor: RunExecutor | undefined,
    private readonly options: BullmqRunQueueOptions,
  ) {
    this.queue = new Queue<RunJob>(QUEUE_NAME, {
      connection: options.connection,
      prefix: options.prefix,
      defaultJobOptions: { removeOnComplete: true, removeOnFail: true },
    });
  }

  async start(): Promise<void> {
    await this.sweep();
    this.sweeper = setInterval(() => void this.sweep().catch((error: unknown) => this.logger.warn(`sweep failed: ${String(error)}`)), this.options.leaseMs);
    this.sweeper.unref();
    if (!this.executor) return;
    const executor = this.executor;
    this.worker = new Worker<RunJob>(QUEUE_NAME, (job, token) => this.process(executor, job, token), {
      connection: this.options.connection,
      prefix: this.options.prefix,
      concurrency: this.options.concurrency,
      lockDuration: this.options.lockMs,
      stalledInterval: this.options.lockMs,
      // A run may be interrupted many times (machines die); it resumes from its checkpoint each time.
      maxStalledCount: 1_000_000,
    });
    this.worker.on('error', (error) => this.logger.warn(`worker: ${error.message}`));
  }

  async enqueue(runIds: readonly string[]): Promise<void> {
    if (runIds.length === 0) return;
    await this.queue.addBulk(runIds.map((runId) => ({ name: 'train', data: { runId }, opts: { jobId: runId } })));
  }

  async stopped(run: Run): Promise<void> {
    this.executor?.requestStop(run.id);
    // A cancelled queued run's job would only be skipped by the worker that takes it; drop it now.
    if (run.status === 'cancelled') await this.queue.remove(run.id).catch(() => 0);
  }

  /** Stop taking jobs; runs training here stop at a step boundary, checkpointed, and go back to the queue for another worker. */
  async drain(): Promise<void> {
    this.draining = true;
    clearInterval(this.sweeper);
    await this.worker?.close();
    await this.executor?.close();
    await this.queue.close();
    await this.options.connection.quit().catch(() => undefined);
  }

  private async process(executor: RunExecutor, job: Job<RunJob>, token: string | undefined): Promise<void> {
    const outcome = await executor.execute(job.data.runId, { waitForLease: true, onDrain: 'requeue', isDraining: () => this.draining });
    if (outcome === 'requeued' || outcome === 'busy') {
      // Back to the queue for a worker that is not stopping.
      await job.moveToWait(token);
      throw new WaitingError();
    }
  }

  private async sweep(): Promise<void> {
    const staleBefore = Date.now() - this.options.leaseMs;
    const orphans: string[] = [];
    for (const status of ['queued', 'running'] as const) {
      for (let offset = 0; ; offset += PAGE) {
        const page = await this.db.runs.list({ status, limit: PAGE, offset });
        for (const run of page) if (status === 'queued' || (run.heartbeatAt?.getTime() ?? 0) < staleBefore) orphans.push(run.id);
        if (page.length < PAGE) break;
      }
    }
    await this.enqueue(orphans);
  }
}
