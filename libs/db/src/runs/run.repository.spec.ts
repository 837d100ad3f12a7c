import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { givenDataset, givenExperiment, givenRun, givenRunningRun } from '../testing/fixtures';
import { PROVIDERS, useTestDatabase } from '../testing/test-database';

describe.each(PROVIDERS)('RunRepository on %s', (provider) => {
  const t = useTestDatabase(provider);

  it('creates a queued run and reads it back', async () => {
    const { db } = t();
    const run = await givenRun(db, { config: { latentDim: 2, betas: [0.9, 0.999] }, seed: -7 });

    expect(run).toMatchObject({
      family: 'vae-mlp',
      config: { latentDim: 2, betas: [0.9, 0.999] },
      seed: -7,
      status: 'queued',
      statusReason: null,
      error: null,
      totalSteps: 1000,
      stepsDone: 0,
      backend: null,
      worker: null,
      heartbeatAt: null,
      startedAt: null,
      finishedAt: null,
    });
    expect(run.createdAt).toBeInstanceOf(Date);
    expect(await db.runs.get(run.id)).toEqual(run);
  });

  it('reports NOT_FOUND for a missing experiment or dataset', async () => {
    const { db } = t();
    const missing = randomUUID();
    const dataset = await givenDataset(db);
    const experiment = await givenExperiment(db);
    await expect(givenRun(db, { experimentId: missing, datasetId: dataset.id })).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'experiment' } });
    await expect(givenRun(db, { experimentId: experiment.id, datasetId: missing })).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'dataset' } });
  });

  it('stamps start, heartbeat and worker when the run starts, and the end when it completes', async () => {
    const { db } = t();
    const run = await givenRun(db);

    const running = await db.runs.updateStatus(run.id, 'running', { worker: 'worker-7', backend: 'wasm' });
    expect(running).toMatchObject({ status: 'running', worker: 'worker-7', backend: 'wasm', finishedAt: null });
    expect(running.startedAt).toBeInstanceOf(Date);
    expect(running.heartbeatAt).toEqual(running.startedAt);

    const completed = await db.runs.updateStatus(run.id, 'completed', { reason: 'all steps done' });
    expect(completed).toMatchObject({ status: 'completed', statusReason: 'all steps done', startedAt: running.startedAt });
    expect(completed.finishedAt).toBeInstanceOf(Date);
    expect(Number(completed.finishedAt)).toBeGreaterThanOrEqual(Number(running.startedAt));
  });

  it('records the error of a failed run', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    const failed = await db.runs.updateStatus(run.id, 'failed', { error: 'loss became NaN at step 312' });
    expect(failed).toMatchObject({ status: 'failed', error: 'loss became NaN at step 312' });
    expect(failed.finishedAt).toBeInstanceOf(Date);
  });

  it('refuses status changes the lifecycle does not allow', async () => {
    const { db } = t();
    const run = await givenRun(db);
    await expect(db.runs.updateStatus(run.id, 'completed')).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await db.runs.updateStatus(run.id, 'cancelled', { reason: 'user' });
    await expect(db.runs.updateStatus(run.id, 'running')).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(db.runs.updateStatus(run.id, 'paused' as 'running')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(db.runs.updateStatus(randomUUID(), 'running')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('requeues a running run whose worker was lost', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    expect(await db.runs.updateStatus(run.id, 'queued', { reason: 'worker lost' })).toMatchObject({ status: 'queued', worker: null });
  });

  it('records progress and heartbeats of running runs only', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    const beat = new Date('2026-01-02T03:04:05.678Z');

    expect(await db.runs.updateProgress(run.id, { stepsDone: 250, heartbeatAt: beat })).toMatchObject({ stepsDone: 250, heartbeatAt: beat });
    await expect(db.runs.updateProgress(run.id, { stepsDone: 1001 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    const queued = await givenRun(db);
    await expect(db.runs.updateProgress(queued.id, { stepsDone: 1 })).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(db.runs.updateProgress(randomUUID(), { stepsDone: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('lists runs by experiment and status, newest first', async () => {
    const { db } = t();
    const experiment = await givenExperiment(db);
    const first = await givenRun(db, { experimentId: experiment.id });
    const second = await givenRun(db, { experimentId: experiment.id, datasetId: first.datasetId });
    await db.runs.updateStatus(second.id, 'running');

    const ids = (runs: { id: string }[]) => runs.map((r) => r.id);
    expect(ids(await db.runs.list({ experimentId: experiment.id }))).toEqual([second.id, first.id]);
    expect(ids(await db.runs.list({ experimentId: experiment.id, status: 'queued' }))).toEqual([first.id]);
    expect(ids(await db.runs.list({ experimentId: experiment.id, status: ['running', 'completed'] }))).toEqual([second.id]);
    expect(ids(await db.runs.list({ experimentId: experiment.id, limit: 1, offset: 1 }))).toEqual([first.id]);
    expect((await db.runs.list({ status: 'running' })).every((r) => r.status === 'running')).toBe(true);
  });

  it('deletes a run with everything that belongs to it', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    await db.metrics.appendPoints(run.id, [{ key: 'loss', step: 1, value: 0.5 }]);
    const weights = await db.artifacts.put(Buffer.from('weights'), { kind: 'checkpoint', mediaType: 'application/octet-stream', runId: run.id });
    const checkpoint = await db.checkpoints.create({ runId: run.id, step: 1, artifactId: weights.id });
    const evaluation = await db.evaluations.create({ checkpointId: checkpoint.id, metrics: ['test_nll'] });
    const path = await db.artifacts.path(weights.id);

    await db.runs.delete(run.id);

    await expect(db.runs.get(run.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(db.metrics.listPoints(run.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(db.checkpoints.get(checkpoint.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(db.evaluations.get(evaluation.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(db.artifacts.get(weights.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await db.datasets.get(run.datasetId)).toMatchObject({ id: run.datasetId });
    await expect(db.runs.delete(run.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
