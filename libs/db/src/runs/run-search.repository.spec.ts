import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { givenDataset, givenExperiment, givenRun, givenRunningRun } from '../testing/fixtures';
import { PROVIDERS, useTestDatabase } from '../testing/test-database';

describe.each(PROVIDERS)('RunSearchRepository on %s', (provider) => {
  const t = useTestDatabase(provider);

  it('lists an experiment’s runs newest first, up to a maximum', async () => {
    const { db } = t();
    const experiment = await givenExperiment(db);
    const dataset = await givenDataset(db);
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await givenRun(db, { experimentId: experiment.id, datasetId: dataset.id, seed: i }));
    const listed = await db.runSearch.candidates({ experimentId: experiment.id, max: 2 });
    expect(listed.map((r) => r.seed)).toEqual([2, 1]);
    expect(listed[0]).toMatchObject({ tags: {}, notes: '' });
  });

  it('reads the last point of each key per run in bulk, special values included', async () => {
    const { db } = t();
    const a = await givenRunningRun(db);
    const b = await givenRunningRun(db);
    const empty = await givenRunningRun(db);
    await db.metrics.appendPoints(a.id, [
      { key: 'train/loss', step: 1, value: 3 },
      { key: 'train/loss', step: 10, value: 1.5 },
      { key: 'train/loss', step: 5, value: 2 },
      { key: 'test_nll', step: 10, value: 90 },
    ]);
    await db.metrics.appendPoints(b.id, [
      { key: 'train/loss', step: 2, value: 4 },
      { key: 'train/loss', step: 3, value: Number.NaN },
      { key: 'grad', step: 3, value: 7 },
    ]);

    const all = await db.runSearch.finalMetrics([a.id, b.id, empty.id]);
    expect(all.get(a.id)).toEqual({ 'train/loss': 1.5, test_nll: 90 });
    expect(all.get(b.id)).toEqual({ 'train/loss': Number.NaN, grad: 7 });
    expect(all.has(empty.id)).toBe(false);

    const some = await db.runSearch.finalMetrics([a.id, b.id], ['test_nll']);
    expect(some.get(a.id)).toEqual({ test_nll: 90 });
    expect(some.has(b.id)).toBe(false);
    expect((await db.runSearch.finalMetrics([a.id], [])).size).toBe(0);
  });

  it('gives each (metric, unit) from the newest completed evaluation that reports it', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    const weights = await db.artifacts.put(Buffer.from('w'), { kind: 'checkpoint', mediaType: 'application/octet-stream', runId: run.id });
    const checkpoint = await db.checkpoints.create({ runId: run.id, step: 1, artifactId: weights.id });
    const result = (metric: string, value: number, unit: 'nats' | 'bits/dim' = 'nats') => ({ metric, value, unit, estimator: 'exact' as const, sampleCount: 100 });

    const old = await db.evaluations.create({ checkpointId: checkpoint.id, metrics: ['test_nll', 'neg_elbo'] });
    await db.evaluations.complete(old.id, [result('test_nll', 100), result('test_nll', 1.2, 'bits/dim'), result('neg_elbo', 110)]);
    await sleep(5);
    const newer = await db.evaluations.create({ checkpointId: checkpoint.id, metrics: ['test_nll'] });
    await db.evaluations.complete(newer.id, [result('test_nll', 95)]);
    await sleep(5);
    await db.evaluations.create({ checkpointId: checkpoint.id, metrics: ['test_nll'] }); // still running: ignored

    const latest = (await db.runSearch.latestEvaluationResults([run.id])).get(run.id) ?? [];
    expect(latest.map((r) => [r.metric, r.unit, r.value]).sort()).toEqual([
      ['neg_elbo', 'nats', 110],
      ['test_nll', 'bits/dim', 1.2],
      ['test_nll', 'nats', 95],
    ]);
  });

  it('reads thousands of runs at once (more ids than SQLite binds in one statement)', async () => {
    const { db } = t();
    const run = await givenRunningRun(db);
    await db.metrics.appendPoints(run.id, [{ key: 'loss', step: 3, value: 0.25 }]);
    const ids = [...Array.from({ length: 2_500 }, () => randomUUID()), run.id];
    expect((await db.runSearch.finalMetrics(ids, ['loss'])).get(run.id)).toEqual({ loss: 0.25 });
    expect((await db.runSearch.finalMetrics(ids)).size).toBe(1);
    expect((await db.runSearch.latestEvaluationResults(ids)).size).toBe(0);
  });

  it('names experiments and datasets by id', async () => {
    const { db } = t();
    const experiment = await givenExperiment(db, 'named-experiment');
    const dataset = await givenDataset(db);
    expect((await db.runSearch.experimentNames([experiment.id, 'missing'])).get(experiment.id)).toBe('named-experiment');
    expect((await db.runSearch.datasetNames([dataset.id])).get(dataset.id)).toBe(dataset.name);
  });
});
