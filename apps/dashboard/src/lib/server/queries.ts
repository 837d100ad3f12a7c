import 'server-only';
import { cache } from 'react';
import { connection } from 'next/server';
import { unary } from '@genlab/client';
import type { evaluationV1, trainingV1 } from '@genlab/contracts';
import { genlab } from './genlab-clients';
import { callService, isUnknownId } from './service-errors';

/**
 * What the pages read, one function per question. Every function waits for a request
 * (`connection()`), so nothing here runs at build time when the services are not up.
 */

const DEADLINE_MS = 10_000;
export const PAGE_SIZE = 50;

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
}

/** undefined when the service says the id does not exist. */
async function unlessUnknown<T>(lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup;
  } catch (error) {
    if (isUnknownId(error)) return undefined;
    throw error;
  }
}

export async function listExperiments(page: number, pageSize = PAGE_SIZE): Promise<Page<trainingV1.Experiment>> {
  await connection();
  const { training } = genlab();
  const offset = (page - 1) * pageSize;
  const response = await callService('training', () =>
    unary(training.listExperiments, training, { pageSize, offset }, DEADLINE_MS),
  );
  return { items: response.experiments, total: response.total, offset };
}

export const getExperiment = cache(async (id: string): Promise<trainingV1.Experiment | undefined> => {
  await connection();
  const { training } = genlab();
  return unlessUnknown(callService('training', () => unary(training.getExperiment, training, { id }, DEADLINE_MS)));
});

export async function listRuns(experimentId: string, page: number): Promise<Page<trainingV1.Run>> {
  await connection();
  const { training } = genlab();
  const offset = (page - 1) * PAGE_SIZE;
  const response = await callService('training', () =>
    unary(training.listRuns, training, { experimentId, pageSize: PAGE_SIZE, offset }, DEADLINE_MS),
  );
  return { items: response.runs, total: response.total, offset };
}

export const getRun = cache(async (id: string): Promise<trainingV1.Run | undefined> => {
  await connection();
  const { training } = genlab();
  return unlessUnknown(callService('training', () => unary(training.getRun, training, { id }, DEADLINE_MS)));
});

export async function listCheckpoints(runId: string): Promise<trainingV1.Checkpoint[]> {
  const { training } = genlab();
  const response = await callService('training', () =>
    unary(training.listCheckpoints, training, { runId }, DEADLINE_MS),
  );
  return response.checkpoints;
}

export async function listSampleGrids(runId: string): Promise<trainingV1.Artifact[]> {
  const { training } = genlab();
  const response = await callService('training', () =>
    unary(training.listArtifacts, training, { runId, kind: 'sample-grid' }, DEADLINE_MS),
  );
  return response.artifacts;
}

export async function listEvaluations(runId: string): Promise<evaluationV1.Evaluation[]> {
  const { evaluation } = genlab();
  const response = await callService('evaluation', () =>
    unary(evaluation.listEvaluations, evaluation, { runId, pageSize: 500, offset: 0 }, DEADLINE_MS),
  );
  return response.evaluations;
}

/**
 * Dataset names for display, best effort: a dataset that is gone or a datasets service
 * that is down leaves the id in place rather than failing the page.
 */
export async function datasetNames(ids: Iterable<string>): Promise<Map<string, string>> {
  const { datasets } = genlab();
  const unique = [...new Set(ids)].filter(Boolean);
  const found = await Promise.allSettled(
    unique.map((id) => unary(datasets.getDataset, datasets, { id }, 3_000)),
  );
  const names = new Map<string, string>();
  found.forEach((result, i) => {
    if (result.status === 'fulfilled' && result.value.name) names.set(unique[i], result.value.name);
  });
  return names;
}

/** Experiment names for display, best effort like `datasetNames`. */
export async function experimentNames(ids: Iterable<string>): Promise<Map<string, string>> {
  const { training } = genlab();
  const unique = [...new Set(ids)].filter(Boolean);
  const found = await Promise.allSettled(unique.map((id) => unary(training.getExperiment, training, { id }, 3_000)));
  const names = new Map<string, string>();
  found.forEach((result, i) => {
    if (result.status === 'fulfilled' && result.value.name) names.set(unique[i], result.value.name);
  });
  return names;
}

/** The families the training service can train, with their config JSON Schemas. */
export const listFamilies = cache(async (): Promise<trainingV1.Family[]> => {
  await connection();
  const { training } = genlab();
  const response = await callService('training', () => unary(training.listFamilies, training, {}, DEADLINE_MS));
  return response.families;
});
