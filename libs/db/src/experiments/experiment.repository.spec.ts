import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { givenExperiment, givenRun, uniqueName } from '../testing/fixtures';
import { PROVIDERS, useTestDatabase } from '../testing/test-database';

describe.each(PROVIDERS)('ExperimentRepository on %s', (provider) => {
  const t = useTestDatabase(provider);

  it('creates an experiment and finds it by id and by name', async () => {
    const { db } = t();
    const name = uniqueName('mnist-vae');
    const experiment = await db.experiments.create({ name, description: 'VAE on MNIST' });

    expect(experiment).toMatchObject({ name, description: 'VAE on MNIST' });
    expect(experiment.createdAt).toBeInstanceOf(Date);
    expect(await db.experiments.get(experiment.id)).toEqual(experiment);
    expect(await db.experiments.getByName(name)).toEqual(experiment);
    expect((await db.experiments.create({ name: uniqueName('bare') })).description).toBe('');
  });

  it('refuses a duplicate name with ALREADY_EXISTS', async () => {
    const { db } = t();
    const { name } = await givenExperiment(db);
    await expect(db.experiments.create({ name })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
  });

  it('lists experiments with their run counts', async () => {
    const { db } = t();
    const busy = await givenExperiment(db);
    const idle = await givenExperiment(db);
    const run = await givenRun(db, { experimentId: busy.id });
    await givenRun(db, { experimentId: busy.id, datasetId: run.datasetId });

    const counts = Object.fromEntries((await db.experiments.list({ limit: 1000 })).map((e) => [e.id, e.runCount]));
    expect(counts[busy.id]).toBe(2);
    expect(counts[idle.id]).toBe(0);
  });

  it('summarizes runs by status, and takes last activity from the runs (the creation time when there are none)', async () => {
    const { db } = t();
    const busy = await givenExperiment(db);
    const idle = await givenExperiment(db);
    const queued = await givenRun(db, { experimentId: busy.id });
    const done = await givenRun(db, { experimentId: busy.id, datasetId: queued.datasetId });
    const failed = await givenRun(db, { experimentId: busy.id, datasetId: queued.datasetId });
    await db.runs.updateStatus(done.id, 'running', { worker: 'w' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const finished = await db.runs.updateStatus(done.id, 'completed');
    await db.runs.updateStatus(failed.id, 'running', { worker: 'w' });
    await db.runs.updateStatus(failed.id, 'failed', { reason: 'ERROR', error: 'boom' });

    const summary = await db.experiments.summary(busy.id);
    expect(summary).toMatchObject({ id: busy.id, runCount: 3, statusCounts: { queued: 1, completed: 1, failed: 1 } });
    expect(summary.lastActivityAt.getTime()).toBeGreaterThanOrEqual(finished.finishedAt!.getTime());
    expect(summary.lastActivityAt.getTime()).toBeGreaterThan(busy.createdAt.getTime());
    const listed = (await db.experiments.list({ limit: 1000 })).find((e) => e.id === busy.id);
    expect(listed).toEqual(summary);
    expect(await db.experiments.summary(idle.id)).toMatchObject({ runCount: 0, statusCounts: {}, lastActivityAt: idle.createdAt });
    await expect(db.experiments.summary(randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('reports NOT_FOUND for unknown ids and names', async () => {
    const { db } = t();
    const id = randomUUID();
    await expect(db.experiments.get(id)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'experiment', id } });
    await expect(db.experiments.getByName('no-such-experiment')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
