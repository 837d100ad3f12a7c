import { hostname } from 'node:os';
import { Logger, type LoggerService } from '@nestjs/common';
import { getComputeInfo } from '@genlab/compute';
import type { GenlabConfig } from '@genlab/config';
import { toTimestamp, type trainingV1 } from '@genlab/contracts';
import { splitDataset } from '@genlab/data';
import { isClaimLost, isTerminalRunStatus, retryTransient, type Database, type Run, type RunClaim, type RunStatus } from '@genlab/db';
import { toGrpcError } from '@genlab/grpc';
import { createModel, prepareDataset, trainingExamples, trainingPlan, type GenerativeModel } from '@genlab/models';
import { runTrainingLoop } from '../runs/training-loop';
import { toCheckpointMessage, toMetricPointMessage, toRunMessage } from '../runs/runs.mapper';
import { CheckpointKeeper } from './checkpoint-keeper';
import { lastLine, MetricWriter } from './metric-writer';
import { RunLease } from './run-lease';
import { CheckpointWorker } from './checkpoint-worker';
import { DatasetCache } from './dataset-cache';

/**
 * A run's progress goes out at most this often (and at its first logged step, its scheduled
 * checkpoints, a stop and its end): ten updates a second is all a watcher can see, and a
 * small model logs a loss every few milliseconds. Metric points are not thinned: every
 * logged one is stored and streamed.
 */
export const PROGRESS_EVERY_MS = 100;

/** Where a run's events go (the in-process bus, or Redis with several processes). */
export interface RunEventPublisher {
  publish(event: trainingV1.RunEvent): void;
}

export type ExecutionSettings = Pick<GenlabConfig, 'keepCheckpoints' | 'heartbeatMs' | 'runLeaseMs' | 'dbRetryMs' | 'sampleGridShare'> &
  Partial<Pick<GenlabConfig, 'checkpointThread' | 'datasetCacheBytes'>>;

export interface ExecuteOptions {
  /**
   * Take the run over even if it is running with a fresh heartbeat: only for an embedded
   * executor recovering its own runs after a crash (no other process trains on its database).
   */
  readonly takeover?: boolean;
  /** If another worker holds the run, wait for its lease to expire instead of giving up. */
  readonly waitForLease?: boolean;
  /** The worker is stopping: running runs stop at a step boundary, checkpointed. */
  readonly isDraining: () => boolean;
  /**
   * What a run stopped by draining becomes: 'cancel' (reason SERVICE_STOPPED; the embedded
   * queue, whose service is the only one training) or 'requeue' (back to queued, to resume on
   * another worker; the distributed queue). Default 'cancel'.
   */
  readonly onDrain?: 'cancel' | 'requeue';
}

/**
 * What became of an execution: the run ended here ('completed', 'failed', 'cancelled') or
 * went back to the queue as this worker drained ('requeued'); it was not claimable
 * ('skipped': it had ended or was taken first; 'busy': another live worker holds it); or this
 * worker lost it to another mid-way ('lost').
 */
export type ExecutionOutcome = Extract<RunStatus, 'completed' | 'failed' | 'cancelled'> | 'requeued' | 'skipped' | 'busy' | 'lost';

/**
 * Executes runs: claims a run for this worker, resumes it from its latest intact checkpoint
 * (or starts it), trains it with buffered metric writes, checkpoints and heartbeats, and
 * records how it ended. Every write is fenced by the claim, so if the run is taken over by
 * another worker (this one stalled past its lease) nothing more is written from here.
 * Plain class: the queues (embedded or BullMQ) call it, and so does the overhead benchmark.
 */
export class RunExecutor {
  /** How runs held here are labelled (Run.worker): host and process id unless given. */
  readonly worker: string;
  private readonly logger: LoggerService;
  private readonly leases = new Map<string, RunLease>();
  /** With `settings.checkpointThread` 'grids' or 'all': draws checkpoints' grids (and, with 'all', scores their losses) beside training. */
  private readonly thread: CheckpointWorker | undefined;
  /** Decoded datasets for the runs to come: `options.datasets`, else one of `settings.datasetCacheBytes` (none without). */
  private readonly datasets: DatasetCache;

  constructor(
    private readonly db: Database,
    private readonly settings: ExecutionSettings,
    private readonly events: RunEventPublisher,
    options: { worker?: string; logger?: LoggerService; datasets?: DatasetCache } = {},
  ) {
    this.worker = options.worker ?? `${hostname()}:${process.pid}`;
    this.logger = options.logger ?? new Logger(RunExecutor.name);
    this.datasets = options.datasets ?? new DatasetCache(settings.datasetCacheBytes ?? 0);
    if (settings.checkpointThread && settings.checkpointThread !== 'off') {
      this.thread = new CheckpointWorker(this.logger);
      // Started now if the backend is chosen already (else by the first run): it comes up in
      // the background, and checkpoints' work is done on the training thread until it is ready.
      this.thread.start(getComputeInfo()?.backend);
    }
  }

