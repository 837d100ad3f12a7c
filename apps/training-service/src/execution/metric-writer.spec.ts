import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, MetricPoint } from '@genlab/db';
import { givenDataset, givenQueuedRun, openScratchDatabase } from '../testing/training-fixtures';
import { MetricWriter, type MetricWriterOptions } from './metric-writer';

let scratch: Awaited<ReturnType<typeof openScratchDatabase>>;
let db: Database;

beforeAll(async () => {
  scratch = await openScratchDatabase();
  db = scratch.db;
});

afterAll(async () => {
  await scratch?.drop();
});

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A writer for a freshly claimed run, the batches it reported stored and when (performance.now()). */
async function writer(options: Partial<MetricWriterOptions>): Promise<{ writer: MetricWriter; runId: string; batches: MetricPoint[][]; storedAt: number[] }> {
  const run = await givenQueuedRun(db, await givenDataset(db));
  const claim = await db.runs.claim(run.id, { worker: 'test', backend: 'wasm', leaseMs: 60_000 });
  if (!claim) throw new Error('the run could not be claimed');
  const batches: MetricPoint[][] = [];
  const storedAt: number[] = [];
  const onStored = (points: MetricPoint[]) => {
    batches.push(points);
    storedAt.push(performance.now());
  };
  const metrics = new MetricWriter({ db, runId: run.id, claimToken: claim.token, retryMs: 5_000, logger: quiet, onStored, ...options });
  return { writer: metrics, runId: run.id, batches, storedAt };
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}

describe('MetricWriter', () => {
  it('writes buffered points once the oldest has waited maxDelayMs, in one batch, and writes nothing while none waits', async () => {
    const { writer: metrics, runId, batches, storedAt } = await writer({ maxDelayMs: 400, batchPoints: 1_000 });
    try {
      // The writer has existed for a while before the first point: the delay counts from the point.
      await sleep(250);
      const first = performance.now();
      await metrics.add([{ key: 'train/loss', step: 1, value: 0.5 }]);
      await sleep(100);
      await metrics.add([{ key: 'train/loss', step: 2, value: 0.25 }]);
      expect(batches).toEqual([]);

      await until(() => batches.length > 0);
      expect((storedAt[0] as number) - first).toBeGreaterThanOrEqual(399);
      expect(batches.map((b) => b.map((p) => p.step))).toEqual([[1, 2]]);
      expect((await db.metrics.listPoints(runId)).map((p) => [p.step, p.value])).toEqual([
        [1, 0.5],
        [2, 0.25],
      ]);

      await sleep(600);
      expect(batches).toHaveLength(1);
      await metrics.add([{ key: 'train/loss', step: 3, value: 0.125 }]);
      await metrics.flush();
      expect(batches.map((b) => b.map((p) => p.step))).toEqual([[1, 2], [3]]);
    } finally {
      metrics.close();
    }
  });

  it('writes a full batch at once, without waiting for the delay', async () => {
    const { writer: metrics, runId, batches } = await writer({ maxDelayMs: 60_000, batchPoints: 3 });
    try {
      await metrics.add([1, 2, 3].map((step) => ({ key: 'train/loss', step, value: step })));
      await until(() => batches.length > 0);
      expect((await db.metrics.listPoints(runId)).map((p) => p.step)).toEqual([1, 2, 3]);
    } finally {
      metrics.close();
    }
  });
});
