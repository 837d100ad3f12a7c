import { describe, expect, it } from 'vitest';
import { tf } from '@genlab/compute';
import { ring8 } from '@genlab/data';
import { createModel } from '@genlab/models';
import { givenDataset, givenQueuedRun, SMALL_VAE, useScratchDatabase } from '../testing/training-fixtures';
import { CheckpointKeeper } from './checkpoint-keeper';
import type { MetricWriter } from './metric-writer';

const scratch = useScratchDatabase();

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

async function keeperFor(flush: () => Promise<void>) {
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
    logger: quiet,
    totalSteps: 64,
    gridShare: 1,
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
});