  /**
   * Resolves once the checkpoint thread is up (true) or will not be (false; at once without
   * one). Pending until a compute backend is chosen, if none was when the executor was made.
   */
  checkpointThreadSettled(): Promise<boolean> {
    return this.thread?.settled ?? Promise.resolve(false);
  }

  /** Ends the checkpoint thread (runs still training do their checkpoints' work themselves) and lets go of the datasets held. */
  async close(): Promise<void> {
    this.datasets.clear();
    await this.thread?.close();
  }

  /** Runs this process is training right now. */
  get activeRunIds(): string[] {
    return [...this.leases.keys()];
  }

  /** StopRun reached this process: the run stops at its next step if it trains here (the database flag reaches any worker). */
  requestStop(runId: string): void {
    this.leases.get(runId)?.requestStop();
  }

  async execute(runId: string, options: ExecuteOptions): Promise<ExecutionOutcome> {
    this.thread?.start(getComputeInfo()?.backend);
    const claim = await this.claim(runId, options);
    if (typeof claim === 'string') return claim;
    const lease = new RunLease(this.db, runId, claim.token, this.settings.heartbeatMs, this.logger, claim.run.stepsDone);
    this.leases.set(runId, lease);
    lease.start();
    try {
      return await this.train(claim.run, lease, options);
    } finally {
      this.leases.delete(runId);
      await lease.stop();
    }
  }

  private async claim(runId: string, options: ExecuteOptions): Promise<RunClaim | 'skipped' | 'busy'> {
    const backend = getComputeInfo()?.backend ?? 'unknown';
    for (;;) {
      const claim = await this.retry(runId, 'claim the run', () =>
        this.db.runs.claim(runId, { worker: this.worker, backend, leaseMs: this.settings.runLeaseMs, takeover: options.takeover }),
      );
      if (claim) return claim;
      const run = await this.db.runs.get(runId);
      if (run.status !== 'running') return 'skipped';
      if (!options.waitForLease || options.isDraining()) return 'busy';
      await new Promise((resolve) => setTimeout(resolve, this.settings.heartbeatMs));
    }
  }

