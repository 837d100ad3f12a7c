import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { trainingV1 } from '@genlab/contracts';
import { EventOutbox, MAX_PENDING_POINTS } from './event-outbox';

const time = undefined;
const progress = (stepsDone: number): trainingV1.RunEvent => ({ runId: 'r', time, progress: { stepsDone, totalSteps: 1e6, epoch: 0, stepsPerSecond: 1 } });
const metrics = (...steps: number[]): trainingV1.RunEvent => ({
  runId: 'r',
  time,
  metrics: { points: steps.map((step) => ({ key: 'train/loss', step, value: 1 / step, time })) },
});
const checkpoint = (step: number): trainingV1.RunEvent => ({
  runId: 'r',
  time,
  checkpoint: { checkpoint: { id: `c${step}`, runId: 'r', step, artifactId: 'a', createTime: time } },
});
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** A call whose client does not read until told to. */
class StalledCall extends EventEmitter {
  writableNeedDrain = true;
  release(): void {
    this.writableNeedDrain = false;
    this.emit('drain');
  }
}

describe('EventOutbox', () => {
  it('never delivers inside push: the publisher only appends', async () => {
    const delivered: trainingV1.RunEvent[] = [];
    const outbox = new EventOutbox((e) => delivered.push(e), () => undefined);
    outbox.push(metrics(1));
    expect(delivered).toEqual([]);
    await turn();
    expect(delivered).toEqual([metrics(1)]);
  });

  it('holds events while the client lags, coalescing progress and merging metric batches, and sends them in order once it drains', async () => {
    const call = new StalledCall();
    const delivered: trainingV1.RunEvent[] = [];
    const outbox = new EventOutbox((e) => delivered.push(e), () => undefined, call);
    const started = performance.now();
    for (let step = 1; step <= 10_000; step++) {
      outbox.push(metrics(step));
      outbox.push(progress(step));
      if (step % 2_500 === 0) outbox.push(checkpoint(step));
    }
    const perPushMs = (performance.now() - started) / 25_004;
    await turn();
    expect(delivered).toEqual([]);
    expect(outbox.backlog).toBeLessThanOrEqual(9); // 4 checkpoints, the metric runs between them, one progress

    call.release();
    const points = delivered.flatMap((e) => e.metrics?.points.map((p) => p.step) ?? []);
    expect(points).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
    expect(delivered.filter((e) => e.progress).map((e) => e.progress!.stepsDone)).toEqual([10_000]);
    expect(delivered.filter((e) => e.checkpoint).map((e) => e.checkpoint!.checkpoint!.step)).toEqual([2_500, 5_000, 7_500, 10_000]);
    const order = delivered.map((e) => (e.checkpoint ? `c${e.checkpoint.checkpoint!.step}` : e.metrics ? `m${e.metrics.points.at(-1)!.step}` : 'p'));
    expect(order).toEqual(['m2500', 'c2500', 'm5000', 'c5000', 'm7500', 'c7500', 'm10000', 'c10000', 'p']);
    console.log(`outbox push with a stalled client: ${(perPushMs * 1000).toFixed(2)} µs per event`);
  });

  it('cuts off a client that falls too far behind, keeping memory bounded', async () => {
    const call = new StalledCall();
    const failures: Error[] = [];
    const outbox = new EventOutbox(() => undefined, (error) => failures.push(error), call);
    for (let step = 1; step <= MAX_PENDING_POINTS + 1; step++) outbox.push(metrics(step));
    expect(failures.map((e) => (e as { code?: string }).code)).toEqual(['RESOURCE_EXHAUSTED']);
    expect(outbox.backlog).toBe(0);
    outbox.push(metrics(1));
    expect(outbox.backlog).toBe(0);
  });

  it('hands everything pending over at once when the stream must end', () => {
    const call = new StalledCall();
    const delivered: trainingV1.RunEvent[] = [];
    const outbox = new EventOutbox((e) => delivered.push(e), () => undefined, call);
    outbox.push(metrics(1, 2));
    outbox.push(progress(2));
    outbox.flushNow();
    expect(delivered).toEqual([metrics(1, 2), progress(2)]);
    expect(outbox.backlog).toBe(0);
  });
});
