import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { givenRun } from '../testing/fixtures';
import { PROVIDERS, useTestDatabase } from '../testing/test-database';
import { isClaimLost } from './run-claim';

const LEASE_MS = 60_000;

describe.each(PROVIDERS)('run claims on %s', (provider) => {
  const t = useTestDatabase(provider);

  it('claims a queued run once: running, with its worker, a heartbeat and one attempt', async () => {
    const { db } = t();
    const run = await givenRun(db);

    const claim = await db.runs.claim(run.id, { worker: 'host-a:1', backend: 'wasm', leaseMs: LEASE_MS });
    expect(claim?.run).toMatchObject({ status: 'running', worker: 'host-a:1', backend: 'wasm', attempts: 1, stopRequested: false });
    expect(claim?.run.heartbeatAt).toEqual(claim?.run.startedAt);
    expect(await db.runs.claim(run.id, { worker: 'host-b:2', leaseMs: LEASE_MS })).toBeNull();
  });

  it('lets exactly one of many concurrent claimers win', async () => {
    const { db } = t();
    const run = await givenRun(db);
    const other = await t().open();

    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? other : db).runs.claim(run.id, { worker: `worker-${i}`, leaseMs: LEASE_MS })),
    );
    const winners = claims.filter((c) => c !== null);
    expect(winners).toHaveLength(1);
    expect((await db.runs.get(run.id)).worker).toBe(winners[0]?.run.worker);
  });

  it('takes over a running run only once its heartbeat is older than the lease', async () => {
    const { db } = t();
    const run = await givenRun(db);
    const first = await db.runs.claim(run.id, { worker: 'dead', leaseMs: LEASE_MS });

    expect(await db.runs.claim(run.id, { worker: 'eager', leaseMs: LEASE_MS })).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 30));
    const second = await db.runs.claim(run.id, { worker: 'patient', leaseMs: 10 });
    expect(second?.run).toMatchObject({ status: 'running', worker: 'patient', attempts: 2, startedAt: first?.run.startedAt });
    expect(second?.token).not.toBe(first?.token);

    const forced = await db.runs.claim(run.id, { worker: 'restarted', leaseMs: LEASE_MS, takeover: true });
    expect(forced?.run).toMatchObject({ worker: 'restarted', attempts: 3 });
  });

  it('refuses heartbeats and releases under a lost claim', async () => {
    const { db } = t();
    const run = await givenRun(db);
    const old = (await db.runs.claim(run.id, { worker: 'old', leaseMs: LEASE_MS }))!;
    const current = (await db.runs.claim(run.id, { worker: 'new', leaseMs: LEASE_MS, takeover: true }))!;

    expect(await db.runs.heartbeat(run.id, current.token, { stepsDone: 10 })).toEqual({ stopRequested: false });
    await expect(db.runs.heartbeat(run.id, old.token, { stepsDone: 20 })).rejects.toSatisfy(isClaimLost);
    await expect(db.runs.release(run.id, old.token, 'completed')).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', details: { reason: 'CLAIM_LOST' } });
    expect(await db.runs.get(run.id)).toMatchObject({ status: 'running', stepsDone: 10, worker: 'new' });

    const done = await db.runs.release(run.id, current.token, 'completed');
    expect(done).toMatchObject({ status: 'completed', worker: 'new' });
    expect(done.finishedAt).toBeInstanceOf(Date);
    await expect(db.runs.heartbeat(run.id, current.token)).rejects.toSatisfy(isClaimLost);
    await expect(db.runs.heartbeat(randomUUID(), current.token)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('puts a claimed run back in the queue, from where it can be claimed again', async () => {
    const { db } = t();
    const run = await givenRun(db);
    const claim = (await db.runs.claim(run.id, { worker: 'w', leaseMs: LEASE_MS }))!;
    expect(await db.runs.release(run.id, claim.token, 'queued', { reason: 'WORKER_STOPPED' })).toMatchObject({ status: 'queued', worker: null });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const again = await db.runs.claim(run.id, { worker: 'w2', leaseMs: LEASE_MS });
    expect(again?.run).toMatchObject({ worker: 'w2', attempts: 2, startedAt: claim.run.startedAt });
  });

  it('stops a queued run at once and flags a running one for its worker', async () => {
    const { db } = t();
    const queued = await givenRun(db);
    expect(await db.runs.requestStop(queued.id)).toMatchObject({ status: 'cancelled', statusReason: 'STOPPED_BY_USER' });
    expect(await db.runs.claim(queued.id, { worker: 'late', leaseMs: LEASE_MS })).toBeNull();

    const running = await givenRun(db);
    const claim = (await db.runs.claim(running.id, { worker: 'w', leaseMs: LEASE_MS }))!;
    expect(await db.runs.requestStop(running.id)).toMatchObject({ status: 'running', stopRequested: true });
    expect(await db.runs.heartbeat(running.id, claim.token)).toEqual({ stopRequested: true });

    await db.runs.release(running.id, claim.token, 'cancelled', { reason: 'STOPPED_BY_USER' });
    await expect(db.runs.requestStop(running.id)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
    await expect(db.runs.requestStop(randomUUID())).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
