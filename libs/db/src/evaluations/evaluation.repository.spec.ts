import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Database } from '../database';
import { givenRunningRun } from '../testing/fixtures';
import { PROVIDERS, useTestDatabase } from '../testing/test-database';

async function givenCheckpoint(db: Database) {
  const run = await givenRunningRun(db);
  const artifact = await db.artifacts.put(Buffer.from('weights'), { kind: 'checkpoint', mediaType: 'application/octet-stream', runId: run.id });
  return db.checkpoints.create({ runId: run.id, step: 1000, artifactId: artifact.id });
}

const nll = { metric: 'test_nll', value: 86.3, unit: 'nats', estimator: 'iwae-100', stdError: 0.12, sampleCount: 10_000 };
const elbo = { metric: 'neg_elbo', value: 90.1, unit: 'nats', estimator: 'elbo', sampleCount: 10_000 };

describe.each(PROVIDERS)('EvaluationRepository on %s', (provider) => {
  const t = useTestDatabase(provider);

  it("creates a running evaluation of a checkpoint, for the checkpoint's run", async () => {
    const { db } = t();
    const checkpoint = await givenCheckpoint(db);
    const evaluation = await db.evaluations.create({ checkpointId: checkpoint.id, metrics: ['test_nll', 'neg_elbo'] });

    expect(evaluation).toMatchObject({
      runId: checkpoint.runId,
      checkpointId: checkpoint.id,
      status: 'running',
      error: null,
      metrics: ['test_nll', 'neg_elbo'],
      options: {},
      finishedAt: null,
      results: [],
    });
    expect(await db.evaluations.get(evaluation.id)).toEqual(evaluation);
  });

  it('completes with per-metric results', async () => {
    const { db } = t();
    const { id } = await db.evaluations.create({ checkpointId: (await givenCheckpoint(db)).id, metrics: ['test_nll', 'neg_elbo'] });

    const completed = await db.evaluations.complete(id, [nll, elbo]);

    expect(completed.status).toBe('completed');
    expect(completed.finishedAt).toBeInstanceOf(Date);
    const plain = { realValue: null, realStdError: null, features: '' };
    expect(completed.results).toEqual([{ ...elbo, stdError: null, ...plain }, { ...nll, ...plain }]);
    expect(await db.evaluations.get(id)).toEqual(completed);
  });

  it('stores sample metrics with their real-data floor and features', async () => {
    const { db } = t();
    const { id } = await db.evaluations.create({ checkpointId: (await givenCheckpoint(db)).id, metrics: ['fid'] });
    const fid = { metric: 'fid', value: 12.5, unit: 'fid', estimator: 'fid', sampleCount: 2000, realValue: 0.8, realStdError: null, features: 'classifier:abc@v1' };
    const completed = await db.evaluations.complete(id, [fid]);
    expect(completed.results).toEqual([{ ...fid, stdError: null }]);
  });

  it('runs a queued evaluation through start, and keeps its options', async () => {
    const { db } = t();
    const checkpoint = await givenCheckpoint(db);
    const options = { iwaeK: 500, numSamples: 1000, featureModelPath: 'models/mine' };
    const queued = await db.evaluations.create({ checkpointId: checkpoint.id, metrics: ['fid'], options, status: 'queued' });
    expect(queued).toMatchObject({ status: 'queued', options });
    await expect(db.evaluations.complete(queued.id, [nll])).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringContaining('is queued, not running') });
    expect(await db.evaluations.start(queued.id)).toMatchObject({ status: 'running', options });
    await expect(db.evaluations.start(queued.id)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect((await db.evaluations.complete(queued.id, [nll])).status).toBe('completed');
  });

  it('cancels queued and running evaluations, once', async () => {
    const { db } = t();
    const checkpoint = await givenCheckpoint(db);
    const queued = await db.evaluations.create({ checkpointId: checkpoint.id, metrics: ['fid'], status: 'queued' });
    const running = await db.evaluations.create({ checkpointId: checkpoint.id, metrics: ['fid'] });
    expect(await db.evaluations.cancel(queued.id, 'cancelled by the caller')).toMatchObject({ status: 'cancelled', error: 'cancelled by the caller' });
    expect((await db.evaluations.cancel(running.id, 'stopped')).finishedAt).toBeInstanceOf(Date);
    await expect(db.evaluations.cancel(running.id, 'again')).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(db.evaluations.start(queued.id)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  });

  it("lists a dataset's completed evaluations with family, experiment and step, oldest first", async () => {
    const { db } = t();
    const checkpoint = await givenCheckpoint(db);
    const run = await db.runs.get(checkpoint.runId);
    const done = await db.evaluations.create({ checkpointId: checkpoint.id, metrics: ['test_nll'] });
    await db.evaluations.complete(done.id, [nll]);
    await db.evaluations.create({ checkpointId: checkpoint.id, metrics: ['test_nll'] }); // still running: not listed
    const listed = await db.evaluations.listCompletedForDataset(run.datasetId);
    expect(listed.map((e) => [e.id, e.family, e.experimentId, e.step])).toEqual([[done.id, run.family, run.experimentId, 1000]]);
    expect(await db.evaluations.listCompletedForDataset(randomUUID())).toEqual([]);
  });

  it('fails with a message', async () => {
    const { db } = t();
    const { id } = await db.evaluations.create({ checkpointId: (await givenCheckpoint(db)).id, metrics: ['test_nll'] });
    expect(await db.evaluations.fail(id, 'out of memory')).toMatchObject({ status: 'failed', error: 'out of memory', results: [] });
  });

  it('finishes only once', async () => {
    const { db } = t();
    const { id } = await db.evaluations.create({ checkpointId: (await givenCheckpoint(db)).id, metrics: ['test_nll'] });
    await db.evaluations.complete(id, [nll]);
    await expect(db.evaluations.complete(id, [nll])).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(db.evaluations.fail(id, 'late')).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect((await db.evaluations.get(id)).results).toHaveLength(1);
  });

  it('rejects invalid results without changing the evaluation', async () => {
    const { db } = t();
    const { id } = await db.evaluations.create({ checkpointId: (await givenCheckpoint(db)).id, metrics: ['test_nll'] });
    await expect(db.evaluations.complete(id, [nll, nll])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(db.evaluations.complete(id, [{ ...nll, value: Number.NaN }])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(db.evaluations.complete(id, [])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await db.evaluations.get(id)).toMatchObject({ status: 'running', results: [] });
  });

  it('lists by run and by status, newest first', async () => {
    const { db } = t();
    const checkpoint = await givenCheckpoint(db);
    const first = await db.evaluations.create({ checkpointId: checkpoint.id, metrics: ['test_nll'] });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = await db.evaluations.create({ checkpointId: checkpoint.id, metrics: ['neg_elbo'] });
    await db.evaluations.complete(second.id, [elbo]);

    expect((await db.evaluations.listByRun(checkpoint.runId)).map((e) => e.id)).toEqual([second.id, first.id]);
    const completed = await db.evaluations.list({ runId: checkpoint.runId, status: 'completed' });
    expect(completed.map((e) => [e.id, e.results.length])).toEqual([[second.id, 1]]);
    expect((await db.evaluations.list({ status: 'running', limit: 1000 })).some((e) => e.id === first.id)).toBe(true);
  });

  it('reports NOT_FOUND for unknown ids', async () => {
    const { db } = t();
    const id = randomUUID();
    await expect(db.evaluations.get(id)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'evaluation', id } });
    await expect(db.evaluations.complete(id, [nll])).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(db.evaluations.fail(id, 'x')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(db.evaluations.create({ checkpointId: id, metrics: ['test_nll'] })).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'checkpoint' } });
    await expect(db.evaluations.listByRun(id)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'run' } });
  });
});
