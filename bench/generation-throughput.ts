/**
 * Generation throughput: samples per second through gRPC (the generation service, real
 * process on loopback) against the same sampling in-process, with one client and with 8
 * concurrent clients, for 64-sample requests and for bulk requests of 4,096 samples, and
 * p50/p99 latency of a 64-sample request. The model is a `vae-mlp`
 * trained briefly on mnist-10k (its quality does not matter here; its size does).
 *
 *   node libs/models/scripts/run-ts.mjs bench/generation-throughput.ts [--requests 40] [--rounds 4] [--quick]
 *
 * Needs the services built (`npx nx run-many -t build --projects=tag:scope:server`).
 * Prints one JSON object per figure, then a table.
 */
import { resolve } from 'node:path';
import { collect, unary } from '@genlab/client';
import { initCompute } from '@genlab/compute';
import { loadModel } from '@genlab/models';
import { startStack } from '../tests/support/stack';
import { arg, QUICK } from './lib/bench-args';

/** 64-sample calls per mode and round (each of the 8 clients makes half as many). */
const REQUESTS = Number(arg('requests', QUICK ? '16' : '40'));
/** The modes take turns this many times (see below). */
const ROUNDS = Number(arg('rounds', QUICK ? '2' : '4'));
const COUNT = 64;
const CLIENTS = 8;
/** Bulk requests: throughput when the per-call cost (a few ms) is spread over many samples. */
const BULK = 4096;
const BULK_REQUESTS = QUICK ? 1 : 2;

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;

