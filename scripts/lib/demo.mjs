// The demo experiment `npm start` seeds on first start: a synthetic ring8 dataset and a
// short VAE run on it, then an evaluation and a sample grid once it has trained. Needs no
// external files. Talks to the services over gRPC like any other client.
import { join } from 'node:path';
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import { ROOT } from './services.mjs';

const DEMO_EXPERIMENT = 'demo';
const PROTO_ROOT = join(ROOT, 'libs/contracts/proto');

function loadClients(host, ports) {
  const files = ['datasets', 'training', 'evaluation', 'generation'].map((n) => `genlab/${n}/v1/${n}.proto`);
  const definition = protoLoader.loadSync(files, { includeDirs: [PROTO_ROOT], keepCase: false, longs: Number, enums: String, defaults: true, oneofs: true });
  const genlab = grpc.loadPackageDefinition(definition).genlab;
  const insecure = grpc.credentials.createInsecure();
  return {
    datasets: new genlab.datasets.v1.DatasetService(`${host}:${ports.datasets}`, insecure),
    training: new genlab.training.v1.TrainingService(`${host}:${ports.training}`, insecure),
    evaluation: new genlab.evaluation.v1.EvaluationService(`${host}:${ports.evaluation}`, insecure),
    generation: new genlab.generation.v1.GenerationService(`${host}:${ports.generation}`, insecure),
  };
}

const call = (client, method, request, timeoutMs = 120_000) =>
  new Promise((resolve, reject) =>
    client[method](request, { deadline: Date.now() + timeoutMs }, (error, response) => (error ? reject(error) : resolve(response))),
  );

/** Seed the demo unless an experiment named "demo" exists. Resolves once the run is queued. */
export async function seedDemo({ host, ports }) {
  const clients = loadClients(host, ports);
  const { experiments } = await call(clients.training, 'listExperiments', { pageSize: 500 });
  if (experiments.some((e) => e.name === DEMO_EXPERIMENT)) return null;

  const dataset = await call(clients.datasets, 'createSynthetic', { name: 'ring8', generator: 'ring8', numExamples: 10_000, seed: 1, testCount: 2_000 });
  const experiment = await call(clients.training, 'createExperiment', {
    name: DEMO_EXPERIMENT,
    description: 'A small VAE on ring8 (8 Gaussians on a circle), seeded by npm start.',
  });
  const config = { likelihood: 'gaussian', latentDim: 2, hiddenDims: [64, 64], batchSize: 128, epochs: 150 };
  const run = await call(clients.training, 'startRun', {
    experimentId: experiment.id,
    datasetId: dataset.id,
    family: 'vae',
    configJson: JSON.stringify(config),
    seed: 1,
  });
  void finishDemo(clients, run.id).catch((error) => console.error(`genlab: demo evaluation failed: ${error.message}`));
  return { runId: run.id };
}

/** When the run has trained: evaluate it and store a sample grid. */
async function finishDemo(clients, runId) {
  await new Promise((resolve, reject) => {
    const stream = clients.training.streamRunEvents({ runId, includeHistory: false });
    stream.on('data', () => undefined);
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  const run = await call(clients.training, 'getRun', { id: runId });
  if (run.status !== 'RUN_STATUS_COMPLETED') return;
  await call(clients.evaluation, 'evaluate', { runId, metrics: [], iwaeK: 100 }, 600_000);
  await call(clients.generation, 'renderSampleGrid', { runId, count: 1000, seed: 1 });
  console.log(`genlab: demo run ${runId} trained, evaluated and sampled`);
}
