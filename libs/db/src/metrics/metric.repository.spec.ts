import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { givenRun, givenRunningRun } from '../testing/fixtures';
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

  it('round-trips NaN, ±Infinity, −0, 1e308 and the smallest subnormal identically', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    const values = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, 1e308, -1e308, 5e-324, 0.1 + 0.2];
    await db.metrics.appendPoints(run.id, values.map((value, step) => ({ key: 'edge', step, value })));
    const back = (await db.metrics.listPoints(run.id, { key: 'edge' })).map((p) => p.value);
    expect(back).toHaveLength(values.length);
    back.forEach((value, i) => expect(Object.is(value, values[i]), `step ${i}: ${values[i]} came back as ${value}`).toBe(true));
    expect(Object.is((await db.metrics.latest(run.id))[0]?.value, 0.1 + 0.2)).toBe(true);
    const printed = `${values.length} values, ${back.filter((v, i) => Object.is(v, values[i])).length} identical`;
    console.log(`metric round-trip on ${provider}: ${printed}`);
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

  it('rejects bad steps, keys and non-numbers with INVALID_ARGUMENT, writing nothing', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    for (const bad of [{ key: 'loss', step: 1, value: '1' as unknown as number }, { key: 'loss', step: -1, value: 0 }, { key: '', step: 1, value: 0 }]) {
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

  it('fences writes with a claim token: refused, writing nothing, once another worker holds the run', async () => {
    const { db } = t();
    const run = await givenRun(db);
    const lost = (await db.runs.claim(run.id, { worker: 'old', leaseMs: 60_000 }))!;
    expect(await db.metrics.appendPoints(run.id, [{ key: 'loss', step: 1, value: 2 }], { claimToken: lost.token })).toBe(1);

    const current = (await db.runs.claim(run.id, { worker: 'new', leaseMs: 60_000, takeover: true }))!;
    await expect(db.metrics.appendPoints(run.id, [{ key: 'loss', step: 2, value: 1 }], { claimToken: lost.token })).rejects.toMatchObject({
      code: 'FAILED_PRECONDITION',
      details: { reason: 'CLAIM_LOST' },
    });
    expect(await db.metrics.appendPoints(run.id, [{ key: 'loss', step: 1, value: 9 }, { key: 'loss', step: 2, value: 1 }], { claimToken: current.token })).toBe(1);
    expect((await db.metrics.listPoints(run.id)).map((p) => [p.step, p.value])).toEqual([[1, 2], [2, 1]]);
  });

  it('fences every size of batch (one statement up to 500 points, a transaction above) and refuses once the run has ended or is gone', async () => {
    const { db } = t();
    const run = await givenRun(db);
    const claim = (await db.runs.claim(run.id, { worker: 'w', leaseMs: 60_000 }))!;
    const curve = (from: number, count: number) => Array.from({ length: count }, (_, i) => ({ key: 'loss', step: from + i, value: 1 / (from + i) }));
    expect(await db.metrics.appendPoints(run.id, curve(1, 500), { claimToken: claim.token })).toBe(500);
    expect(await db.metrics.appendPoints(run.id, curve(401, 700), { claimToken: claim.token })).toBe(600);
    expect(await db.metrics.appendPoints(run.id, curve(1, 3), { claimToken: claim.token })).toBe(0); // stored already: not an error

    await db.runs.release(run.id, claim.token, 'completed');
    const lost = { code: 'FAILED_PRECONDITION', details: { reason: 'CLAIM_LOST' } };
    await expect(db.metrics.appendPoints(run.id, curve(2_000, 3), { claimToken: claim.token })).rejects.toMatchObject(lost);
    await expect(db.metrics.appendPoints(run.id, curve(2_000, 501), { claimToken: claim.token })).rejects.toMatchObject(lost);
    expect(await db.metrics.listPoints(run.id, { afterStep: 1_100 })).toEqual([]);
    expect((await db.metrics.listPoints(run.id)).length).toBe(1_100);

    await db.runs.delete(run.id);
    await expect(db.metrics.appendPoints(run.id, curve(1, 3), { claimToken: claim.token })).rejects.toMatchObject({ code: 'NOT_FOUND', details: { what: 'run', id: run.id } });
  });

  it('refuses a lost claim even when every point is stored already (the fence comes before the duplicates)', async () => {
    const { db } = t();
    const run = await givenRun(db);
    const old = (await db.runs.claim(run.id, { worker: 'old', leaseMs: 60_000 }))!;
    expect(await db.metrics.appendPoints(run.id, [{ key: 'loss', step: 1, value: 2 }], { claimToken: old.token })).toBe(1);
    await db.runs.claim(run.id, { worker: 'new', leaseMs: 60_000, takeover: true });
    await expect(db.metrics.appendPoints(run.id, [{ key: 'loss', step: 1, value: 2 }], { claimToken: old.token })).rejects.toMatchObject({ details: { reason: 'CLAIM_LOST' } });
  });

  it.runIf(provider === 'postgresql')('orders a fenced write after a takeover in flight: it waits for it, then finds the claim lost', async () => {
    const { db, databaseUrl } = t();
    const run = await givenRun(db);
    const old = (await db.runs.claim(run.id, { worker: 'old', leaseMs: 60_000 }))!;
    const other = new pg.Client({ connectionString: databaseUrl });
    await other.connect();
    try {
      // Another worker's takeover, not yet committed: it holds the run's row.
      await other.query('BEGIN');
      await other.query(`UPDATE "Run" SET "claimToken" = 'taken', "worker" = 'new' WHERE "id" = $1`, [run.id]);
      let settled = false;
      const write = db.metrics.appendPoints(run.id, [{ key: 'loss', step: 7, value: 1 }], { claimToken: old.token }).finally(() => (settled = true));
      write.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false); // a plain read of the run would have seen the old claim and written
      await other.query('COMMIT');
      await expect(write).rejects.toMatchObject({ details: { reason: 'CLAIM_LOST' } });
      expect(await db.metrics.listPoints(run.id)).toEqual([]);
    } finally {
      await other.end();
    }
  });
});
