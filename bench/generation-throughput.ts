/**
 * Generation throughput: samples per second through gRPC (the generation service, real
 * process on loopback) against the same sampling in-process, with one client and with 8
 * concurrent clients, for 64-sample requests and for bulk requests of 4,096 samples, and
 * p50/p99 latency of a 64-sample request. The model is a `vae-mlp`
 * trained briefly on mnist-10k (its quality does not matter here; its size does).
 *
 *   node libs/models/scripts/run-ts.mjs bench/generation-throughput.ts [--requests 40] [--quick]
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

const REQUESTS = Number(arg('requests', QUICK ? '10' : '40'));
const COUNT = 64;
const CLIENTS = 8;
/** Bulk requests: throughput when the per-call cost (a few ms) is spread over many samples. */
const BULK = 4096;
const BULK_REQUESTS = QUICK ? 2 : 5;

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

    // In-process: the same model, the same request size.
    const bytes = Buffer.concat((await collect(training.getArtifactContent({ artifactId: checkpoint.artifactId }))).map((c) => c.data));
    const model = await loadModel(bytes);
    const inProcessStart = performance.now();
    for (let i = 0; i < REQUESTS; i++) {
      const samples = model.sample(COUNT, i + 1);
      await samples.data();
      samples.dispose();
    }
    const inProcess = (REQUESTS * COUNT * 1000) / (performance.now() - inProcessStart);
    // Bulk: BULK samples per request, drawn in the service's batches of 256.
    const bulkStart = performance.now();
    for (let i = 0; i < BULK_REQUESTS; i++) {
      for (let offset = 0; offset < BULK; offset += 256) {
        const samples = model.sample(256, 7 + i * 100 + offset);
        await samples.data();
        samples.dispose();
      }
    }
    const inProcessBulk = (BULK_REQUESTS * BULK * 1000) / (performance.now() - bulkStart);
    model.dispose();

    const grpcBulkStart = performance.now();
    for (let i = 0; i < BULK_REQUESTS; i++) {
      const chunks = await collect(generation.sample({ runId: run.id, checkpointId: '', count: BULK, seed: 7 + i, temperature: 0, chunkSize: 0, includePng: false, truncation: 0, diffusionSteps: 0 }));
      if (chunks.reduce((n, c) => n + c.count, 0) !== BULK) throw new Error('short bulk sample');
    }
    const grpcBulk = (BULK_REQUESTS * BULK * 1000) / (performance.now() - grpcBulkStart);

    const sequentialStart = performance.now();
    const latencies: number[] = [];
    for (let i = 0; i < REQUESTS; i++) latencies.push(await sampleOnce(i + 1));
    const grpcOne = (REQUESTS * COUNT * 1000) / (performance.now() - sequentialStart);

    const concurrentStart = performance.now();
    const concurrent: number[] = [];
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        for (let i = 0; i < REQUESTS / 2; i++) concurrent.push(await sampleOnce(1000 * c + i));
      }),
    );
    const grpcEight = (concurrent.length * COUNT * 1000) / (performance.now() - concurrentStart);

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
