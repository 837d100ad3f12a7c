import { readFile, rm, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeDataset, ring8 } from '@genlab/data';
import type { Database, Dataset } from '@genlab/db';
import { givenDataset, useScratchDatabase } from '../testing/training-fixtures';
import { DatasetCache } from './dataset-cache';

const scratch = useScratchDatabase();
let db: Database;

beforeAll(() => {
  db = scratch.db;
});

/** ring8 points, `count` of them: 12 bytes each (two float32 coordinates, an int32 label). */
const POINT_BYTES = 12;
const given = (count: number, seed = 1): Promise<Dataset> => givenDataset(db, ring8.sample(count, seed), count / 4);
const removeFile = async (record: Dataset) => rm(await db.artifacts.path(record.artifactId));

describe('DatasetCache', () => {
  it('reads a dataset once: a later load gives the same arrays though the file is gone', async () => {
    const cache = new DatasetCache(1 << 20);
    const record = await given(1_000);
    const stored = decodeDataset(await db.artifacts.read(record.artifactId));

    const first = await cache.load(db, record);
    await removeFile(record);
    const second = await cache.load(db, record);

    expect(second).toBe(first);
    expect(first.x).toEqual(stored.x);
    expect(cache.size).toEqual({ datasets: 1, bytes: 1_000 * POINT_BYTES });
  });

  it('keeps nothing with a budget of 0: every load reads the file', async () => {
    const cache = new DatasetCache(0);
    const record = await given(1_000);
    await cache.load(db, record);
    await removeFile(record);
    await expect(cache.load(db, record)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(cache.size).toEqual({ datasets: 0, bytes: 0 });
  });

  it('shares one read between concurrent loads of a dataset', async () => {
    const cache = new DatasetCache(1 << 20);
    const record = await given(1_000);
    const [a, b] = await Promise.all([cache.load(db, record), cache.load(db, record)]);
    expect(b).toBe(a);
  });

  it('drops the least recently used dataset once past its budget, and keeps none larger than the budget', async () => {
    const cache = new DatasetCache(2 * 1_000 * POINT_BYTES); // two of 1,000 points
    const [a, b, c, large] = await Promise.all([given(1_000, 1), given(1_000, 2), given(1_000, 3), given(2_004, 4)]);
    await cache.load(db, a);
    await cache.load(db, b);
    await cache.load(db, a); // a is used after b now
    await cache.load(db, c);
    expect(cache.size).toEqual({ datasets: 2, bytes: 2 * 1_000 * POINT_BYTES });
    await cache.load(db, large);
    expect(cache.size).toEqual({ datasets: 2, bytes: 2 * 1_000 * POINT_BYTES });

    await Promise.all([a, b, c, large].map(removeFile));
    await expect(cache.load(db, a)).resolves.toBeDefined();
    await expect(cache.load(db, c)).resolves.toBeDefined();
    await expect(cache.load(db, b)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(cache.load(db, large)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps a load under way when it drops datasets, so later loads of it still share its read', async () => {
    const cache = new DatasetCache(2 * 1_000 * POINT_BYTES);
    const [a, b, c, d] = await Promise.all([given(1_000, 1), given(1_000, 2), given(1_000, 3), given(1_000, 4)]);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The same database, but a's file is read only once the gate opens.
    const held: Database = Object.assign(Object.create(db) as Database, {
      artifacts: { ...db.artifacts, read: async (id: string) => (id === a.artifactId ? gate.then(() => db.artifacts.read(id)) : db.artifacts.read(id)) },
    });
    const loadingA = cache.load(held, a);
    await cache.load(held, b);
    await cache.load(held, c);
    await cache.load(held, d); // past the budget: b goes, a (loading, and older) stays

    expect(cache.size).toEqual({ datasets: 3, bytes: 2 * 1_000 * POINT_BYTES });
    expect(cache.load(held, a)).toBe(loadingA);
    release();
    expect((await loadingA).count).toBe(1_000);
  });

  it('does not keep a failed load: the next load reads the file again', async () => {
    const cache = new DatasetCache(1 << 20);
    const record = await given(1_000);
    const path = await db.artifacts.path(record.artifactId);
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, 100));

    await expect(cache.load(db, record)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(cache.size).toEqual({ datasets: 0, bytes: 0 });
    await writeFile(path, bytes);
    expect((await cache.load(db, record)).count).toBe(1_000);
  });

  it('lets go of everything on clear(), a load under way included', async () => {
    const cache = new DatasetCache(1 << 20);
    const [a, b] = await Promise.all([given(1_000, 1), given(1_000, 2)]);
    await cache.load(db, a);
    const loading = cache.load(db, b);
    cache.clear();
    await loading;
    expect(cache.size).toEqual({ datasets: 0, bytes: 0 });
  });
});
