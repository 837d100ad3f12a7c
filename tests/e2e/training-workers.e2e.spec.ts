import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unary } from '@genlab/client';
import { initCompute } from '@genlab/compute';
import { fromTimestamp, trainingV1 } from '@genlab/contracts';
import { openDatabase, type Database } from '@genlab/db';
import { loadModel } from '@genlab/models';
import { createPrivateDatabase, type PrivateDatabase } from '../support/postgres';
import { startStack, type Stack } from '../support/stack';
import { killHard, launchTrainingProcess, stopTrainingProcess, type TrainingProcess } from '../support/training-processes';

// The team set-up: PostgreSQL + Redis, an API process and training workers that take runs
// from the BullMQ queue. Workers are killed with SIGKILL mid-run; every run must still
// complete with its history intact: each step's loss stored exactly once, the same curve as
// every other run of the same config and seed (resuming is exact), checkpoints that load.

const REDIS_URL = process.env.GENLAB_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `genlab-e2e-${randomBytes(4).toString('hex')}`;
const QUEUE_ENV = {
  REDIS_URL,
  GENLAB_QUEUE_PREFIX: prefix,
  GENLAB_QUEUE_LOCK_MS: '2000',
  GENLAB_RUN_LEASE_MS: '2000',
  GENLAB_HEARTBEAT_MS: '400',
  GENLAB_KEEP_CHECKPOINTS: '3',
};
// Under 500 steps every step is logged (the plan reads the loss back ~250 times a run, at least every step).
const config = (steps: number) => JSON.stringify({ likelihood: 'gaussian', latentDim: 2, hiddenDims: [128, 128], batchSize: 64, epochs: 1_000, maxSteps: steps });

let stack: Stack;
let database: PrivateDatabase;
let db: Database;
let datasetId: string;
let experimentId: string;
const workers: TrainingProcess[] = [];
let launched = 0;

async function startWorker(): Promise<TrainingProcess> {
  const worker = await launchTrainingProcess(`worker-${++launched}`, {
    dataDir: stack.dataDir,
    databaseUrl: database.url,
    // At log level: the output says whether the checkpoint thread came up.
    env: { ...QUEUE_ENV, GENLAB_TRAINING_ROLE: 'worker', GENLAB_LOG_LEVEL: 'log' },
  });
  workers.push(worker);
  return worker;
}

const alive = () => workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
const getRun = (id: string) => unary(stack.clients.training.getRun, stack.clients.training, { id });

async function startRuns(count: number, steps: number): Promise<trainingV1.Run[]> {
  const { training } = stack.clients;
  const runs: trainingV1.Run[] = [];
  for (let i = 0; i < count; i++) {
    runs.push(await unary(training.startRun, training, { experimentId, datasetId, family: 'vae', configJson: config(steps), seed: 7 }));
  }
  return runs;
}

/**
 * A run some live worker is training, past `minSteps` and not near its end, with the worker
 * holding it; undefined when every run has already completed (a fast machine).
 */
async function runningOnWorker(runIds: string[], minSteps: number): Promise<{ run: trainingV1.Run; worker: TrainingProcess } | undefined> {
  let found: { run: trainingV1.Run; worker: TrainingProcess } | undefined;
  let allDone = false;
  await expect
    .poll(
      async () => {
        const runs = await Promise.all(runIds.map(getRun));
        allDone = runs.every((r) => r.status === trainingV1.RunStatus.RUN_STATUS_COMPLETED);
        if (allDone) return true;
        for (const run of runs) {
          const worker = alive().find((w) => run.worker.endsWith(`:${w.pid}`));
          if (run.status === trainingV1.RunStatus.RUN_STATUS_RUNNING && run.stepsDone >= minSteps && run.stepsDone < run.totalSteps - 30 && worker) {
            found = { run, worker };
            return true;
          }
        }
        return false;
      },
      { timeout: 120_000, interval: 50 },
    )
    .toBe(true);
  return allDone ? undefined : found;
}

async function allCompleted(runIds: string[]): Promise<trainingV1.Run[]> {
  await expect
    .poll(async () => (await Promise.all(runIds.map(getRun))).map((r) => r.status), { timeout: 240_000, interval: 250 })
    .toEqual(runIds.map(() => trainingV1.RunStatus.RUN_STATUS_COMPLETED));
  return Promise.all(runIds.map(getRun));
}

