import { randomBytes } from 'node:crypto';
import { status } from '@grpc/grpc-js';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, unary } from '@genlab/client';
import { evaluationV1, trainingV1 } from '@genlab/contracts';
import { expectStatus } from '../support/grpc';
import { startStack, type Stack } from '../support/stack';

// The same services on PostgreSQL (DATABASE_URL) against the local server: migrations
// applied at start-up, a run tracked and evaluated, rows really in PostgreSQL.

const ADMIN_URL = process.env.GENLAB_TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const database = `genlab_e2e_${randomBytes(4).toString('hex')}`;
const databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${database}`);

let stack: Stack;

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  await admin((c) => c.query(`CREATE DATABASE ${database}`));
  stack = await startStack({ databaseUrl, services: ['datasets', 'training', 'evaluation'] });
});

afterAll(async () => {
  await stack?.stop();
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
});

describe('on PostgreSQL', () => {
  it('tracks a run end to end and stores it in PostgreSQL', async () => {
    const { datasets, training, evaluation } = stack.clients;
    const ring = await unary(datasets.createSynthetic, datasets, { name: 'ring8', generator: 'ring8', numExamples: 2000, seed: 5, testCount: 500 });
    const experiment = await unary(training.createExperiment, training, { name: 'pg-ring8', description: '' });
    await expectStatus(unary(training.createExperiment, training, { name: 'pg-ring8', description: '' }), status.ALREADY_EXISTS, /pg-ring8/);
    await expectStatus(
      unary(training.startRun, training, { experimentId: experiment.id, datasetId: ring.id, family: 'vae', configJson: '{}', seed: 1 }),
      status.INVALID_ARGUMENT,
      /bernoulli[\s\S]*gaussian/,
    );
    const run = await unary(training.startRun, training, {
      experimentId: experiment.id,
      datasetId: ring.id,
      family: 'vae',
      configJson: JSON.stringify({ likelihood: 'gaussian', latentDim: 2, hiddenDims: [32], maxSteps: 60 }),
      seed: 2,
    });
    const events = await collect(training.streamRunEvents({ runId: run.id, includeHistory: true }));
    expect(events.at(-1)?.status?.status).toBe(trainingV1.RunStatus.RUN_STATUS_COMPLETED);

    const stored = await unary(training.listMetrics, training, { runId: run.id, key: '', afterStep: 0, limit: 0 });
    expect(stored.points.length).toBe(60); // logged every step for a 60-step run
    const result = await unary(evaluation.evaluate, evaluation, evaluationV1.EvaluateRequest.create({ runId: run.id, checkpointId: '', metrics: ['neg_elbo'], iwaeK: 0, maxExamples: 0 }));
    expect(result.status).toBe(evaluationV1.EvaluationStatus.EVALUATION_STATUS_COMPLETED);
    expect(result.results.find((r) => r.unit === 'nats')).toMatchObject({ metric: 'neg_elbo', estimator: 'elbo', sampleCount: 500 });

    const rows = await new Promise<Record<string, number>>((resolve, reject) => {
      const client = new Client({ connectionString: databaseUrl });
      client
        .connect()
        .then(async () => {
          const count = async (table: string) => Number((await client.query(`SELECT count(*) AS n FROM "${table}"`)).rows[0].n);
          resolve({
            points: await count('MetricPoint'),
            runs: await count('Run'),
            results: await count('EvaluationResult'),
            migrations: await count('_prisma_migrations'),
          });
        })
        .catch(reject)
        .finally(() => void client.end());
    });
    expect(rows).toMatchObject({ points: 60, runs: 1, results: 2 });
    expect(rows.migrations).toBeGreaterThanOrEqual(1);
  });
});
