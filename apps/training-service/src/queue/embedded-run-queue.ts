import { Logger } from '@nestjs/common';
import type { Database, Run } from '@genlab/db';
import type { RunExecutor } from '../execution/run-executor';
import type { RunQueue } from './run-queue';

const PAGE = 1000;

/**
 * The default queue: runs train inside the training service's own process, at most
 * `concurrency` at a time, in the order they were queued. It assumes it is the only
 * executor on its database (without Redis, run one training service per database), so on
 * start it resumes the runs it finds running (left by a crash of this service) from their
 * latest checkpoints without waiting for their leases, then takes the queued ones.
 */
export class EmbeddedRunQueue implements RunQueue {
  readonly kind = 'embedded';
  private readonly logger = new Logger(EmbeddedRunQueue.name);
  private readonly waiting: { runId: string; takeover: boolean }[] = [];
  private readonly active = new Map<string, Promise<void>>();
  private draining = false;

  constructor(
    private readonly db: Database,
    private readonly executor: RunExecutor,
    private readonly concurrency: number,
  ) {}

  async start(): Promise<void> {
    const running = await this.allRuns('running');
    for (const run of running) this.waiting.push({ runId: run.id, takeover: true });
    if (running.length > 0) this.logger.log(`resuming ${running.length} run(s) left running by a previous process`);
    for (const run of (await this.allRuns('queued')).reverse()) this.waiting.push({ runId: run.id, takeover: false });
    this.pump();
  }

  async enqueue(runIds: readonly string[]): Promise<void> {
    for (const runId of runIds) this.waiting.push({ runId, takeover: false });
    this.pump();
  }

  async stopped(run: Run): Promise<void> {
    const index = this.waiting.findIndex((entry) => entry.runId === run.id);
    if (index >= 0) this.waiting.splice(index, 1);
    this.executor.requestStop(run.id);
  }

  /** Queued runs stay queued (the next start takes them); running ones stop at a step boundary with a checkpoint. */
  async drain(): Promise<void> {
    this.draining = true;
    this.waiting.length = 0;
    await Promise.all(this.active.values());
    await this.executor.close();
  }

  private pump(): void {
    while (!this.draining && this.active.size < this.concurrency && this.waiting.length > 0) {
      const { runId, takeover } = this.waiting.shift() as { runId: string; takeover: boolean };
      if (this.active.has(runId)) continue;
      const done = this.executor
        .execute(runId, { takeover, isDraining: () => this.draining })
        .then(
          (outcome) => void (outcome === 'busy' && this.logger.warn(`run ${runId} is held by another live worker: leaving it to that worker`)),
          (error: unknown) => this.logger.error(`run ${runId}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
        )
        .finally(() => {
          this.active.delete(runId);
          this.pump();
        });
      this.active.set(runId, done);
    }
  }

  private async allRuns(status: 'queued' | 'running'): Promise<Run[]> {
    const runs: Run[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.db.runs.list({ status, limit: PAGE, offset });
      runs.push(...page);
      if (page.length < PAGE) return runs;
    }
  }
}
