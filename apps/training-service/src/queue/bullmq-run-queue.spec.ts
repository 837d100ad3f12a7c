import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initCompute } from '@genlab/compute';
import type { Database, Dataset, Run } from '@genlab/db';
import { RunExecutor } from '../execution/run-executor';
import { InProcessRunEventBus } from '../runs/run-events';
import { givenDataset, givenQueuedRun, openScratchDatabase, SMALL_VAE, TEST_SETTINGS } from '../testing/training-fixtures';
import { BullmqRunQueue } from './bullmq-run-queue';

// Against the local Redis (REDIS_URL or redis://127.0.0.1:6379), each test under its own key prefix.
const REDIS_URL = process.env['GENLAB_TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const LOCK_MS = 1_000;

let scratch: Awaited<ReturnType<typeof openScratchDatabase>>;
let db: Database;
let dataset: Dataset;
let admin: Redis;
let prefix: string;
const opened: { close(): Promise<unknown> }[] = [];

function queue(worker?: string): BullmqRunQueue {
  const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const executor = worker ? new RunExecutor(db, TEST_SETTINGS, new InProcessRunEventBus(), { worker }) : undefined;
  const created = new BullmqRunQueue(db, executor, { connection, prefix, concurrency: 1, lockMs: LOCK_MS, leaseMs: TEST_SETTINGS.runLeaseMs });
  opened.push({ close: () => created.drain() });
  return created;
}

const status = async (run: Run) => (await db.runs.get(run.id)).status;
const steps = async (run: Run) => (await db.metrics.listPoints(run.id, { key: 'train/loss' })).map((p) => p.step);
const losses = async (run: Run) => (await db.metrics.listPoints(run.id, { key: 'train/loss' })).map((p) => p.value);
const allSteps = Array.from({ length: 64 }, (_, i) => i + 1);

beforeAll(async () => {
  await initCompute({ backend: 'wasm', logger: false });
  admin = new Redis(REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  await admin.connect().catch((error: unknown) => {
    throw new Error(`Redis is not reachable at ${REDIS_URL}: start it (redis-server --daemonize yes --port 6379) or set GENLAB_TEST_REDIS_URL`, { cause: error });
  });
  scratch = await openScratchDatabase();
  db = scratch.db;
  dataset = await givenDataset(db);
});

beforeEach(() => {
  prefix = `genlab-test-${randomUUID().slice(0, 8)}`;
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((q) => q.close()));
  const keys = await admin.keys(`${prefix}:*`);
  if (keys.length > 0) await admin.del(...keys);
});

afterAll(async () => {
  await admin?.quit();
  await scratch?.drop();
});

describe('BullmqRunQueue', () => {
  it('carries queued runs through Redis to two workers: each run claimed once, trained to the end, every step logged once', async () => {
    const api = queue();
    await Promise.all([queue('worker-1').start(), queue('worker-2').start(), api.start()]);
    const runs = await Promise.all([1, 2, 3, 4].map(() => givenQueuedRun(db, dataset)));
    await api.enqueue(runs.map((r) => r.id));
    await api.enqueue([runs[0]!.id]); // queuing a run twice is a no-op

    for (const run of runs) await expect.poll(() => status(run), { timeout: 60_000, interval: 100 }).toBe('completed');
    const done = await Promise.all(runs.map((r) => db.runs.get(r.id)));
    expect(done.map((r) => r.attempts)).toEqual([1, 1, 1, 1]);
    expect(new Set(done.map((r) => r.worker))).toEqual(new Set(['worker-1', 'worker-2']));
    for (const run of runs) expect(await steps(run)).toEqual(allSteps);
    // Same config, seed and data: every run, whichever worker trained it, has the same curve.
    const curves = await Promise.all(runs.map(losses));
    for (const curve of curves) expect(curve).toEqual(curves[0]);
  });

  it('drops a stopped queued run before it trains, and stops a running run on the worker holding it', async () => {
    const api = queue();
    await api.start();
    const waiting = await givenQueuedRun(db, dataset);
    await api.enqueue([waiting.id]);
    await api.stopped(await db.runs.requestStop(waiting.id));

    const long = await givenQueuedRun(db, dataset, { config: { ...SMALL_VAE, maxSteps: 100_000, epochs: 10_000 } });
    await api.enqueue([long.id]);
    await queue('worker-1').start();
    await expect.poll(async () => (await db.runs.get(long.id)).stepsDone, { timeout: 30_000, interval: 50 }).toBeGreaterThan(0);
    await api.stopped(await db.runs.requestStop(long.id)); // this process does not train it: the flag reaches the worker

    await expect.poll(() => status(long), { timeout: 30_000, interval: 100 }).toBe('cancelled');
    expect(await db.runs.get(long.id)).toMatchObject({ statusReason: 'STOPPED_BY_USER', worker: 'worker-1' });
    expect(await db.runs.get(waiting.id)).toMatchObject({ status: 'cancelled', attempts: 0 });
  });

  it('gives a stalled job (its worker stopped renewing the lock and the claim) to another worker, which resumes the run', async () => {
    const reference = await completedReference();
    const run = await runStoppedAtStep20();

    // A worker that takes the job and claims the run, then freezes: no lock renewal, no
    // heartbeat, which is how a killed or hung process looks from outside.
    const connection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    let frozen = false;
    const zombie = new Worker(
      'training-runs',
      async () => {
        await db.runs.claim(run.id, { worker: 'zombie', leaseMs: TEST_SETTINGS.runLeaseMs });
        frozen = true;
        await new Promise(() => undefined);
      },
      { connection, prefix, lockDuration: LOCK_MS, stalledInterval: LOCK_MS, skipLockRenewal: true },
    );
    opened.push({ close: async () => (await zombie.close(true), await connection.quit()) });
    const api = queue();
    await api.start();
    await api.enqueue([run.id]);
    await expect.poll(() => frozen, { timeout: 10_000 }).toBe(true);
    await zombie.pause(true);
    expect(await db.runs.get(run.id)).toMatchObject({ status: 'running', worker: 'zombie' });

    await queue('worker-1').start();
    await expect.poll(() => status(run), { timeout: 60_000, interval: 100 }).toBe('completed');
    expect(await db.runs.get(run.id)).toMatchObject({ worker: 'worker-1', attempts: 3, stepsDone: 64 });
    expect(await steps(run)).toEqual(allSteps);
    expect(await losses(run)).toEqual(await losses(reference));
  });

  it('finds a running run whose job is gone once its lease expires, and resumes it from its checkpoint', async () => {
    const reference = await completedReference();
    const run = await runStoppedAtStep20();
    // Claimed by a worker that died before Redis ever had a job for it (or Redis lost it).
    await db.runs.claim(run.id, { worker: 'ghost', leaseMs: TEST_SETTINGS.runLeaseMs });

    await queue('worker-2').start();
    await expect.poll(() => status(run), { timeout: 60_000, interval: 100 }).toBe('completed');
    expect(await db.runs.get(run.id)).toMatchObject({ worker: 'worker-2', attempts: 3 });
    expect(await steps(run)).toEqual(allSteps);
    expect(await losses(run)).toEqual(await losses(reference));
  });
});

/** A run trained straight through, to compare curves with. */
async function completedReference(): Promise<Run> {
  const run = await givenQueuedRun(db, dataset);
  await new RunExecutor(db, TEST_SETTINGS, new InProcessRunEventBus()).execute(run.id, { isDraining: () => false });
  return run;
}

/** A run a worker trained to step 20 and handed back to the queue as it drained (checkpointed at 16 and 20). */
async function runStoppedAtStep20(): Promise<Run> {
  const run = await givenQueuedRun(db, dataset);
  const bus = new InProcessRunEventBus();
  // The training loop asks before each step whether to stop: the 21st question comes with 20 steps done.
  let asked = 0;
  const outcome = await new RunExecutor(db, TEST_SETTINGS, bus, { worker: 'first' }).execute(run.id, { isDraining: () => ++asked > 20, onDrain: 'requeue' });
  expect(outcome).toBe('requeued');
  expect(await db.runs.get(run.id)).toMatchObject({ status: 'queued', statusReason: 'WORKER_STOPPED', stepsDone: 20, attempts: 1 });
  expect((await db.checkpoints.listByRun(run.id)).map((c) => c.step)).toEqual([16, 20]);
  return run;
}
