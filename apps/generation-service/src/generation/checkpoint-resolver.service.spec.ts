import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database, type Run } from '@genlab/db';
import { ErrorCode } from '@genlab/errors';
import { CheckpointResolver } from './checkpoint-resolver.service';

let db: Database;
let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'genlab-generation-test-'));
  db = await openDatabase({ dataDir });
});

afterAll(async () => {
  await db?.close();
  await rm(dataDir, { recursive: true, force: true });
});

async function givenRunningRun(): Promise<Run> {
  const experiment = await db.experiments.create({ name: `resolver-${Math.random().toString(36).slice(2)}`, description: '' });
  const dataset = await db.artifacts.put(Buffer.from('data'), { kind: 'dataset', mediaType: 'application/octet-stream' });
  const record = await db.datasets.create({
    name: `d-${dataset.id.slice(0, 8)}`, kind: 'synthetic', shape: [2], numExamples: 10, numClasses: null, hasLabels: false,
    trainCount: 8, testCount: 2, artifactId: dataset.id, stats: {},
  });
  const run = await db.runs.create({ experimentId: experiment.id, datasetId: record.id, family: 'vae', config: {}, seed: 1, totalSteps: 10 });
  return db.runs.updateStatus(run.id, 'running', { worker: 'w' });
}

const checkpointAt = async (run: Run, step: number) =>
  db.checkpoints.create({ runId: run.id, step, artifactId: (await db.artifacts.put(Buffer.from(`w${step}`), { kind: 'checkpoint', mediaType: 'application/octet-stream', runId: run.id })).id });

describe('CheckpointResolver', () => {
  it("reads a running run's latest checkpoint on every call, and reuses an ended run's", async () => {
    const resolver = new CheckpointResolver(db);
    const run = await givenRunningRun();
    await expect(resolver.resolve(run.id, '')).rejects.toMatchObject({ code: ErrorCode.FailedPrecondition }); // no checkpoint yet: not cached
    const first = await checkpointAt(run, 5);
    expect((await resolver.resolve(run.id, '')).id).toBe(first.id);
    const second = await checkpointAt(run, 10);
    expect((await resolver.resolve(run.id, '')).id).toBe(second.id); // running: a newer checkpoint is seen at once

    await db.runs.updateStatus(run.id, 'completed');
    expect((await resolver.resolve(run.id, '')).id).toBe(second.id);
    // Ended: the answer is reused without reading the database (a row written behind its back is not seen).
    await checkpointAt(run, 11);
    expect((await resolver.resolve(run.id, '')).id).toBe(second.id);
    // A given checkpoint id resolves to that checkpoint.
    expect((await resolver.resolve(run.id, first.id)).id).toBe(first.id);
  });

  it('never caches errors: an unknown run stays NOT_FOUND', async () => {
    const resolver = new CheckpointResolver(db);
    const missing = '00000000-0000-4000-8000-000000000000';
    await expect(resolver.resolve(missing, '')).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(resolver.resolve(missing, '')).rejects.toMatchObject({ code: ErrorCode.NotFound });
  });
});
