import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { deriveSeed, getComputeInfo } from '@genlab/compute';
import type { GenlabConfig } from '@genlab/config';
import { toTimestamp } from '@genlab/contracts';
import type { Database, Run } from '@genlab/db';
import { toGrpcError } from '@genlab/grpc';
import { createModel, prepareDataset, trainingPlan, type GenerativeModel } from '@genlab/models';
import { DATABASE, DrainRegistry, GENLAB_CONFIG, loadDatasetSplit, renderExamplesPng } from '@genlab/service-core';
import { RunEventBus } from './run-events';
import { toCheckpointMessage, toMetricPointMessage, toRunMessage } from './runs.mapper';
import { runTrainingLoop, type MetricSample } from './training-loop';

const SAMPLE_GRID_COUNT = 64;
const PAGE = 1000;

/**
 * The embedded executor: runs train inside the training service's process, at most
 * GENLAB_MAX_CONCURRENT_RUNS at a time, in the order they were queued.
 */
@Injectable()
export class RunExecutor implements OnApplicationBootstrap {
  private readonly logger = new Logger(RunExecutor.name);
  private readonly queue: string[] = [];
  private readonly active = new Map<string, { stopRequested: boolean; done: Promise<void> }>();
  private readonly worker = `${hostname()}:${process.pid}`;
  private shuttingDown = false;

  constructor(
    @Inject(DATABASE) private readonly db: Database,
    @Inject(GENLAB_CONFIG) private readonly config: GenlabConfig,
    private readonly events: RunEventBus,
    drains: DrainRegistry,
  ) {
    drains.register('training runs', () => this.drain());
  }

  /** Runs left behind by a previous process: queued ones are queued again, running ones failed. */
  async onApplicationBootstrap(): Promise<void> {
    for (const run of await this.allRuns('running')) {
      await this.finish(run.id, 'failed', { reason: 'WORKER_LOST', error: 'the training service stopped while the run was training' });
    }
    for (const run of (await this.allRuns('queued')).reverse()) this.enqueue(run.id);
  }

  private async allRuns(status: 'queued' | 'running'): Promise<Run[]> {
    const runs: Run[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await this.db.runs.list({ status, limit: PAGE, offset });
      runs.push(...page);
      if (page.length < PAGE) return runs;
    }
  }

  /**
   * Service stopping: queued runs stay queued (the next start takes them), running runs stop
   * at a step boundary with a checkpoint and end CANCELLED (SERVICE_STOPPED); then every
   * event stream is closed.
   */
  async drain(): Promise<void> {
    this.shuttingDown = true;
    this.queue.length = 0;
    for (const state of this.active.values()) state.stopRequested = true;
    await Promise.all([...this.active.values()].map((state) => state.done));
    this.events.closeAll();
  }

  enqueue(runId: string): void {
    this.queue.push(runId);
    this.pump();
  }

