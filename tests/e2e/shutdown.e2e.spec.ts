import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, unary } from '@genlab/client';
import { trainingV1 } from '@genlab/contracts';
import { openDatabase } from '@genlab/db';
import { startStack, type Stack } from '../support/stack';

// Stopping the training service (SIGTERM, as Ctrl-C under `npm start` or a container stop
// does) while a run trains and a client follows it: the run ends CANCELLED with a
// checkpoint, the client's stream ends, and the process exits promptly.

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ services: ['datasets', 'training'] });
});

afterAll(async () => {
  await stack?.stop();
});

describe('graceful shutdown of the training service', () => {
  it('stops the running run with a checkpoint, ends open streams and exits', async () => {
    const { datasets, training } = stack.clients;
    const ring = await unary(datasets.createSynthetic, datasets, { name: 'ring8', generator: 'ring8', numExamples: 2000, seed: 1, testCount: 500 });
    const experiment = await unary(training.createExperiment, training, { name: 'shutdown', description: '' });
    const run = await unary(training.startRun, training, {
      experimentId: experiment.id,
      datasetId: ring.id,
      family: 'vae',
      configJson: JSON.stringify({ likelihood: 'gaussian', latentDim: 2, hiddenDims: [32], epochs: 5000 }),
      seed: 4,
    });
    const followed = collect(training.streamRunEvents({ runId: run.id, includeHistory: false }));
    await expect.poll(async () => (await unary(training.getRun, training, { id: run.id })).stepsDone, { timeout: 60_000, interval: 200 }).toBeGreaterThan(0);

    const service = stack.processes.training!;
    const exited = new Promise<number | null>((resolve) => service.once('exit', (code) => resolve(code)));
    const started = Date.now();
    service.kill('SIGTERM');
    const code = await exited;
    const seconds = (Date.now() - started) / 1000;
    console.log(`training service exited ${code} after ${seconds.toFixed(1)} s`);
    expect(code).toBe(0);
    expect(seconds).toBeLessThan(30);

    const events = await followed; // the stream ended instead of holding the shutdown
    expect(events.at(-1)?.status?.status).toBe(trainingV1.RunStatus.RUN_STATUS_CANCELLED);

    const db = await openDatabase({ dataDir: stack.dataDir });
    try {
      const stored = await db.runs.get(run.id);
      expect(stored.status).toBe('cancelled');
      expect(stored.statusReason).toBe('SERVICE_STOPPED');
      const checkpoint = await db.checkpoints.latest(run.id);
      expect(checkpoint?.step).toBe(stored.stepsDone);
    } finally {
      await db.close();
    }
  });
});
