import { rm, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '@genlab/compute';
import type { trainingV1 } from '@genlab/contracts';
import { createEpochShuffler, decodeDataset, ring8 } from '@genlab/data';
import type { Database } from '@genlab/db';
import { loadModel } from '@genlab/models';
import { EmbeddedRunQueue } from '../queue/embedded-run-queue';
import { InProcessRunEventBus } from '../runs/run-events';
import { givenDataset, givenQueuedRun, TEST_SETTINGS, useScratchDatabase } from '../testing/training-fixtures';
import { DatasetCache } from './dataset-cache';
import { RunExecutor } from './run-executor';

const scratch = useScratchDatabase();
let db: Database;

const notDraining = { isDraining: () => false };
const losses = async (runId: string) => (await db.metrics.listPoints(runId, { key: 'train/loss' })).map((p) => [p.step, p.value]);

function recordEvents(bus: InProcessRunEventBus, runId: string): trainingV1.RunEvent[] {
  const events: trainingV1.RunEvent[] = [];
  bus.subscribe(runId, (event) => events.push(event), () => undefined);
  return events;
}

beforeAll(() => {
  db = scratch.db;
});

describe('RunExecutor', () => {
  it('trains a queued run to completion: every step logged once, the last 2 checkpoints and the best by validation loss kept', async () => {
    const bus = new InProcessRunEventBus();
    const executor = new RunExecutor(db, TEST_SETTINGS, bus);
    const run = await givenQueuedRun(db, await givenDataset(db));
    const events = recordEvents(bus, run.id);
    const tensors = tf.memory().numTensors;

    expect(await executor.execute(run.id, notDraining)).toBe('completed');

    expect(tf.memory().numTensors).toBe(tensors);
    const done = await db.runs.get(run.id);
    expect(done).toMatchObject({ status: 'completed', stepsDone: 64, worker: executor.worker, attempts: 1, backend: 'wasm' });
    expect((await losses(run.id)).map(([step]) => step)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));

    const saved = events.flatMap((e) => (e.checkpoint?.checkpoint ? [e.checkpoint.checkpoint] : []));
    expect(saved.map((c) => c.step)).toEqual([16, 32, 48, 64]);
    expect(saved.every((c) => Number.isFinite(c.validationLoss))).toBe(true);
    const best = saved.reduce((a, c) => (c.validationLoss! < a.validationLoss! ? c : a));
    const kept = (await db.checkpoints.listByRun(run.id)).map((c) => c.step);
    expect(kept).toEqual([...new Set([best.step, 48, 64])].sort((a, b) => a - b));
    expect((await db.artifacts.list({ runId: run.id, kind: 'checkpoint' })).length).toBe(kept.length);
    expect(events.at(-1)?.status?.statusReason).toBe('');
    expect(events.flatMap((e) => e.metrics?.points ?? []).map((p) => p.step)).toEqual(Array.from({ length: 64 }, (_, i) => i + 1));
  });

  it('reads a dataset once for the runs on it, and they leave its arrays as stored', async () => {
    const datasets = new DatasetCache(1 << 20);
    const executor = new RunExecutor(db, TEST_SETTINGS, new InProcessRunEventBus(), { datasets });
    const dataset = await givenDataset(db);
    const stored = decodeDataset(await db.artifacts.read(dataset.artifactId));
    const first = await givenQueuedRun(db, dataset, { seed: 1 });
    const second = await givenQueuedRun(db, dataset, { seed: 2 });

    expect(await executor.execute(first.id, notDraining)).toBe('completed');
    await rm(await db.artifacts.path(dataset.artifactId));
    expect(await executor.execute(second.id, notDraining)).toBe('completed');

    // The Gaussian VAE's preparation copies nothing: its batches are gathered from the held
    // arrays and its validation losses scored on views of them.
    const held = await datasets.load(db, dataset);
    expect(held.x).toEqual(stored.x);
    expect(held.labels).toEqual(stored.labels);
  });

  it('resumes a run lost by its worker from the latest intact checkpoint, with the loss sequence of an uninterrupted run', async () => {
    const dataset = await givenDataset(db);
    const reference = await givenQueuedRun(db, dataset);
    await new RunExecutor(db, TEST_SETTINGS, new InProcessRunEventBus()).execute(reference.id, notDraining);

    const bus = new InProcessRunEventBus();
    const first = new RunExecutor(db, { ...TEST_SETTINGS, keepCheckpoints: 5 }, bus);
    const run = await givenQueuedRun(db, dataset);
    // Once the checkpoint at step 32 exists, another worker takes the run over (as if this one
    // had stalled past its lease) and then dies itself: it never heartbeats.
    let stolen: Promise<unknown> | undefined;
    bus.subscribe(
      run.id,
      (event) => {
        if (event.checkpoint?.checkpoint?.step === 32) stolen ??= db.runs.claim(run.id, { worker: 'thief', leaseMs: 60_000, takeover: true });
      },
      () => undefined,
    );
    expect(await first.execute(run.id, notDraining)).toBe('lost');
    await stolen;
    const afterLoss = await db.runs.get(run.id);
    expect(afterLoss).toMatchObject({ status: 'running', worker: 'thief' });
    expect(afterLoss.stepsDone).toBeLessThan(64);

    // The latest checkpoint's bytes got corrupted on disk: resuming must fall back to step 16.
    const checkpoints = await db.checkpoints.listByRun(run.id);
    expect(checkpoints.map((c) => c.step)).toEqual([16, 32]);
    await writeFile(await db.artifacts.path(checkpoints[1]!.artifactId), Buffer.from('GENLABM\0 half a checkpoint'));

    // A restarted embedded service finds the run running and resumes it at once.
    const second = new RunExecutor(db, TEST_SETTINGS, new InProcessRunEventBus());
    const queue = new EmbeddedRunQueue(db, second, 1);
    await queue.start();
    await expect.poll(async () => (await db.runs.get(run.id)).status, { timeout: 60_000, interval: 100 }).toBe('completed');
    await queue.drain();

    expect(await db.runs.get(run.id)).toMatchObject({ worker: second.worker, attempts: 3, stepsDone: 64 });
    expect(await losses(run.id)).toEqual(await losses(reference.id));
    const final = await db.checkpoints.listByRun(run.id);
    expect(final.map((c) => c.step)).toContain(64);
    expect(final.find((c) => c.step === 32)?.artifactId).not.toBe(checkpoints[1]!.artifactId);
    for (const checkpoint of final) {
      const model = await loadModel(await db.artifacts.read(checkpoint.artifactId));
      expect(model.stepCount).toBe(checkpoint.step);
      model.dispose();
    }
  });

  it('stops a running run flagged by StopRun from any process at its next heartbeat, with a checkpoint', async () => {
    const executor = new RunExecutor(db, TEST_SETTINGS, new InProcessRunEventBus());
    const run = await givenQueuedRun(db, await givenDataset(db), { config: { likelihood: 'gaussian', latentDim: 2, hiddenDims: [16], batchSize: 64, epochs: 1_000 } });
    const outcome = executor.execute(run.id, notDraining);
    await expect.poll(async () => (await db.runs.get(run.id)).stepsDone, { timeout: 30_000, interval: 50 }).toBeGreaterThan(20);
    await db.runs.requestStop(run.id);

    expect(await outcome).toBe('cancelled');
    const stopped = await db.runs.get(run.id);
    expect(stopped).toMatchObject({ status: 'cancelled', statusReason: 'STOPPED_BY_USER' });
    expect((await db.checkpoints.latest(run.id))?.step).toBe(stopped.stepsDone);
  });

  it('fails a run whose loss overflows with NON_FINITE_LOSS at that step, keeping its last good checkpoint', async () => {
    // One training example is 1e30 (its squared error overflows float32). With 1,056 training
    // examples each epoch drops the 32 its permutation puts last: the example is one the first
    // epoch drops, so it first appears after the checkpoint at the end of that epoch (step 16).
    const data = ring8.sample(1_056 + 256, 12);
    const shuffler = createEpochShuffler({ count: 1_056, batchSize: 64, seed: 8, dropLast: true });
    const [first, second] = [shuffler.permutation(0), shuffler.permutation(1)];
    const poisoned = [...first.subarray(1_024)].map((i) => ({ i, at: second.indexOf(i) })).filter((c) => c.at < 1_024).sort((a, b) => a.at - b.at)[0]!;
    const badStep = 16 + Math.floor(poisoned.at / 64) + 1;
    const x = Float32Array.from(data.x);
    x[poisoned.i * 2] = 1e30;
    const run = await givenQueuedRun(db, await givenDataset(db, { ...data, x }), { seed: 8 });

    expect(await new RunExecutor(db, TEST_SETTINGS, new InProcessRunEventBus()).execute(run.id, notDraining)).toBe('failed');

    const failed = await db.runs.get(run.id);
    expect(failed).toMatchObject({ status: 'failed', statusReason: 'NON_FINITE_LOSS' });
    expect(failed.error).toMatch(new RegExp(`the loss became (-?Infinity|NaN) at step ${badStep};`));
    expect((await losses(run.id)).map(([step]) => step)).toEqual(Array.from({ length: badStep - 1 }, (_, i) => i + 1));
    const kept = await db.checkpoints.listByRun(run.id);
    expect(kept.map((c) => c.step)).toEqual([16]);
    const model = await loadModel(await db.artifacts.read(kept[0]!.artifactId));
    expect(model.stepCount).toBe(16);
    model.dispose();
  });
});
