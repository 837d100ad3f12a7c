import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetStats, encodeDataset, ring8, type TensorDataset } from '@genlab/data';
import { openDatabase, type Database, type Dataset, type Run } from '@genlab/db';
import { afterAll, beforeAll } from 'vitest';
import { initCompute } from '@genlab/compute';
import { parseConfig, trainingPlan } from '@genlab/models';
import type { ExecutionSettings } from '../execution/run-executor';

/** A fresh SQLite database in a temporary directory. */
export async function openScratchDatabase(): Promise<{ db: Database; dataDir: string; drop(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'genlab-training-test-'));
  const db = await openDatabase({ dataDir });
  return {
    db,
    dataDir,
    drop: async () => {
      await db.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** For a spec file: the wasm backend and a scratch database before its tests, the database dropped after them. */
export function useScratchDatabase(): { readonly db: Database } {
  let scratch: Awaited<ReturnType<typeof openScratchDatabase>> | undefined;
  beforeAll(async () => {
    await initCompute({ backend: 'wasm', logger: false });
    scratch = await openScratchDatabase();
  });
  afterAll(async () => {
    await scratch?.drop();
  });
  return {
    get db() {
      if (!scratch) throw new Error('the scratch database opens in beforeAll');
      return scratch.db;
    },
  };
}

/** Fast settings for tests: beats every 100 ms, a 1 s lease. */
export const TEST_SETTINGS: ExecutionSettings = { keepCheckpoints: 2, heartbeatMs: 100, runLeaseMs: 1_000, dbRetryMs: 5_000, sampleGridShare: 1 };

/** ring8 points (1,024 to train on, 256 held out), or `data` as given, stored as a dataset. */
export async function givenDataset(db: Database, data: TensorDataset = ring8.sample(1_280, 11), testCount = 256): Promise<Dataset> {
  const artifact = await db.artifacts.put(encodeDataset(data), { kind: 'dataset', mediaType: 'application/x-genlab-dataset' });
  const stats = datasetStats(data);
  return db.datasets.create({
    name: `ring8-${artifact.id.slice(0, 8)}`,
    kind: 'synthetic',
    shape: [...data.shape],
    numExamples: data.count,
    numClasses: data.numClasses ?? null,
    hasLabels: Boolean(data.labels),
    trainCount: data.count - testCount,
    testCount,
    artifactId: artifact.id,
    stats: { mean: stats.mean, std: stats.std, min: Number.isFinite(stats.min) ? stats.min : 0, max: Number.isFinite(stats.max) ? stats.max : 0 },
  });
}

/** A small Gaussian VAE on the dataset: 64 steps of 64 examples, every step logged, a checkpoint each epoch (16 steps). */
export const SMALL_VAE = { likelihood: 'gaussian', latentDim: 2, hiddenDims: [16], batchSize: 64, maxSteps: 64 };

export interface RunSpec {
  readonly family?: string;
  readonly config?: Record<string, unknown>;
  readonly seed?: number;
}

/** A queued run as StartRun stores it (config validated, defaults filled in). */
export async function givenQueuedRun(db: Database, dataset: Dataset, { family = 'vae', config = SMALL_VAE, seed = 5 }: RunSpec = {}): Promise<Run> {
  const experiment = await db.experiments.create({ name: `experiment-${Math.random().toString(36).slice(2, 10)}` });
  const parsed = parseConfig(family, config);
  return db.runs.create({
    experimentId: experiment.id,
    datasetId: dataset.id,
    family,
    config: parsed,
    seed,
    totalSteps: trainingPlan(family, parsed, dataset.trainCount).totalSteps,
  });
}
