import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initCompute, tf } from '@genlab/compute';
import { renderExamplesPng, ring8 } from '@genlab/data';
import { createModel, prepareDataset } from '@genlab/models';
import { SMALL_VAE } from '../testing/training-fixtures';
import { validationLoss } from './validation-loss';
import { CheckpointWorker } from './checkpoint-worker';

const warnings: string[] = [];
const logger = { log: () => undefined, warn: (message: unknown) => void warnings.push(String(message)), error: () => undefined };
const heldOut = prepareDataset('vae', SMALL_VAE, ring8.sample(300, 4));

async function readyWorker(): Promise<CheckpointWorker> {
  const worker = new CheckpointWorker(logger);
  worker.start('wasm');
  // The thread compiles the sources with jiti the first time.
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 60_000).unref());
  const settled = await Promise.race([worker.settled, timeout]);
  if (settled !== true) throw new Error(`the checkpoint thread did not start (${settled}): ${warnings.join('; ')}`);
  expect(worker.ready).toBe(true);
  return worker;
}

describe('CheckpointWorker', () => {
  let worker: CheckpointWorker | undefined;

  beforeAll(async () => {
    await initCompute({ backend: 'wasm', logger: false });
  });

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
    warnings.length = 0;
  });

  it("scores a run's checkpoints from their bytes to the losses the training thread computes, keeping the run's model until it is released", async () => {
    worker = await readyWorker();
    const model = createModel('vae', SMALL_VAE, { dataShape: [2], seed: 5 });
    const x = tf.tensor2d(heldOut.x.slice(0, 128), [64, 2]);
    model.trainStep(x).dispose(); // weights and Adam moments that are not the initial ones
    const first = await model.save();
    const [onThread, here] = await Promise.all([worker.score('run-a', first, heldOut, 11), validationLoss(model, heldOut, 11)]);
    expect(Number.isFinite(onThread)).toBe(true);
    expect(onThread).toBe(here);
    const kept = worker.liveTensors as number;
    expect(kept).toBeGreaterThan(0);
    // The run's next checkpoint: the same model on the thread, given the new parameters.
    for (let i = 0; i < 3; i++) model.trainStep(x).dispose();
    x.dispose();
    const second = await model.save();
    const later = await validationLoss(model, heldOut, 11);
    expect(later).not.toBe(here);
    expect(await worker.score('run-a', second, heldOut, 11)).toBe(later);
    expect(worker.liveTensors).toBe(kept);
    // The thread answers requests in turn: several at once all come back, each its own.
    const other = createModel('vae', SMALL_VAE, { dataShape: [2], seed: 6 });
    const scores = await Promise.all([
      worker.score('run-a', first, heldOut, 11),
      worker.score('run-b', await other.save(), heldOut, 11),
      worker.score('run-a', second, heldOut, 12),
    ]);
    expect(scores).toEqual([here, await validationLoss(other, heldOut, 11), await validationLoss(model, heldOut, 12)]);
    // Released runs leave nothing on the thread (seen at its next reply).
    worker.release('run-a');
    worker.release('run-b');
    await worker.draw(Float32Array.from(ring8.sample(64, 9).x), 64, [2]);
    expect(worker.liveTensors).toBe(0);
    expect(warnings).toEqual([]);
    model.dispose();
    other.dispose();
  });

  it('rejects what it cannot score (bytes that are not a model, a corrupt checkpoint of a kept run), and goes on serving', async () => {
    worker = await readyWorker();
    await expect(worker.score('run-a', new Uint8Array([1, 2, 3]), heldOut, 1)).rejects.toThrow();
    const model = createModel('vae', SMALL_VAE, { dataShape: [2], seed: 5 });
    const bytes = await model.save();
    expect(await worker.score('run-a', bytes, heldOut, 1)).toBe(await validationLoss(model, heldOut, 1));
    const corrupt = bytes.slice();
    corrupt[corrupt.length - 1] ^= 0xff;
    await expect(worker.score('run-a', corrupt, heldOut, 1)).rejects.toThrow(/checksum/);
    expect(await worker.score('run-a', bytes, heldOut, 2)).toBe(await validationLoss(model, heldOut, 2));
    worker.release('run-a');
    model.dispose();
  });

  it('draws sample grids to the same PNG bytes as the training thread, and refuses a shape it has no picture for', async () => {
    worker = await readyWorker();
    const points = Float32Array.from(ring8.sample(64, 9).x);
    const images = Float32Array.from({ length: 16 * 28 * 28 }, (_, i) => (i % 29) / 29);
    expect(Buffer.compare(await worker.draw(points, 64, [2]), renderExamplesPng(points, 64, [2]))).toBe(0);
    expect(Buffer.compare(await worker.draw(images, 16, [28, 28, 1]), renderExamplesPng(images, 16, [28, 28, 1]))).toBe(0);
    await expect(worker.draw(new Float32Array(8), 1, [2, 2, 2, 1])).rejects.toThrow(/no picture/);
  });

  it('stays off for the native backends, whose device a process holds once; refuses requests when not running', async () => {
    worker = new CheckpointWorker(logger);
    worker.start('tensorflow');
    expect(worker.ready).toBe(false);
    expect(await worker.settled).toBe(false);
    await expect(worker.score('run-a', new Uint8Array(8), heldOut, 1)).rejects.toThrow(/not running/);
  });

  it('rejects the requests still open when the thread ends, so that their callers score them themselves', async () => {
    worker = await readyWorker();
    const model = createModel('vae', SMALL_VAE, { dataShape: [2], seed: 5 });
    const open = expect(worker.score('run-a', await model.save(), heldOut, 1)).rejects.toThrow(/closed/);
    await worker.close();
    await open;
    expect(worker.ready).toBe(false);
    expect(await worker.settled).toBe(true); // it was up: settling is once, at the start
    model.dispose();
  });
});
