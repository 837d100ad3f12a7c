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

  it('reports NOT_FOUND for unknown ids and names', async () => {
    const { db } = t();
    const id = randomUUID();
    await expect(db.experiments.get(id)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'experiment', id } });
    await expect(db.experiments.getByName('no-such-experiment')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