async function main(): Promise<void> {
  const compute = await initCompute({ logger: false });
  const stack = await startStack({ services: ['datasets', 'training', 'generation'], importRoot: resolve('../shared/data') });
  try {
    const { datasets, training, generation } = stack.clients;
    const mnist = await unary(datasets.importIdx, datasets, { name: 'mnist', imagesPath: 'mnist/t10k-images-idx3-ubyte.gz', labelsPath: '', testCount: 2000 });
    const experiment = await unary(training.createExperiment, training, { name: 'bench', description: '' });
    const run = await unary(training.startRun, training, { experimentId: experiment.id, datasetId: mnist.id, family: 'vae', configJson: '{"maxSteps": 20}', seed: 1 });
    await collect(training.streamRunEvents({ runId: run.id, includeHistory: false }));
    const checkpoint = (await unary(training.listCheckpoints, training, { runId: run.id })).checkpoints.at(-1)!;

    const sampleOnce = async (seed: number) => {
      const started = performance.now();
      const chunks = await collect(generation.sample({ runId: run.id, checkpointId: '', count: COUNT, seed, temperature: 0, chunkSize: 0, includePng: false, truncation: 0, diffusionSteps: 0 }));
      if (chunks.reduce((n, c) => n + c.count, 0) !== COUNT) throw new Error('short sample');
      return performance.now() - started;
    };
    await sampleOnce(0); // load the model into the service's cache

    // In-process: the same model, the same request sizes. The bulk draw is the service's:
    // batches of 256, each with its own seed.
    const bytes = Buffer.concat((await collect(training.getArtifactContent({ artifactId: checkpoint.artifactId }))).map((c) => c.data));
    const model = await loadModel(bytes);
    const drawInProcess = async (count: number, seed: number) => {
      for (let offset = 0; offset < count; offset += 256) {
        const samples = model.sample(Math.min(256, count - offset), seed + offset);
        await samples.data();
        samples.dispose();
      }
    };
    const sampleBulk = async (seed: number) => {
      const chunks = await collect(generation.sample({ runId: run.id, checkpointId: '', count: BULK, seed, temperature: 0, chunkSize: 0, includePng: false, truncation: 0, diffusionSteps: 0 }));
      if (chunks.reduce((n, c) => n + c.count, 0) !== BULK) throw new Error('short bulk sample');
    };
    await drawInProcess(COUNT, 0); // the first draw sets up the kernels
    const timed = async (work: () => Promise<unknown>) => {
      const started = performance.now();
      await work();
      return performance.now() - started;
    };

    // The modes take turns, round after round, and each ratio compares the totals of its two
    // modes over all rounds. On a shared machine the load from other work changes from second
    // to second; timing each mode in one block, one after the other, compared different loads
    // (here once a 64-sample figure through gRPC of 1.75× the in-process one).
    const ms = { inProcess: 0, one: 0, eight: 0, inProcessBulk: 0, bulk: 0 };
    const latencies: number[] = [];
    const concurrent: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const base = 100_000 * round;
      ms.inProcess += await timed(async () => {
        for (let i = 0; i < REQUESTS; i++) await drawInProcess(COUNT, base + i + 1);
      });
      ms.one += await timed(async () => {
        for (let i = 0; i < REQUESTS; i++) latencies.push(await sampleOnce(base + i + 1));
      });
      ms.eight += await timed(() =>
        Promise.all(
          Array.from({ length: CLIENTS }, async (_, c) => {
            for (let i = 0; i < REQUESTS / 2; i++) concurrent.push(await sampleOnce(base + 1000 * c + i));
          }),
        ),
      );
      ms.inProcessBulk += await timed(async () => {
        for (let i = 0; i < BULK_REQUESTS; i++) await drawInProcess(BULK, base + 7 + i * 10_000);
      });
      ms.bulk += await timed(async () => {
        for (let i = 0; i < BULK_REQUESTS; i++) await sampleBulk(base + 7 + i);
      });
    }
    model.dispose();
    const perSecond = (calls: number, count: number, elapsed: number) => (ROUNDS * calls * count * 1000) / elapsed;
    const inProcess = perSecond(REQUESTS, COUNT, ms.inProcess);
    const grpcOne = perSecond(REQUESTS, COUNT, ms.one);
    const grpcEight = perSecond(CLIENTS * Math.ceil(REQUESTS / 2), COUNT, ms.eight);
    const inProcessBulk = perSecond(BULK_REQUESTS, BULK, ms.inProcessBulk);
    const grpcBulk = perSecond(BULK_REQUESTS, BULK, ms.bulk);

    latencies.sort((a, b) => a - b);
    concurrent.sort((a, b) => a - b);
    const backend = compute.backend;
    const results = [
      { name: 'generation/in-process', figure: inProcess, unit: 'samples/s', backend },
      { name: 'generation/grpc-1-client', figure: grpcOne, unit: 'samples/s', backend, ratio_to_in_process: grpcOne / inProcess },
      { name: 'generation/grpc-8-clients', figure: grpcEight, unit: 'samples/s', backend, ratio_to_in_process: grpcEight / inProcess },
      { name: `generation/in-process-bulk-${BULK}`, figure: inProcessBulk, unit: 'samples/s', backend },
      { name: `generation/grpc-bulk-${BULK}`, figure: grpcBulk, unit: 'samples/s', backend, ratio_to_in_process: grpcBulk / inProcessBulk },
      { name: 'generation/latency-64-p50', figure: percentile(latencies, 50), unit: 'ms', backend },
      { name: 'generation/latency-64-p99', figure: percentile(latencies, 99), unit: 'ms', backend },
      { name: 'generation/latency-64-p50-8-clients', figure: percentile(concurrent, 50), unit: 'ms', backend },
      { name: 'generation/latency-64-p99-8-clients', figure: percentile(concurrent, 99), unit: 'ms', backend },
    ];
    for (const r of results) console.log(JSON.stringify(r));
    console.table(results.map((r) => ({ name: r.name, figure: Number(r.figure.toFixed(1)), unit: r.unit, ratio: 'ratio_to_in_process' in r ? Number((r.ratio_to_in_process as number).toFixed(2)) : '' })));
  } finally {
    await stack.stop();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
