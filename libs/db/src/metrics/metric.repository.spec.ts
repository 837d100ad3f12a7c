import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { givenRunningRun } from '../testing/fixtures';
import { PROVIDERS, useTestDatabase } from '../testing/test-database';

describe.each(PROVIDERS)('MetricRepository on %s', (provider) => {
  const t = useTestDatabase(provider);
  const at = (seconds: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, seconds, 250));

  it('appends points and reads a curve back in step order', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    const written = await db.metrics.appendPoints(run.id, [
      { key: 'loss', step: 2, value: 0.25, time: at(2) },
      { key: 'loss', step: 1, value: 0.5, time: at(1) },
      { key: 'kl', step: 1, value: 3, time: at(1) },
    ]);

    expect(written).toBe(3);
    expect(await db.metrics.listPoints(run.id, { key: 'loss' })).toEqual([
      { runId: run.id, key: 'loss', step: 1, value: 0.5, time: at(1) },
      { runId: run.id, key: 'loss', step: 2, value: 0.25, time: at(2) },
    ]);
    expect((await db.metrics.listPoints(run.id)).map((p) => `${p.key}@${p.step}`)).toEqual(['kl@1', 'loss@1', 'loss@2']);
  });

  it('is idempotent on (run, key, step): the same point twice neither duplicates nor fails', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    const points = [
      { key: 'loss', step: 10, value: 1.5, time: at(10) },
      { key: 'loss', step: 11, value: 1.25, time: at(11) },
    ];

    expect(await db.metrics.appendPoints(run.id, points)).toBe(2);
    expect(await db.metrics.appendPoints(run.id, points)).toBe(0);
    expect(await db.metrics.appendPoints(run.id, [...points, { key: 'loss', step: 12, value: 1, time: at(12) }])).toBe(1);
    expect(await db.metrics.appendPoints(run.id, [{ key: 'acc', step: 1, value: 0.1 }, { key: 'acc', step: 1, value: 0.2 }])).toBe(1);

    const loss = await db.metrics.listPoints(run.id, { key: 'loss' });
    expect(loss.map((p) => [p.step, p.value])).toEqual([[10, 1.5], [11, 1.25], [12, 1]]);
    expect(await db.metrics.listPoints(run.id, { key: 'acc' })).toHaveLength(1);
  });

  it('writes large batches in one go', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    const points = Array.from({ length: 1_234 }, (_, step) => ({ key: 'loss', step, value: 1 / (step + 1) }));

    expect(await db.metrics.appendPoints(run.id, points)).toBe(1_234);
    const curve = await db.metrics.listPoints(run.id, { key: 'loss', limit: 100_000 });
    expect(curve).toHaveLength(1_234);
    expect(curve[1_233]).toMatchObject({ step: 1_233, value: 1 / 1_234 });
  });

  it('pages a growing curve with afterStep and limit', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    await db.metrics.appendPoints(run.id, [1, 2, 3, 4, 5].map((step) => ({ key: 'loss', step, value: step })));

    const page = await db.metrics.listPoints(run.id, { key: 'loss', afterStep: 2, limit: 2 });
    expect(page.map((p) => p.step)).toEqual([3, 4]);
  });

  it('returns the latest point of each key', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    await db.metrics.appendPoints(run.id, [
      { key: 'loss', step: 5, value: 0.5 },
      { key: 'loss', step: 9, value: 0.25 },
      { key: 'kl', step: 3, value: 7 },
    ]);

    const latest = await db.metrics.latest(run.id);
    expect(latest.map((p) => [p.key, p.step, p.value])).toEqual([['kl', 3, 7], ['loss', 9, 0.25]]);
    expect(await db.metrics.latest((await givenRunningRun(db)).id)).toEqual([]);
  });

  it('rejects non-finite values and bad steps with INVALID_ARGUMENT, writing nothing', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    for (const bad of [{ key: 'loss', step: 1, value: Number.NaN }, { key: 'loss', step: 2, value: Infinity }, { key: 'loss', step: -1, value: 0 }, { key: '', step: 1, value: 0 }]) {
      await expect(db.metrics.appendPoints(run.id, [{ key: 'ok', step: 1, value: 1 }, bad])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(await db.metrics.listPoints(run.id)).toEqual([]);
  });

  it('reports NOT_FOUND for an unknown run', async () => {
    const { db } = t();
    const id = randomUUID();
    await expect(db.metrics.appendPoints(id, [{ key: 'loss', step: 1, value: 1 }])).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'run', id } });
    await expect(db.metrics.listPoints(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(db.metrics.latest(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