  /** Cancel a queued run or ask a running one to stop after its current step. */
  async stop(run: Run): Promise<Run> {
    const queued = this.queue.indexOf(run.id);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      return this.finish(run.id, 'cancelled', { reason: 'STOPPED_BY_USER' });
    }
    const state = this.active.get(run.id);
    if (state) state.stopRequested = true;
    return run;
  }

  private pump(): void {
    while (!this.shuttingDown && this.active.size < this.config.maxConcurrentRuns && this.queue.length > 0) {
      const runId = this.queue.shift() as string;
      const state = { stopRequested: false, done: Promise.resolve() };
      state.done = this.execute(runId, state).finally(() => {
        this.active.delete(runId);
        this.pump();
      });
      this.active.set(runId, state);
    }
  }

  private async execute(runId: string, state: { stopRequested: boolean }): Promise<void> {
    let model: GenerativeModel | undefined;
    try {
      const run = await this.db.runs.get(runId);
      if (run.status !== 'queued') return;
      const dataset = await this.db.datasets.get(run.datasetId);
      const train = prepareDataset(run.family, run.config, await loadDatasetSplit(this.db, dataset, 'train'));
      const plan = trainingPlan(run.family, run.config, train.count);
      model = createModel(run.family, run.config, { dataShape: train.shape, seed: run.seed, numClasses: dataset.numClasses ?? undefined });
      await this.transition(run.id, 'running', { backend: getComputeInfo()?.backend ?? 'unknown', worker: this.worker });
      this.logger.log(`run ${run.id}: ${run.family} on '${dataset.name}', ${plan.totalSteps} steps`);

      const trained = model;
      const outcome = await runTrainingLoop({
        model: trained,
        data: train,
        batchSize: plan.batchSize,
        totalSteps: plan.totalSteps,
        seed: run.seed,
        logEvery: plan.logEvery,
        checkpointEvery: plan.checkpointEvery,
        onMetrics: (points) => this.recordMetrics(run.id, points),
        onProgress: async ({ stepsDone, epoch, stepsPerSecond }) => {
          await this.db.runs.updateProgress(run.id, { stepsDone });
          this.publish(run.id, { progress: { stepsDone, totalSteps: plan.totalSteps, epoch, stepsPerSecond } });
        },
        onCheckpoint: (step) => this.saveCheckpoint(run, trained, step),
        shouldStop: () => state.stopRequested,
      });

      switch (outcome.kind) {
        case 'completed':
          await this.finish(run.id, 'completed', {});
          break;
        case 'stopped':
          await this.db.runs.updateProgress(run.id, { stepsDone: outcome.steps });
          await this.finish(run.id, 'cancelled', { reason: this.shuttingDown ? 'SERVICE_STOPPED' : 'STOPPED_BY_USER' });
          break;
        case 'non-finite':
          await this.finish(run.id, 'failed', {
            reason: 'NON_FINITE_LOSS',
            error: `the loss became ${outcome.value} at step ${outcome.step}; the last good checkpoint is kept`,
          });
          break;
      }
    } catch (error) {
      // Domain errors keep their message; anything else is stored as a reference to the log.
      const { details } = toGrpcError(error, (ref, e) => this.logger.error(`run ${runId} failed (${ref}): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));
      await this.finish(runId, 'failed', { reason: 'ERROR', error: details.slice(0, 2000) }).catch((e: unknown) =>
        this.logger.error(`run ${runId}: could not record the failure: ${String(e)}`),
      );
    } finally {
      model?.dispose();
    }
  }

  private async recordMetrics(runId: string, points: MetricSample[]): Promise<void> {
    const time = new Date();
    await this.db.metrics.appendPoints(runId, points.map((p) => ({ ...p, time })));
    this.publish(runId, { metrics: { points: points.map((p) => toMetricPointMessage({ ...p, runId, time })) } });
  }

  private async saveCheckpoint(run: Run, model: GenerativeModel, step: number): Promise<void> {
    const bytes = await model.save();
    const artifact = await this.db.artifacts.put(bytes, {
      kind: 'checkpoint',
      mediaType: 'application/x-genlab-checkpoint',
      runId: run.id,
      meta: { step, family: run.family },
    });
    const checkpoint = await this.db.checkpoints.create({ runId: run.id, step, artifactId: artifact.id });
    this.publish(run.id, { checkpoint: { checkpoint: toCheckpointMessage(checkpoint) } });
    try {
      await this.saveSampleGrid(run, model, step, checkpoint.id);
    } catch (error) {
      // A picture is a convenience: a data shape it cannot draw must not fail the run.
      this.logger.warn(`run ${run.id}: no sample grid at step ${step}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** A picture of the model's samples at each checkpoint, for watching a run improve. */
  private async saveSampleGrid(run: Run, model: GenerativeModel, step: number, checkpointId: string): Promise<void> {
    const samples = model.sample(SAMPLE_GRID_COUNT, deriveSeed(run.seed, 'sample-grid'));
    let values: Float32Array;
    try {
      values = (await samples.data()) as Float32Array;
    } finally {
      samples.dispose();
    }
    const png = renderExamplesPng(values, SAMPLE_GRID_COUNT, model.dataShape);
    await this.db.artifacts.put(png, {
      kind: 'sample-grid',
      mediaType: 'image/png',
      runId: run.id,
      meta: { step, checkpointId, seed: run.seed, count: SAMPLE_GRID_COUNT },
    });
  }

  private async transition(runId: string, status: 'running', fields: Parameters<Database['runs']['updateStatus']>[2]): Promise<Run> {
    const run = await this.db.runs.updateStatus(runId, status, fields);
    this.publish(runId, { status: toRunMessage(run) });
    return run;
  }

  private async finish(
    runId: string,
    status: 'completed' | 'failed' | 'cancelled',
    change: { reason?: string; error?: string },
  ): Promise<Run> {
    const run = await this.db.runs.updateStatus(runId, status, change);
    this.publish(runId, { status: toRunMessage(run) });
    this.logger.log(`run ${runId} ${status}${change.reason ? ` (${change.reason})` : ''}`);
    return run;
  }

  private publish(runId: string, event: Omit<Parameters<RunEventBus['publish']>[0], 'runId' | 'time'>): void {
    this.events.publish({ runId, time: toTimestamp(new Date()), ...event });
  }
}
