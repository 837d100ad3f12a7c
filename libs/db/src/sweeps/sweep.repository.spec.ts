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

  it('lists sweeps by creation time, and finds the completed runs of given sweeps that have no evaluation', async () => {
    const { db } = t();
    const experiment = await givenExperiment(db);
    const dataset = await givenDataset(db);
    const first = await db.sweeps.create({ experimentId: experiment.id, method: 'grid', spec: { evaluateMetrics: ['accuracy'] }, runs: [run(dataset.id, 1, 2), run(dataset.id, 2, 2), run(dataset.id, 3, 2)] });
    const second = await db.sweeps.create({ experimentId: experiment.id, method: 'grid', spec: {}, runs: [run(dataset.id, 1, 4)] });
    expect((await db.sweeps.list()).map((s) => s.id)).toEqual(expect.arrayContaining([first.sweep.id, second.sweep.id]));
    expect((await db.sweeps.list({ createdFrom: second.sweep.createdAt })).map((s) => s.id)).toContain(second.sweep.id);
    expect((await db.sweeps.list({ createdFrom: new Date(Date.now() + 60_000) })).length).toBe(0);

    const [evaluated, pending, running] = first.runs;
    for (const r of [evaluated!, pending!, second.runs[0]!]) {
      await db.runs.updateStatus(r.id, 'running', { worker: 'w' });
      await db.runs.updateStatus(r.id, 'completed');
    }
    await db.runs.updateStatus(running!.id, 'running', { worker: 'w' });
    const artifact = await db.artifacts.put(Buffer.from('weights'), { kind: 'checkpoint', mediaType: 'application/octet-stream', runId: evaluated!.id });
    const checkpoint = await db.checkpoints.create({ runId: evaluated!.id, step: 100, artifactId: artifact.id });
    await db.evaluations.create({ checkpointId: checkpoint.id, metrics: ['accuracy'], options: {}, status: 'queued' });

    expect((await db.sweeps.completedRunsWithoutEvaluation([first.sweep.id])).map((r) => r.id)).toEqual([pending!.id]);
    expect((await db.sweeps.completedRunsWithoutEvaluation([first.sweep.id, second.sweep.id])).map((r) => r.id).sort()).toEqual(
      [pending!.id, second.runs[0]!.id].sort(),
    );
    expect(await db.sweeps.completedRunsWithoutEvaluation([])).toEqual([]);
  });
});
