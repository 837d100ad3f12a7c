import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { Database } from '../database';
import { givenRun, givenRunningRun } from '../testing/fixtures';
import { PROVIDERS, useTestDatabase } from '../testing/test-database';

const weights = (db: Database, runId?: string) =>
  db.artifacts.put(Buffer.from('weights'), { kind: 'checkpoint', mediaType: 'application/octet-stream', runId });

describe.each(PROVIDERS)('CheckpointRepository on %s', (provider) => {
  const t = useTestDatabase(provider);

  it('creates checkpoints, lists them in step order and finds the latest', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    const late = await db.checkpoints.create({ runId: run.id, step: 500, artifactId: (await weights(db, run.id)).id, validationLoss: 91.25 });
    const early = await db.checkpoints.create({ runId: run.id, step: 100, artifactId: (await weights(db, run.id)).id });

    expect(late).toMatchObject({ runId: run.id, step: 500, validationLoss: 91.25 });
    expect(early.validationLoss).toBeNull();
    expect(late.createdAt).toBeInstanceOf(Date);
    expect(await db.checkpoints.get(early.id)).toEqual(early);
    expect(await db.checkpoints.listByRun(run.id)).toEqual([early, late]);
    expect(await db.checkpoints.latest(run.id)).toEqual(late);
  });

  it('takes ownership of an unowned artifact', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    const artifact = await weights(db);
    await db.checkpoints.create({ runId: run.id, step: 1, artifactId: artifact.id });
    expect((await db.artifacts.get(artifact.id)).runId).toBe(run.id);
  });

  it('returns null as the latest checkpoint of a run without any', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    expect(await db.checkpoints.latest(run.id)).toBeNull();
    expect(await db.checkpoints.listByRun(run.id)).toEqual([]);
  });

  it('refuses a second checkpoint at the same step with ALREADY_EXISTS', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    await db.checkpoints.create({ runId: run.id, step: 7, artifactId: (await weights(db, run.id)).id });
    await expect(db.checkpoints.create({ runId: run.id, step: 7, artifactId: (await weights(db, run.id)).id })).rejects.toMatchObject({
      code: 'ALREADY_EXISTS',
    });
  });

  it("refuses another run's artifact", async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    const other = await givenRunningRun(db);
    await expect(db.checkpoints.create({ runId: run.id, step: 1, artifactId: (await weights(db, other.id)).id })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
  });

  it('reports NOT_FOUND for unknown runs, artifacts and checkpoints', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    const id = randomUUID();
    await expect(db.checkpoints.get(id)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'checkpoint', id } });
    await expect(db.checkpoints.listByRun(id)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'run' } });
    await expect(db.checkpoints.latest(id)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'run' } });
    await expect(db.checkpoints.create({ runId: id, step: 1, artifactId: (await weights(db)).id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { what: 'run' },
    });
    await expect(db.checkpoints.create({ runId: run.id, step: 1, artifactId: id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      details: { what: 'artifact' },
    });
  });

  it('records a checkpoint only under the current claim when fenced', async () => {
    const { db } = t();
    const run = await givenRun(db);
    const lost = (await db.runs.claim(run.id, { worker: 'old', leaseMs: 60_000 }))!;
    await db.runs.claim(run.id, { worker: 'new', leaseMs: 60_000, takeover: true });
    const artifact = await weights(db, run.id);
    await expect(db.checkpoints.create({ runId: run.id, step: 3, artifactId: artifact.id }, { claimToken: lost.token })).rejects.toMatchObject({
      details: { reason: 'CLAIM_LOST' },
    });
    expect(await db.checkpoints.latest(run.id)).toBeNull();
  });

  it('answers a fenced create as an unfenced one: the stored row, ALREADY_EXISTS, INVALID_ARGUMENT, NOT_FOUND, an unowned artifact taken', async () => {
    const { db } = t();
    const run = await givenRun(db);
    const claim = (await db.runs.claim(run.id, { worker: 'w', leaseMs: 60_000 }))!;
    const fenced = { claimToken: claim.token };
    const created = await db.checkpoints.create({ runId: run.id, step: 10, artifactId: (await weights(db, run.id)).id, validationLoss: 3.375 }, fenced);
    expect(created).toMatchObject({ runId: run.id, step: 10, validationLoss: 3.375 });
    expect(await db.checkpoints.get(created.id)).toEqual(created);
    const unscored = await db.checkpoints.create({ runId: run.id, step: 20, artifactId: (await weights(db, run.id)).id }, fenced);
    expect((await db.checkpoints.get(unscored.id)).validationLoss).toBeNull();

    await expect(db.checkpoints.create({ runId: run.id, step: 10, artifactId: (await weights(db, run.id)).id }, fenced)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await expect(db.checkpoints.create({ runId: run.id, step: 30, artifactId: created.artifactId }, fenced)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    const other = await givenRunningRun(db);
    await expect(db.checkpoints.create({ runId: run.id, step: 30, artifactId: (await weights(db, other.id)).id }, fenced)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const missing = randomUUID();
    await expect(db.checkpoints.create({ runId: run.id, step: 30, artifactId: missing }, fenced)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'artifact', id: missing } });
    await expect(db.checkpoints.create({ runId: missing, step: 30, artifactId: (await weights(db)).id }, fenced)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'run', id: missing } });
    const unowned = await weights(db);
    await db.checkpoints.create({ runId: run.id, step: 30, artifactId: unowned.id }, fenced);
    expect((await db.artifacts.get(unowned.id)).runId).toBe(run.id);
    expect((await db.checkpoints.listByRun(run.id)).map((c) => c.step)).toEqual([10, 20, 30]);
  });

  it('refuses a fenced prune once the claim is lost, deleting nothing; prunes everything with nothing kept', async () => {
    const { db } = t();
    const run = await givenRun(db);
    const lost = (await db.runs.claim(run.id, { worker: 'old', leaseMs: 60_000 }))!;
    const c1 = await db.checkpoints.create({ runId: run.id, step: 1, artifactId: (await weights(db, run.id)).id }, { claimToken: lost.token });
    const current = (await db.runs.claim(run.id, { worker: 'new', leaseMs: 60_000, takeover: true }))!;
    const c2 = await db.checkpoints.create({ runId: run.id, step: 2, artifactId: (await weights(db, run.id)).id }, { claimToken: current.token });
    const orphan = await weights(db, run.id);
    await expect(db.checkpoints.prune(run.id, [c2.id], { claimToken: lost.token })).rejects.toMatchObject({ details: { reason: 'CLAIM_LOST' } });
    expect((await db.checkpoints.listByRun(run.id)).map((c) => c.id)).toEqual([c1.id, c2.id]);
    expect((await db.artifacts.get(orphan.id)).id).toBe(orphan.id); // not even the orphan went
    // A checkpoint on an artifact of another kind (taken over unowned) goes too.
    const other = await db.artifacts.put(Buffer.from('weights'), { kind: 'model', mediaType: 'application/octet-stream' });
    const c3 = await db.checkpoints.create({ runId: run.id, step: 3, artifactId: other.id }, { claimToken: current.token });
    expect(await db.checkpoints.prune(run.id, [], { claimToken: current.token })).toEqual([c1.id, c2.id, c3.id]);
    expect(await db.checkpoints.listByRun(run.id)).toEqual([]);
    await expect(db.artifacts.get(orphan.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(db.checkpoints.prune(randomUUID(), [], { claimToken: current.token })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('prunes what is not kept, sparing evaluated checkpoints, and removes orphaned checkpoint files', async () => {
    const { db } = t();
    const run = await givenRun(db);
    const claim = (await db.runs.claim(run.id, { worker: 'w', leaseMs: 60_000 }))!;
    const at = async (step: number) => db.checkpoints.create({ runId: run.id, step, artifactId: (await weights(db, run.id)).id }, { claimToken: claim.token });
    const [c1, c2, c3, c4] = [await at(1), await at(2), await at(3), await at(4)];
    await db.evaluations.create({ checkpointId: c2.id, metrics: ['test_nll'] });
    const orphan = await weights(db, run.id); // its bytes were written, its checkpoint never recorded
    const paths = { c1: await db.artifacts.path(c1.artifactId), orphan: await db.artifacts.path(orphan.id) };

    expect(await db.checkpoints.prune(run.id, [c3.id, c4.id], { claimToken: claim.token })).toEqual([c1.id]);
    expect((await db.checkpoints.listByRun(run.id)).map((c) => c.step)).toEqual([2, 3, 4]);
    await expect(db.artifacts.get(orphan.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(readFile(paths.c1)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readFile(paths.orphan)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await db.checkpoints.prune(run.id, [c3.id, c4.id], { claimToken: claim.token })).toEqual([]);
  });
});
