import { credentials, loadPackageDefinition, status, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unary } from '@genlab/client';
import { datasetsV1 } from '@genlab/contracts';
import { startStack, type Stack } from '../support/stack';

// SIGTERM to the datasets service while eight clients keep it busy with unary calls
// (shutdown.e2e.spec.ts covers a training run and its event stream; this covers unary
// traffic and health). A health Watch sees NOT_SERVING at once and then a clean end; no
// Check answers SERVING after that; every call the service accepted completes OK; calls
// that arrive once it has stopped accepting are refused with UNAVAILABLE (safe to retry
// elsewhere), never failed half-way; the process exits 0 without waiting out a timeout.

const SERVICE = 'genlab.datasets.v1.DatasetService';
let stack: Stack;
let ringId: string;

type HealthClient = {
  watch(request: { service: string }): ClientReadableStream<{ status: string }>;
  check(request: { service: string }, options: { deadline: number }, callback: (error: ServiceError | null, response: { status: string }) => void): void;
  close(): void;
};
const Health = (loadPackageDefinition(loadSync(healthProtoPath, { keepCase: true, enums: String, defaults: true })) as never as { grpc: { health: { v1: { Health: new (address: string, creds: unknown) => HealthClient } } } }).grpc.health.v1.Health;

interface CallRecord {
  startedAt: number;
  endedAt: number;
  outcome: 'OK' | 'refused' | string;
}

/** UNAVAILABLE before the call reached a handler: the listener was closed or the stream refused by GOAWAY. */
const isRefusal = (error: ServiceError) => error.code === status.UNAVAILABLE && /ECONNREFUSED|No connection established|Stream refused/.test(error.details);

beforeAll(async () => {
  stack = await startStack({ services: ['datasets'] });
  const { datasets } = stack.clients;
  ringId = (await unary(datasets.createSynthetic, datasets, { name: 'ring8', generator: 'ring8', numExamples: 5000, seed: 1, testCount: 500 })).id;
});

afterAll(async () => {
  await stack?.stop();
});

describe('SIGTERM under unary load', () => {
  it('reports NOT_SERVING at once, completes every accepted call and exits 0', async () => {
    const { datasets } = stack.clients;
    const address = stack.addresses.datasets;
    const service = stack.processes.datasets!;
    const exited = new Promise<number | null>((resolve) => service.once('exit', (code) => resolve(code)));

    // A health-aware client: a Watch stream, and a Check every 20 ms.
    const health = new Health(address, credentials.createInsecure());
    let notServingAt: number | undefined;
    const watchEnded = new Promise<string>((resolve) => {
      const watch = health.watch({ service: SERVICE });
      watch.on('data', ({ status: now }: { status: string }) => {
        if (now === 'NOT_SERVING') notServingAt ??= performance.now();
      });
      watch.on('error', (error: ServiceError) => resolve(`${status[error.code]}: ${error.details}`));
      watch.on('end', () => resolve('OK'));
    });
    const checks: { at: number; answer: string }[] = [];
    const poller = setInterval(() => {
      const at = performance.now();
      health.check({ service: SERVICE }, { deadline: Date.now() + 1000 }, (error, response) => checks.push({ at, answer: error ? status[error.code] : response.status }));
    }, 20);

    // Eight clients in a loop, like a load balancer's backends: they stop sending once the Watch says NOT_SERVING.
    const calls: CallRecord[] = [];
    const requests = [
      () => unary(datasets.getPreview, datasets, { datasetId: ringId, count: 64, split: datasetsV1.Split.SPLIT_TRAIN, includePng: true }),
      () => unary(datasets.getDataset, datasets, { id: ringId }),
      () => unary(datasets.listDatasets, datasets, { pageSize: 50, offset: 0 }),
    ];
    const worker = async (n: number) => {
      for (let i = n; notServingAt === undefined; i++) {
        const startedAt = performance.now();
        const outcome = await requests[i % requests.length]!().then(
          () => 'OK',
          (error: ServiceError) => (isRefusal(error) ? 'refused' : `${status[error.code]}: ${error.details}`),
        );
        calls.push({ startedAt, endedAt: performance.now(), outcome });
      }
    };
    const workers = Array.from({ length: 8 }, (_, n) => worker(n));
    // Under way: at least 40 calls answered (a few seconds at most, even on a loaded machine).
    await expect.poll(() => calls.length, { timeout: 30_000, interval: 50 }).toBeGreaterThanOrEqual(40);

    const killedAt = performance.now();
    service.kill('SIGTERM');
    const code = await exited;
    const exitMs = performance.now() - killedAt;
    await Promise.all(workers);
    const watchOutcome = await watchEnded;
    await new Promise((resolve) => setTimeout(resolve, 100));
    clearInterval(poller);
    health.close();

    const inFlight = calls.filter((c) => c.startedAt < killedAt && c.endedAt > killedAt);
    const afterKill = calls.filter((c) => c.startedAt >= killedAt);
    const failed = calls.filter((c) => c.outcome !== 'OK' && c.outcome !== 'refused');
    const servingAfter = checks.filter((c) => notServingAt !== undefined && c.at > notServingAt && c.answer === 'SERVING');
    const checkAnswers = [...new Set(checks.filter((c) => c.at > killedAt).map((c) => c.answer))];
    console.log(
      `SIGTERM under load (datasets service, 8 clients): ${calls.length} unary calls, ${inFlight.length} in flight at SIGTERM ` +
        `(${inFlight.filter((c) => c.outcome === 'OK').length} OK), ${afterKill.length} sent after it ` +
        `(${afterKill.filter((c) => c.outcome === 'OK').length} OK, ${afterKill.filter((c) => c.outcome === 'refused').length} refused UNAVAILABLE); ` +
        `failed: ${failed.length}. Watch saw NOT_SERVING ${notServingAt === undefined ? 'never' : `${(notServingAt - killedAt).toFixed(0)} ms`} after SIGTERM, ` +
        `then ended ${watchOutcome}; Check answers after SIGTERM: ${checkAnswers.join(', ')}; exit ${code} after ${exitMs.toFixed(0)} ms`,
    );

    expect(failed.map((c) => c.outcome)).toEqual([]);
    expect(inFlight.length).toBeGreaterThan(0);
    expect(inFlight.filter((c) => c.outcome !== 'OK').map((c) => c.outcome)).toEqual([]);
    expect(notServingAt).toBeDefined();
    // As soon as the event loop reaches the signal; a busy loop (rendering a preview) delays it.
    expect(notServingAt! - killedAt).toBeLessThan(2000);
    expect(watchOutcome).toBe('OK');
    expect(servingAfter).toEqual([]);
    expect(code).toBe(0);
    expect(exitMs).toBeLessThan(5000);
  });
});
