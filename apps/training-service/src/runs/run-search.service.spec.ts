import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Dataset, Experiment, JsonObject, Run } from '@genlab/db';
import { givenDataset, openScratchDatabase } from '../testing/training-fixtures';
import { RunSearchService, type SearchRunsInput } from './run-search.service';
import { RunsController } from './runs.controller';

let scratch: Awaited<ReturnType<typeof openScratchDatabase>>;
let db: Database;
let dataset: Dataset;
let experiment: Experiment;
let search: RunSearchService;
let controller: RunsController;
const runs: Record<string, Run> = {};

/** A completed run with a final training loss and, optionally, an evaluated test NLL. */
async function givenFinishedRun(name: string, family: string, config: JsonObject, loss: number, testNll?: number): Promise<Run> {
  const run = await db.runs.create({ experimentId: experiment.id, datasetId: dataset.id, family, config, seed: Object.keys(runs).length, totalSteps: 10 });
  await db.runs.updateStatus(run.id, 'running', { worker: 'test' });
  await db.metrics.appendPoints(run.id, [
    { key: 'train/loss', step: 5, value: loss + 10 },
    { key: 'train/loss', step: 10, value: loss },
  ]);
  if (testNll !== undefined) {
    const weights = await db.artifacts.put(Buffer.from(name), { kind: 'checkpoint', mediaType: 'application/octet-stream', runId: run.id });
    const checkpoint = await db.checkpoints.create({ runId: run.id, step: 10, artifactId: weights.id });
    const evaluation = await db.evaluations.create({ checkpointId: checkpoint.id, metrics: ['test_nll'] });
    await db.evaluations.complete(evaluation.id, [{ metric: 'test_nll', value: testNll, unit: 'nats', estimator: 'iwae-100', sampleCount: 256 }]);
  }
  return db.runs.updateStatus(run.id, 'completed');
}

const request = (overrides: Partial<SearchRunsInput>): SearchRunsInput => ({ experimentId: experiment.id, query: '', sort: '', descending: false, offset: 0, pageSize: 50, ...overrides });
const ids = async (overrides: Partial<SearchRunsInput>) => (await search.search(request(overrides))).hits.map((hit) => Object.keys(runs).find((name) => runs[name]!.id === hit.run.id));

beforeAll(async () => {
  scratch = await openScratchDatabase();
  db = scratch.db;
  dataset = await givenDataset(db);
  experiment = await db.experiments.create({ name: 'search' });
  search = new RunSearchService(db);
  controller = new RunsController(undefined as never, undefined as never, search, db);
  runs['low'] = await givenFinishedRun('low', 'vae', { beta: 1 }, 1.0, 80);
  runs['high'] = await givenFinishedRun('high', 'vae', { beta: 4 }, 3.0, 150);
  runs['beta'] = await givenFinishedRun('beta', 'vae', { beta: 2 }, 2.0);
  runs['gan'] = await givenFinishedRun('gan', 'dcgan', { latentDim: 8 }, 0.5);
  const other = await db.experiments.create({ name: 'elsewhere' });
  await db.runs.create({ experimentId: other.id, datasetId: dataset.id, family: 'vae', config: { beta: 9 }, seed: 1, totalSteps: 10 });
});

afterAll(async () => {
  await scratch?.drop();
});

describe('RunSearchService', () => {
  it('evaluates the issue’s OR query on final metrics and evaluation results aggregated in the database', async () => {
    expect(await ids({ query: 'family = "vae" and (metrics.test_nll < 100 or params.beta >= 2)', sort: 'seed' })).toEqual(['low', 'high', 'beta']);
    expect(await ids({ query: 'metrics.train/loss < 1.5', sort: 'metrics.train/loss' })).toEqual(['gan', 'low']);
  });

  it('sorts on a metric either way, runs without it last, and pages with the total matched', async () => {
    expect(await ids({ sort: 'metrics.test_nll' })).toEqual(['low', 'high', 'gan', 'beta']); // runs without it keep the newest-first order
    expect(await ids({ sort: 'metrics.test_nll', descending: true })).toEqual(['high', 'low', 'gan', 'beta']);
    const page = await search.search(request({ query: 'family = "vae"', sort: 'params.beta', offset: 1, pageSize: 1 }));
    expect(page.hits.map((hit) => hit.run.config)).toEqual([{ beta: 2 }]);
    expect(page).toMatchObject({ totalMatched: 3, total: 4 });
  });

  it('returns each run of the page with its final metrics, latest evaluation results and names', async () => {
    const { hits, totalMatched, total } = await search.search(request({}));
    expect([totalMatched, total, hits.length]).toEqual([4, 4, 4]);
    const low = hits.find((hit) => hit.run.id === runs['low']!.id)!;
    expect(low).toMatchObject({
      experimentName: 'search',
      datasetName: dataset.name,
      metrics: { 'train/loss': 1 },
      evaluationResults: { test_nll: { value: 80, unit: 'nats', estimator: 'iwae-100' } },
    });
    expect((await search.search(request({ experimentId: undefined }))).total).toBe(5);
  });

  it('filters on tags set with UpdateRun', async () => {
    await controller.updateRun({ id: runs['high']!.id, setTags: { team: 'vision', 'stage.v2': 'baseline' }, removeTagKeys: [], notes: 'too wide' });
    await controller.updateRun({ id: runs['gan']!.id, setTags: { team: 'audio' }, removeTagKeys: [] });
    expect(await ids({ query: 'tags.team = "vision" or tags.team = "audio"', sort: 'seed' })).toEqual(['high', 'gan']);
    expect(await ids({ query: 'tags.stage.v2 = "baseline"' })).toEqual(['high']);
    const [hit] = (await search.search(request({ query: 'tags.team = "vision"' }))).hits;
    expect(hit?.run).toMatchObject({ tags: { team: 'vision', 'stage.v2': 'baseline' }, notes: 'too wide' });
  });

  it('refuses a bad query or sort with INVALID_ARGUMENT carrying the parser’s message and position', async () => {
    await expect(search.search(request({ query: 'family = "vae" and (seed = 1' }))).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^query: the '\(' at column 20 is not closed/),
      details: { field: 'query', position: 19 },
    });
    await expect(search.search(request({ sort: 'metricz.x' }))).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(/^sort: unknown prefix/) });
  });
});

describe('RunsController.updateRun', () => {
  it('changes tags and notes and returns the run message with them', async () => {
    const message = await controller.updateRun({ id: runs['beta']!.id, setTags: { a: '1', b: '2' }, removeTagKeys: ['a'], notes: 'note' });
    expect(message).toMatchObject({ id: runs['beta']!.id, tags: { b: '2' }, notes: 'note' });
    expect((await controller.updateRun({ id: runs['beta']!.id, setTags: {}, removeTagKeys: [] })).notes).toBe('note');
  });

  it('refuses bad input naming the field, and an unknown run with NOT_FOUND', async () => {
    const id = runs['beta']!.id;
    await expect(controller.updateRun({ id, setTags: { 'no spaces': 'x' }, removeTagKeys: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('set_tags') });
    await expect(controller.updateRun({ id, setTags: { k: 'v'.repeat(257) }, removeTagKeys: [] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('set_tags') });
    await expect(controller.updateRun({ id, setTags: {}, removeTagKeys: ['bad key'] })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('remove_tag_keys') });
    await expect(controller.updateRun({ id, setTags: {}, removeTagKeys: [], notes: 'n'.repeat(10_001) })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('notes') });
    await expect(controller.updateRun({ id: '00000000-0000-4000-8000-000000000000', setTags: {}, removeTagKeys: [] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
