import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initCompute } from '@genlab/compute';
import type { Database, Dataset } from '@genlab/db';
import { RunExecutor } from '../execution/run-executor';
import { EmbeddedRunQueue } from '../queue/embedded-run-queue';
import { InProcessRunEventBus } from '../runs/run-events';
import { givenDataset, openScratchDatabase, TEST_SETTINGS } from '../testing/training-fixtures';
import { aggregate } from './experiment-summary';
import { SweepsService, type StartSweepInput } from './sweeps.service';

let scratch: Awaited<ReturnType<typeof openScratchDatabase>>;
let db: Database;
let dataset: Dataset;
let queue: EmbeddedRunQueue;
let sweeps: SweepsService;

const values = (...json: string[]) => ({ valuesJson: json, min: 0, max: 0, logScale: false, integer: false });

async function request(overrides: Partial<StartSweepInput> = {}): Promise<StartSweepInput> {
  const experiment = await db.experiments.create({ name: `sweep-${Math.random().toString(36).slice(2, 10)}` });
  return {
    experimentId: experiment.id,
    datasetId: dataset.id,
    family: 'vae',
    baseConfigJson: JSON.stringify({ likelihood: 'gaussian', latentDim: 2, hiddenDims: [16], batchSize: 64, maxSteps: 32 }),
    method: 'grid',
    parameters: [{ field: 'learningRate', ...values('0.01', '0.001') }],
    numConfigurations: 0,
    seeds: [1, 2],
    sweepSeed: 0,
    name: 'learning rates',
    ...overrides,
  };
}

beforeAll(async () => {
  await initCompute({ backend: 'wasm', logger: false });
  scratch = await openScratchDatabase();
  db = scratch.db;
  dataset = await givenDataset(db);
  queue = new EmbeddedRunQueue(db, new RunExecutor(db, TEST_SETTINGS, new InProcessRunEventBus()), 2);
  await queue.start();
  sweeps = new SweepsService(db, queue);
});

afterAll(async () => {
  await queue?.drain();
  await scratch?.drop();
});

describe('SweepsService', () => {
  it('queues a grid over a config field and seeds together, and summarises each configuration over its seeds', async () => {
    const input = await request();
    const { sweep, configurations } = await sweeps.start(input);

    expect(sweep.runs.map((r) => [r.config['learningRate'], r.seed, r.sweepId])).toEqual([
      [0.01, 1, sweep.sweep.id],
      [0.01, 2, sweep.sweep.id],
      [0.001, 1, sweep.sweep.id],
      [0.001, 2, sweep.sweep.id],
    ]);
    expect(configurations.map((c) => c.parameters)).toEqual([{ learningRate: 0.01 }, { learningRate: 0.001 }]);
    expect(configurations[0]!.config).toMatchObject({ likelihood: 'gaussian', latentDim: 2, learningRate: 0.01, beta: 1 }); // defaults filled in
    for (const run of sweep.runs) await expect.poll(async () => (await db.runs.get(run.id)).status, { timeout: 60_000, interval: 100 }).toBe('completed');

    const { configurations: summary, sweptFields } = await sweeps.summary(input.experimentId);
    expect(sweptFields.get(sweep.sweep.id)).toEqual(['learningRate']);
    expect(summary.map((c) => [c.config['learningRate'], c.runs.map((r) => r.seed), c.runsCompleted, c.sweepId])).toEqual([
      [0.01, [1, 2], 2, sweep.sweep.id],
      [0.001, [1, 2], 2, sweep.sweep.id],
    ]);
    for (const configuration of summary) {
      const finalLoss = await Promise.all(configuration.runs.map(async (r) => (await db.metrics.latest(r.id)).find((p) => p.key === 'train/loss')!.value));
      const lastValidation = await Promise.all(configuration.runs.map(async (r) => (await db.checkpoints.latest(r.id))!.validationLoss!));
      expect(configuration.metrics.find((m) => m.key === 'train/loss')).toEqual(aggregate('train/loss', finalLoss));
      expect(configuration.metrics.find((m) => m.key === 'val/loss')).toEqual(aggregate('val/loss', lastValidation));
      expect(configuration.metrics.find((m) => m.key === 'val/loss')!.std).toBeGreaterThan(0); // two seeds, two outcomes
      expect(configuration.metrics.map((m) => m.key)).toEqual(['train/loss', 'val/loss', 'val/loss_best']);
    }
    expect((await sweeps.get(sweep.sweep.id)).configurations.map((c) => c.runs.length)).toEqual([2, 2]);
  });

  it('refuses a sweep with any invalid configuration before storing or queuing anything', async () => {
    const input = await request({ parameters: [{ field: 'latentDim', ...values('2', '-3') }] });
    await expect(sweeps.start(input)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/configuration 2 of 2 \(\{"latentDim":-3\}\): .*latentDim/) });
    const unknown = await request({ parameters: [{ field: 'learningRat', ...values('0.1') }] });
    await expect(sweeps.start(unknown)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/learningRat/) });
    const notJson = await request({ parameters: [{ field: 'latentDim', ...values('2', 'three') }] });
    await expect(sweeps.start(notJson)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/parameters\[0\]\.values_json\[1\]/) });
    for (const { experimentId } of [input, unknown, notJson]) expect(await db.runs.count({ experimentId })).toBe(0);
  });

  it('draws a random search reproducibly from its seed', async () => {
    const random = (sweepSeed: number) =>
      request({
        method: 'random',
        numConfigurations: 3,
        sweepSeed,
        seeds: [4],
        baseConfigJson: JSON.stringify({ likelihood: 'gaussian', hiddenDims: [16], batchSize: 64, maxSteps: 2 }),
        parameters: [
          { field: 'learningRate', valuesJson: [], min: 1e-4, max: 1e-2, logScale: true, integer: false },
          { field: 'latentDim', valuesJson: [], min: 1, max: 6, logScale: false, integer: true },
        ],
      });
    const [a, b, c] = await Promise.all([random(9), random(9), random(10)]);
    const params = async (input: StartSweepInput) => (await sweeps.start(input)).configurations.map((x) => x.parameters);
    const [first, again, other] = [await params(a), await params(b), await params(c)];
    expect(first).toHaveLength(3);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });
});
