import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.types';
import { givenDataset, givenRun, uniqueName } from '../testing/fixtures';
import { PROVIDERS, useTestDatabase } from '../testing/test-database';

describe.each(PROVIDERS)('DatasetRepository on %s', (provider) => {
  const t = useTestDatabase(provider);

  it('creates a dataset that owns its tensor artifact and reads it back', async () => {
    const { db } = t();
    const tensor = await db.artifacts.put(Buffer.from([1, 2, 3]), { kind: 'dataset', mediaType: 'application/octet-stream' });
    const name = uniqueName('two-moons');

    const dataset = await db.datasets.create({
      name,
      kind: 'synthetic',
      shape: [2],
      numExamples: 1000,
      hasLabels: false,
      trainCount: 800,
      testCount: 200,
      artifactId: tensor.id,
    });

    expect(dataset).toMatchObject({ name, kind: 'synthetic', shape: [2], numClasses: null, stats: {}, artifactId: tensor.id });
    expect(dataset.createdAt).toBeInstanceOf(Date);
    expect(await db.datasets.get(dataset.id)).toEqual(dataset);
    expect((await db.artifacts.get(tensor.id)).datasetId).toBe(dataset.id);
  });

  it('keeps JSON fields as JSON', async () => {
    const { db } = t();
    const stats = { mean: [0.1, 0.2], perClass: { '0': 5923 }, note: 'ok', nested: { flag: true, none: null } };
    const dataset = await givenDataset(db, { shape: [28, 28, 1], stats });
    expect(await db.datasets.get(dataset.id)).toMatchObject({ shape: [28, 28, 1], stats });
  });

  it('lists newest first with limit and offset', async () => {
    const { db } = t();
    const created: Dataset[] = [];
    for (let i = 0; i < 3; i++) {
      created.push(await givenDataset(db));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const all = await db.datasets.list({ limit: 1000 });
    const ours = all.filter((d) => created.some((c) => c.id === d.id)).map((d) => d.id);
    expect(ours).toEqual(created.map((d) => d.id).reverse());

    const [first] = await db.datasets.list({ limit: 1 });
    const [second] = await db.datasets.list({ limit: 1, offset: 1 });
    expect([first?.id, second?.id]).toEqual(all.slice(0, 2).map((d) => d.id));
    await expect(db.datasets.list({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('rejects an artifact that is missing or already owned', async () => {
    const { db } = t();
    const missing = randomUUID();
    await expect(givenDatasetWith(missing)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'artifact', id: missing } });

    const owned = await givenDataset(db);
    await expect(givenDatasetWith(owned.artifactId)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });

    function givenDatasetWith(artifactId: string) {
      return db.datasets.create({ name: 'x', kind: 'idx', shape: [1], numExamples: 1, hasLabels: false, trainCount: 1, testCount: 0, artifactId });
    }
  });

  it('rejects invalid input', async () => {
    const { db } = t();
    await expect(givenDataset(db, { shape: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(givenDataset(db, { kind: 'csv' as 'idx' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(givenDataset(db, { trainCount: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('deletes the dataset with all its artifacts, rows and files', async () => {
    const { db } = t();
    const dataset = await givenDataset(db);
    const extra = await db.artifacts.put(Buffer.from('preview'), { kind: 'sample-grid', mediaType: 'image/png', datasetId: dataset.id });
    const paths = [await db.artifacts.path(dataset.artifactId), await db.artifacts.path(extra.id)];

    await db.datasets.delete(dataset.id);

    await expect(db.datasets.get(dataset.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    for (const id of [dataset.artifactId, extra.id]) {
      await expect(db.artifacts.get(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    for (const path of paths) await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses to delete a dataset that runs use', async () => {
    const { db } = t();
    const run = await givenRun(db);
    await expect(db.datasets.delete(run.datasetId)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await db.runs.delete(run.id);
    await db.datasets.delete(run.datasetId);
  });

  it('reports NOT_FOUND for unknown ids', async () => {
    const { db } = t();
    const id = randomUUID();
    await expect(db.datasets.get(id)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'dataset', id } });
    await expect(db.datasets.delete(id)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'dataset', id } });
  });
});
