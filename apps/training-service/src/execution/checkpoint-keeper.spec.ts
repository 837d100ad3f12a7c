import type { LoggerService } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { ring8 } from '@genlab/data';
import { createModel } from '@genlab/models';
import { givenDataset, givenQueuedRun, SMALL_VAE, useScratchDatabase } from '../testing/training-fixtures';
import { CheckpointKeeper } from './checkpoint-keeper';
import type { MetricWriter } from './metric-writer';
import { CheckpointWorker } from './checkpoint-worker';

const scratch = useScratchDatabase();

const quiet: LoggerService = { log: () => undefined, warn: () => undefined, error: () => undefined };

async function keeperFor(flush: () => Promise<void>, thread?: CheckpointWorker, logger = quiet, scoreOnThread = true) {
  const { db } = scratch;
  const run = await givenQueuedRun(db, await givenDataset(db));
  const claim = await db.runs.claim(run.id, { worker: 'spec', leaseMs: 30_000 });
  const keeper = new CheckpointKeeper({
    db,
    run,
    claimToken: claim!.token,
    keep: 2,
    retryMs: 1_000,
    heldOut: ring8.sample(64, 2),
    metrics: { flush } as unknown as MetricWriter,
    onSaved: () => undefined,
    logger,
    totalSteps: 64,
    gridShare: 1,
    thread,
    scoreOnThread,
  });
  return { run, keeper };
}

describe('CheckpointKeeper', () => {
  it('records a checkpoint: its bytes, its row with the validation loss, and the grid of its samples', async () => {
    const { db } = scratch;
    const { run, keeper } = await keeperFor(() => Promise.resolve());
    const model = createModel('vae', SMALL_VAE, { dataShape: [2], seed: 1 });
    const tensors = tf.memory().numTensors;
    await keeper.save(model, 64);
    await keeper.settle();
    expect(tf.memory().numTensors).toBe(tensors);
    const [checkpoint, ...others] = await db.checkpoints.listByRun(run.id);
    expect(others).toEqual([]);
    expect(checkpoint).toMatchObject({ step: 64 });
    expect(Number.isFinite(checkpoint?.validationLoss)).toBe(true);
    expect((await db.artifacts.list({ runId: run.id, kind: 'checkpoint' })).map((a) => a.id)).toEqual([checkpoint?.artifactId]);
    expect((await db.artifacts.list({ runId: run.id, kind: 'sample-grid' })).map((a) => a.meta?.['checkpointId'])).toEqual([checkpoint?.id]);
    model.dispose();
  });

  it('writes nothing that stays when the metric flush fails: the bytes written beside it are deleted, and settle reports the flush’s error', async () => {
    const { db } = scratch;
    const lost = new Error('the run was taken over');
    const { run, keeper } = await keeperFor(() => new Promise((_, reject) => setTimeout(() => reject(lost), 50)));
    const model = createModel('vae', SMALL_VAE, { dataShape: [2], seed: 1 });
    await keeper.save(model, 16);
    await expect(keeper.settle()).rejects.toBe(lost);
    expect(await db.checkpoints.listByRun(run.id)).toEqual([]);
    expect(await db.artifacts.list({ runId: run.id })).toEqual([]);
    model.dispose();
  });

  it('scores checkpoints and draws their grids on the checkpoint thread once it is ready, as the training thread does; what the thread fails is done here', async () => {
    const { db } = scratch;
    const { backend } = await initCompute({ logger: false });
    const warnings: string[] = [];
    const noting: LoggerService = { ...quiet, warn: (message: unknown) => void warnings.push(String(message)) };
    const thread = new CheckpointWorker(noting);
    thread.start(backend);
    for (const deadline = Date.now() + 60_000; !thread.ready && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(thread.ready).toBe(true);
    const steps = [16, 32];
    const losses = async (keeper: CheckpointKeeper, runId: string, train: () => void) => {
      const model = createModel('vae', SMALL_VAE, { dataShape: [2], seed: 1 });
      const x = tf.tensor2d(ring8.sample(64, 3).x, [64, 2]);
      for (const step of steps) {
        while (model.stepCount < step) model.trainStep(x).dispose();
        await keeper.save(model, step);
        train(); // the thread scores the checkpoint while the model moves on
        model.trainStep(x).dispose();
      }
      x.dispose();
      await keeper.settle();
      model.dispose();
      const grids = await db.artifacts.list({ runId, kind: 'sample-grid' });
      expect(grids).toHaveLength(steps.length);
      pictures.push(...(await Promise.all(grids.map((grid) => db.artifacts.read(grid.id)))));
      return (await db.checkpoints.listByRun(runId)).map((c) => c.validationLoss);
    };
    const pictures: Buffer[] = [];
    const inline = await keeperFor(() => Promise.resolve());
    const expected = await losses(inline.keeper, inline.run.id, () => undefined);
    const threaded = await keeperFor(() => Promise.resolve(), thread, noting);
    expect(await losses(threaded.keeper, threaded.run.id, () => undefined)).toEqual(expected);
    expect(warnings).toEqual([]); // all of it was done on the thread
    // Without scoreOnThread (GENLAB_CHECKPOINT_THREAD=grids), only the pictures go to the thread.
    const asked: string[] = [];
    const gridsOnly = {
      get ready() {
        return thread.ready;
      },
      score: (...args: Parameters<CheckpointWorker['score']>) => (asked.push('score'), thread.score(...args)),
      draw: (...args: Parameters<CheckpointWorker['draw']>) => (asked.push('draw'), thread.draw(...args)),
    } as unknown as CheckpointWorker;
    const drawing = await keeperFor(() => Promise.resolve(), gridsOnly, noting, false);
    expect(await losses(drawing.keeper, drawing.run.id, () => undefined)).toEqual(expected);
    expect(asked).toEqual(['draw', 'draw']);
    expect(warnings).toEqual([]);
    // The thread ends while a checkpoint is being scored: that one is scored here, from its bytes.
    const orphaned = await keeperFor(() => Promise.resolve(), thread, noting);
    let closing: Promise<void> | undefined;
    expect(await losses(orphaned.keeper, orphaned.run.id, () => void (closing ??= thread.close()))).toEqual(expected);
    await closing;
    expect(warnings).toEqual([expect.stringMatching(/checkpoint thread was closed.*scoring it here/)]);
    // The same sample grids, drawn here, on the thread (twice), and by the thread or here when it ended.
    for (const picture of pictures.slice(steps.length)) expect(Buffer.compare(picture, pictures[pictures.indexOf(picture) % steps.length] as Buffer)).toBe(0);
    expect(expected.every((loss) => Number.isFinite(loss))).toBe(true);
  });

  it('writes nothing that stays when the loss cannot be scored, on the thread or here: the bytes are deleted, and settle reports why', async () => {
    const { db } = scratch;
    const failed = () => Promise.reject(new Error('the thread failed it'));
    const failing = { ready: true, score: failed, draw: failed } as unknown as CheckpointWorker;
    const { run, keeper } = await keeperFor(() => Promise.resolve(), failing);
    // The fallback cannot score either: the model was made for other data than the held-out points.
    const model = createModel('vae', SMALL_VAE, { dataShape: [3], seed: 1 });
    await keeper.save(model, 16);
    await expect(keeper.settle()).rejects.toThrow();
    expect(await db.checkpoints.listByRun(run.id)).toEqual([]);
    expect(await db.artifacts.list({ runId: run.id, kind: 'checkpoint' })).toEqual([]);
    model.dispose();
  });
});
