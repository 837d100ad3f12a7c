import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { GenlabConfig } from '@genlab/config';
import type { Database, Run, Sweep } from '@genlab/db';
import { isDomainError } from '@genlab/errors';
import { DATABASE, GENLAB_CONFIG, resolveCheckpoint } from '@genlab/service-core';
import { toEvaluationOptions } from './evaluation-options';
import { EvaluationsService } from './evaluations.service';

/** The evaluation metrics a sweep asks for on each completed run (its spec's `evaluateMetrics`). */
export function evaluateMetricsOf(sweep: Sweep): string[] {
  const metrics = sweep.spec['evaluateMetrics'];
  return Array.isArray(metrics) ? metrics.filter((m): m is string => typeof m === 'string') : [];
}

/**
 * Sweeps can ask for every run to be evaluated once it completes (the data-efficiency
 * template asks for generative_classifier). The training service only records that in the
 * sweep; this service looks every GENLAB_SWEEP_EVALUATION_POLL_MS for completed runs of such
 * sweeps without an evaluation and queues one on the run's latest checkpoint, validated as
 * StartEvaluation validates. A refusal (say, a checkpoint whose model cannot do the metric)
 * is stored as a failed evaluation of the run, so it is visible and not retried.
 */
@Injectable()
export class SweepEvaluations implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SweepEvaluations.name);
  /** Sweeps that ask for evaluations, and their metrics. */
  private readonly watched = new Map<string, string[]>();
  private readonly seen = new Set<string>();
  private newestSeen?: Date;
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;
  private stopped = false;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(GENLAB_CONFIG) private readonly config: GenlabConfig,
    private readonly evaluations: EvaluationsService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
  }

  /** One pass: new sweeps, then the completed runs still to evaluate. Exposed for tests. */
  async poll(): Promise<number> {
    for (const sweep of await this.db.sweeps.list({ createdFrom: this.newestSeen })) {
      this.newestSeen = sweep.createdAt;
      if (this.seen.has(sweep.id)) continue;
      this.seen.add(sweep.id);
      const metrics = evaluateMetricsOf(sweep);
      if (metrics.length > 0) this.watched.set(sweep.id, metrics);
    }
    let queued = 0;
    for (const run of await this.db.sweeps.completedRunsWithoutEvaluation([...this.watched.keys()])) {
      if (this.stopped) break;
      await this.evaluate(run, this.watched.get(run.sweepId as string) ?? []);
      queued += 1;
    }
    return queued;
  }

  private async evaluate(run: Run, metrics: string[]): Promise<void> {
    const defaults = toEvaluationOptions({});
    try {
      const evaluation = await this.evaluations.start({ runId: run.id, checkpointId: '', metrics, ...defaults });
      this.logger.log(`run ${run.id} of sweep ${run.sweepId} completed: evaluation ${evaluation.id} (${metrics.join(', ')}) queued`);
    } catch (error) {
      if (!isDomainError(error)) throw error;
      const checkpoint = await resolveCheckpoint(this.db, run, '');
      const failed = await this.db.evaluations.create({ checkpointId: checkpoint.id, metrics, options: { ...defaults }, status: 'queued' });
      await this.db.evaluations.fail(failed.id, `the sweep's evaluation could not start: ${error.message}`);
      this.logger.warn(`run ${run.id} of sweep ${run.sweepId}: its evaluation was refused: ${error.message}`);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll()
        .catch((error: unknown) => this.logger.warn(`looking for sweep runs to evaluate failed: ${error instanceof Error ? error.message : String(error)}`))
        .then(() => undefined)
        .finally(() => this.schedule(this.config.sweepEvaluationPollMs));
    }, delayMs);
    this.timer.unref();
  }
}
