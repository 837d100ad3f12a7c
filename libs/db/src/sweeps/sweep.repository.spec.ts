import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { givenDataset, givenExperiment } from '../testing/fixtures';
import { PROVIDERS, useTestDatabase } from '../testing/test-database';

describe.each(PROVIDERS)('SweepRepository on %s', (provider) => {
  const t = useTestDatabase(provider);
  const run = (datasetId: string, seed: number, latentDim: number) => ({ datasetId, family: 'vae', config: { latentDim }, seed, totalSteps: 100 });

  it('creates a sweep with all its runs queued, and reads them back in order', async () => {
    const { db } = t();
    const experiment = await givenExperiment(db);
    const dataset = await givenDataset(db);
    const spec = { family: 'vae', parameters: [{ field: 'latentDim', values: [2, 4] }], seeds: [1, 2] };
    const created = await db.sweeps.create({
      experimentId: experiment.id,
      name: 'latent sizes',
      method: 'grid',
      spec,
      runs: [run(dataset.id, 1, 2), run(dataset.id, 2, 2), run(dataset.id, 1, 4), run(dataset.id, 2, 4)],
    });

    expect(created.sweep).toMatchObject({ experimentId: experiment.id, name: 'latent sizes', method: 'grid', spec });
    expect(created.runs.map((r) => [r.config['latentDim'], r.seed, r.status, r.sweepId, r.sweepIndex])).toEqual([
      [2, 1, 'queued', created.sweep.id, 0],
      [2, 2, 'queued', created.sweep.id, 1],
      [4, 1, 'queued', created.sweep.id, 2],
      [4, 2, 'queued', created.sweep.id, 3],
    ]);
    expect(await db.sweeps.get(created.sweep.id)).toEqual(created);
    expect((await db.runs.list({ sweepId: created.sweep.id })).map((r) => r.id).sort()).toEqual(created.runs.map((r) => r.id).sort());
  });

  it('creates nothing when one run refers to a missing dataset', async () => {
    const { db } = t();
    const experiment = await givenExperiment(db);
    const dataset = await givenDataset(db);
    await expect(
      db.sweeps.create({ experimentId: experiment.id, method: 'random', spec: {}, runs: [run(dataset.id, 1, 2), run(randomUUID(), 1, 3)] }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'dataset' } });
    expect(await db.runs.count({ experimentId: experiment.id })).toBe(0);
    await expect(db.sweeps.get(randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