/** Every step's loss stored once, the same curve for every run (same config and seed), checkpoints that load. */
async function expectIntactHistories(runIds: string[], steps: number): Promise<void> {
  const { training } = stack.clients;
  const curves: number[][] = [];
  for (const runId of runIds) {
    const points = (await unary(training.listMetrics, training, { runId, key: 'train/loss', afterStep: 0, limit: 0 })).points;
    expect(points.map((p) => p.step)).toEqual(Array.from({ length: steps }, (_, i) => i + 1));
    curves.push(points.map((p) => p.value));

    const checkpoints = await db.checkpoints.listByRun(runId);
    expect(checkpoints.at(-1)?.step).toBe(steps);
    expect((await db.artifacts.list({ runId, kind: 'checkpoint' })).length).toBe(checkpoints.length); // no half-written leftovers
    for (const checkpoint of checkpoints) {
      const model = await loadModel(await db.artifacts.read(checkpoint.artifactId));
      expect(model.stepCount).toBe(checkpoint.step);
      model.dispose();
    }
  }
  for (const curve of curves) expect(curve).toEqual(curves[0]);
}

beforeAll(async () => {
  database = await createPrivateDatabase('genlab_workers');
  stack = await startStack({ services: ['datasets', 'training'], databaseUrl: database.url, extraEnv: { ...QUEUE_ENV, GENLAB_TRAINING_ROLE: 'api' } });
  await Promise.all([startWorker(), startWorker()]);
  await initCompute({ backend: 'wasm', logger: false });
  db = await openDatabase({ databaseUrl: database.url, dataDir: stack.dataDir });
  const { datasets, training } = stack.clients;
  datasetId = (await unary(datasets.createSynthetic, datasets, { name: 'ring8', generator: 'ring8', numExamples: 1600, seed: 3, testCount: 320 })).id;
  experimentId = (await unary(training.createExperiment, training, { name: 'workers', description: '' })).id;
});

afterAll(async () => {
  await Promise.all(workers.map(stopTrainingProcess));
  await db?.close();
  await stack?.stop();
  await database?.drop();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('training workers on Redis and PostgreSQL', () => {
  it('share the queued runs; a worker killed with SIGKILL mid-run loses nothing, another resumes its run', async () => {
    const runs = await startRuns(4, 300);
    const ids = runs.map((r) => r.id);
    const running = await runningOnWorker(ids, 40);
    if (!running) throw new Error('all four runs completed before a worker could be killed');
    const { run, worker } = running;
    // A running run shows the worker holding it and a fresh heartbeat.
    expect(Date.now() - fromTimestamp(run.heartbeatTime)!.getTime()).toBeLessThan(5_000);
    await killHard(worker);
    await startWorker();

    const done = await allCompleted(ids);
    const resumed = done.find((r) => r.id === run.id)!;
    expect(resumed.attempts).toBeGreaterThanOrEqual(2);
    expect(resumed.worker).not.toBe(run.worker);
    expect(new Set(done.map((r) => r.worker)).size).toBeGreaterThanOrEqual(2);
    await expectIntactHistories(ids, 300);
    // The compiled services' checkpoint threads came up, and nothing they were given failed.
    for (const w of workers) {
      expect(w.child.recentOutput()).toMatch(/checkpoint thread ready \(wasm\)/);
      expect(w.child.recentOutput()).not.toMatch(/checkpoint thread (failed|exited|did not)|on the checkpoint thread failed/);
    }
  });

  it('survive SIGKILL again and again, at random moments and in the middle of checkpointing', async () => {
    // Five kills land while runs are training; should every run finish first (a fast machine),
    // more runs of the same config join, so every kill still hits a run mid-training.
    const ids = (await startRuns(4, 480)).map((r) => r.id);
    const { training } = stack.clients;
    for (let kill = 0; kill < 5; kill++) {
      let running = await runningOnWorker(ids, 5);
      while (!running) {
        ids.push(...(await startRuns(2, 480)).map((r) => r.id));
        running = await runningOnWorker(ids, 5);
      }
      const { run, worker } = running;
      if (kill % 2 === 0) {
        // Wait for the worker to reach a checkpoint step: its progress event is published just
        // before the checkpoint is written, the checkpoint event just after its row exists.
        const stream = training.streamRunEvents({ runId: run.id, includeHistory: false });
        await new Promise<void>((resolve) => {
          const done = () => (stream.cancel(), resolve());
          stream.on('data', (event: trainingV1.RunEvent) => {
            if (kill === 0 ? event.checkpoint : event.progress && event.progress.stepsDone % 30 === 0) done();
          });
          stream.on('error', () => resolve());
          stream.on('end', () => resolve());
        });
      } else {
        await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 1_500));
      }
      await killHard(worker);
      await startWorker();
    }
    const done = await allCompleted(ids);
    expect(done.reduce((sum, r) => sum + (r.attempts ?? 0), 0)).toBeGreaterThanOrEqual(ids.length + 3);
    await expectIntactHistories(ids, 480);
  });
});
