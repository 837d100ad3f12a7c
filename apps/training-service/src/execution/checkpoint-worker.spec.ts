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

  it('scores a checkpoint from its bytes to the loss the training thread computes, and leaves no tensors on its thread', async () => {
    worker = await readyWorker();
    const model = createModel('vae', SMALL_VAE, { dataShape: [2], seed: 5 });
    const x = tf.tensor2d(heldOut.x.slice(0, 128), [64, 2]);
    model.trainStep(x).dispose(); // weights and Adam moments that are not the initial ones
    x.dispose();
    const bytes = await model.save();
    const [onThread, here] = await Promise.all([worker.score(bytes, heldOut, 11), validationLoss(model, heldOut, 11)]);
    expect(Number.isFinite(onThread)).toBe(true);
    expect(onThread).toBe(here);
    expect(worker.liveTensors).toBe(0);
    // The thread answers requests in turn: several at once all come back, each its own.
    const other = createModel('vae', SMALL_VAE, { dataShape: [2], seed: 6 });
    const scores = await Promise.all([worker.score(bytes, heldOut, 11), worker.score(await other.save(), heldOut, 11), worker.score(bytes, heldOut, 12)]);
    expect(scores[0]).toBe(here);
    expect(scores[1]).toBe(await validationLoss(other, heldOut, 11));
    expect(scores[2]).toBe(await validationLoss(model, heldOut, 12));
    expect(warnings).toEqual([]);
    model.dispose();
    other.dispose();
  });

  it('rejects what it cannot score (bytes that are not a model), and goes on serving', async () => {
    worker = await readyWorker();
    await expect(worker.score(new Uint8Array([1, 2, 3]), heldOut, 1)).rejects.toThrow();
    const model = createModel('vae', SMALL_VAE, { dataShape: [2], seed: 5 });
    expect(await worker.score(await model.save(), heldOut, 1)).toBe(await validationLoss(model, heldOut, 1));
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
    await expect(worker.score(new Uint8Array(8), heldOut, 1)).rejects.toThrow(/not running/);
  });

  it('rejects the requests still open when the thread ends, so that their callers score them themselves', async () => {
    worker = await readyWorker();
    const model = createModel('vae', SMALL_VAE, { dataShape: [2], seed: 5 });
    const open = expect(worker.score(await model.save(), heldOut, 1)).rejects.toThrow(/closed/);
    await worker.close();
    await open;
    expect(worker.ready).toBe(false);
    expect(await worker.settled).toBe(true); // it was up: settling is once, at the start
    model.dispose();
  });
});
