import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { givenDataset, givenRun } from '../testing/fixtures';
import { PROVIDERS, useTestDatabase } from '../testing/test-database';

/** Every file below `dir`, relative to it. */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

describe.each(PROVIDERS)('ArtifactStore on %s', (provider) => {
  const t = useTestDatabase(provider);
  const bytes = Buffer.from('some sample grid bytes');

  it('stores bytes under a server-generated id and reads them back', async () => {
    const { db, dataDir } = t();
    const run = await givenRun(db);
    const artifact = await db.artifacts.put(bytes, { kind: 'sample-grid', mediaType: 'image/png', runId: run.id, meta: { rows: 8 } });

    expect(artifact).toMatchObject({
      kind: 'sample-grid',
      mediaType: 'image/png',
      runId: run.id,
      datasetId: null,
      sizeBytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      meta: { rows: 8 },
    });
    expect(artifact.createdAt).toBeInstanceOf(Date);
    expect(await db.artifacts.get(artifact.id)).toEqual(artifact);
    expect(await db.artifacts.read(artifact.id)).toEqual(bytes);

    const path = await db.artifacts.path(artifact.id);
    expect(path.startsWith(join(dataDir, 'artifacts') + sep)).toBe(true);
    expect(path).toContain(artifact.id);
    expect(await readFile(path)).toEqual(bytes);
    expect(await db.artifacts.list({ runId: run.id })).toEqual([artifact]);
  });

  it('removes the written file when the database insert fails', async () => {
    const { db, dataDir } = t();
    const before = await filesUnder(join(dataDir, 'artifacts'));
    const missingRun = randomUUID();

    await expect(db.artifacts.put(bytes, { kind: 'checkpoint', mediaType: 'application/octet-stream', runId: missingRun })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { what: 'run', id: missingRun },
    });
    expect(await filesUnder(join(dataDir, 'artifacts'))).toEqual(before);
  });

  it('rejects kinds and media types that are not plain tokens', async () => {
    const { db } = t();
    await expect(db.artifacts.put(bytes, { kind: '../../etc', mediaType: 'text/plain' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(db.artifacts.put(bytes, { kind: 'log', mediaType: 'not a type' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('deletes the row and the file', async () => {
    const { db } = t();
    const artifact = await db.artifacts.put(bytes, { kind: 'log', mediaType: 'text/plain' });
    const path = await db.artifacts.path(artifact.id);

    await db.artifacts.delete(artifact.id);

    await expect(db.artifacts.get(artifact.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reports NOT_FOUND for unknown ids', async () => {
    const { db } = t();
    const id = randomUUID();
    for (const attempt of [db.artifacts.get(id), db.artifacts.read(id), db.artifacts.path(id), db.artifacts.delete(id)]) {
      await expect(attempt).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'artifact', id } });
    }
  });

  it('reports NOT_FOUND when the file has gone missing', async () => {
    const { db } = t();
    const artifact = await db.artifacts.put(bytes, { kind: 'log', mediaType: 'text/plain' });
    await rm(await db.artifacts.path(artifact.id));

    await expect(db.artifacts.read(artifact.id)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'artifact file' } });
    await expect(db.artifacts.path(artifact.id)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'artifact file' } });
  });

  it('stores again after its folders were removed from under it (it makes them once and remembers them)', async () => {
    const { db, dataDir } = t();
    const first = await db.artifacts.put(bytes, { kind: 'log', mediaType: 'text/plain' });
    await rm(join(dataDir, 'artifacts'), { recursive: true });
    const second = await db.artifacts.put(bytes, { kind: 'log', mediaType: 'text/plain' });
    expect(await db.artifacts.read(second.id)).toEqual(bytes);
    await expect(db.artifacts.read(first.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("refuses to delete a dataset's tensor file on its own", async () => {
    const { db } = t();
    const dataset = await givenDataset(db);

    await expect(db.artifacts.delete(dataset.artifactId)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect(await db.artifacts.read(dataset.artifactId)).toEqual(Buffer.from('tensor bytes'));
  });
});
