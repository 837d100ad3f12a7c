import { randomUUID } from 'node:crypto';
import type { Database } from '../database';
import type { Dataset, NewDataset } from '../datasets/dataset.types';
import type { Experiment } from '../experiments/experiment.types';
import type { NewRun, Run } from '../runs/run.types';

/** A name no other test uses. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`;

export async function givenDataset(db: Database, overrides: Partial<NewDataset> = {}): Promise<Dataset> {
  const tensor = await db.artifacts.put(Buffer.from('tensor bytes'), { kind: 'dataset', mediaType: 'application/octet-stream' });
  return db.datasets.create({
    name: uniqueName('mnist'),
    kind: 'idx',
    shape: [28, 28, 1],
    numExamples: 70,
    numClasses: 10,
    hasLabels: true,
    trainCount: 60,
    testCount: 10,
    artifactId: tensor.id,
    stats: { mean: 0.13, std: 0.31 },
    ...overrides,
  });
}

export const givenExperiment = (db: Database, name = uniqueName('experiment')): Promise<Experiment> =>
  db.experiments.create({ name, description: 'test experiment' });

/** A queued run, with a new experiment and dataset unless given. */
export async function givenRun(db: Database, overrides: Partial<NewRun> = {}): Promise<Run> {
  return db.runs.create({
    experimentId: overrides.experimentId ?? (await givenExperiment(db)).id,
    datasetId: overrides.datasetId ?? (await givenDataset(db)).id,
    family: 'vae-mlp',
    config: { latentDim: 16, hidden: [400] },
    seed: 42,
    totalSteps: 1_000,
    ...overrides,
  });
}

/** A running run. */
export async function givenRunningRun(db: Database, overrides: Partial<NewRun> = {}): Promise<Run> {
  const run = await givenRun(db, overrides);
  return db.runs.updateStatus(run.id, 'running', { worker: 'worker-1' });
}