  private async train(run: Run, lease: RunLease, options: ExecuteOptions): Promise<ExecutionOutcome> {
    let model: GenerativeModel | undefined;
    let checkpoints: CheckpointKeeper | undefined;
    const metrics = new MetricWriter({
      db: this.db,
      runId: run.id,
      claimToken: lease.token,
      retryMs: this.settings.dbRetryMs,
      logger: this.logger,
      onStored: (points) => this.publish(run.id, { metrics: { points: points.map(toMetricPointMessage) } }),
    });
    try {
      this.publish(run.id, { status: toRunMessage(run) });
      if (run.stopRequested) return await this.finish(run, lease, 'cancelled', { reason: 'STOPPED_BY_USER' });
      const record = await this.db.datasets.get(run.datasetId);
      const { train, test } = splitDataset(await this.datasets.load(this.db, record), record.trainCount);
      const data = prepareDataset(run.family, run.config, trainingExamples(run.family, run.config, train, run.seed));
      const heldOut = test.count > 0 ? prepareDataset(run.family, run.config, test) : test;
      const plan = trainingPlan(run.family, run.config, data.count);
      checkpoints = new CheckpointKeeper({
        db: this.db,
        run,
        claimToken: lease.token,
        keep: this.settings.keepCheckpoints,
        retryMs: this.settings.dbRetryMs,
        heldOut,
        metrics,
        logger: this.logger,
        onSaved: (checkpoint) => this.publish(run.id, { checkpoint: { checkpoint: toCheckpointMessage(checkpoint) } }),
        totalSteps: plan.totalSteps,
        gridShare: this.settings.sampleGridShare,
        thread: this.thread,
        scoreOnThread: this.settings.checkpointThread === 'all',
      });

      const keeper = checkpoints;
      const resumed = await keeper.resume();
      model = resumed?.model ?? createModel(run.family, run.config, { dataShape: data.shape, seed: run.seed, numClasses: record.numClasses ?? undefined });
      lease.stepsDone = model.stepCount;
      this.logger.log(
        `run ${run.id}: ${run.family} on '${record.name}', ${resumed ? `resuming at step ${model.stepCount} of` : 'starting,'} ${plan.totalSteps} steps (attempt ${run.attempts})`,
      );

      const trained = model;
      const outcome = await runTrainingLoop({
        model: trained,
        data,
        batchSize: plan.batchSize,
        totalSteps: plan.totalSteps,
        seed: run.seed,
        logEvery: plan.logEvery,
        checkpointEvery: plan.checkpointEvery,
        progressEveryMs: PROGRESS_EVERY_MS,
        onMetrics: (points) => metrics.add(points),
        onProgress: async ({ stepsDone, epoch, stepsPerSecond }) => {
          lease.stepsDone = stepsDone;
          this.publish(run.id, { progress: { stepsDone, totalSteps: plan.totalSteps, epoch, stepsPerSecond } });
        },
        onCheckpoint: async (step) => {
          if (lease.lost) return;
          lease.stepsDone = step;
          await keeper.save(trained, step);
        },
        shouldStop: () => lease.lost || lease.stopRequested || options.isDraining(),
      });
      await keeper.settle();
      if (lease.lost) return 'lost';
      await metrics.flush();
      if (outcome.kind === 'completed') return await this.finish(run, lease, 'completed', {}, outcome.steps);
      if (outcome.kind === 'stopped') {
        if (lease.stopRequested) return await this.finish(run, lease, 'cancelled', { reason: 'STOPPED_BY_USER' }, outcome.steps);
        if (options.onDrain === 'requeue') return await this.finish(run, lease, 'queued', { reason: 'WORKER_STOPPED' }, outcome.steps);
        return await this.finish(run, lease, 'cancelled', { reason: 'SERVICE_STOPPED' }, outcome.steps);
      }
      return await this.finish(run, lease, 'failed', {
        reason: 'NON_FINITE_LOSS',
        error: `the loss became ${outcome.value} at step ${outcome.step}; the last good checkpoint is kept`,
      });
    } catch (error) {
      if (isClaimLost(error) || lease.lost) {
        this.logger.warn(`run ${run.id}: lost to another worker; stopped training it here`);
        return 'lost';
      }
      // Domain errors keep their message; anything else is stored as a reference to the log.
      const { details } = toGrpcError(error, (ref, e) => this.logger.error(`run ${run.id} failed (${ref}): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
      return this.finish(run, lease, 'failed', { reason: 'ERROR', error: details.slice(0, 2000) }).catch((e: unknown) => {
        this.logger.error(`run ${run.id}: could not record the failure: ${lastLine(e)}`);
        return isClaimLost(e) ? 'lost' : 'failed';
      });
    } finally {
      await checkpoints?.settle().catch(() => undefined); // a failed run may leave one being recorded
      this.thread?.release(run.id);
      metrics.close();
      model?.dispose();
    }
  }

  private async finish(
    run: Run,
    lease: RunLease,
    status: 'completed' | 'failed' | 'cancelled' | 'queued',
    change: { reason?: string; error?: string },
    stepsDone?: number,
  ): Promise<ExecutionOutcome> {
    try {
      if (stepsDone !== undefined) {
        lease.stepsDone = stepsDone;
        await this.retry(run.id, 'record progress', () => this.db.runs.heartbeat(run.id, lease.token, { stepsDone }));
      }
      const ended = await this.retry(run.id, `mark the run ${status}`, () => this.db.runs.release(run.id, lease.token, status, change));
      this.publish(run.id, { status: toRunMessage(ended) });
      this.logger.log(`run ${run.id} ${status}${change.reason ? ` (${change.reason})` : ''}`);
      return status === 'queued' ? 'requeued' : status;
    } catch (error) {
      if (!isClaimLost(error)) throw error;
      // A release retried after an ambiguous failure may find it already done.
      const current = await this.db.runs.get(run.id);
      if (status === 'queued') return current.status === 'queued' ? 'requeued' : 'lost';
      return isTerminalRunStatus(current.status) && current.worker === this.worker ? (current.status as ExecutionOutcome) : 'lost';
    }
  }

  private retry<T>(runId: string, what: string, operation: () => Promise<T>): Promise<T> {
    return retryTransient(operation, {
      deadlineMs: this.settings.dbRetryMs,
      onRetry: (error, attempt, delayMs) => this.logger.warn(`run ${runId}: could not ${what} (attempt ${attempt}, retrying in ${Math.round(delayMs)} ms): ${lastLine(error)}`),
    });
  }

  private publish(runId: string, event: Omit<trainingV1.RunEvent, 'runId' | 'time'>): void {
    this.events.publish({ runId, time: toTimestamp(new Date()), ...event });
  }
}
