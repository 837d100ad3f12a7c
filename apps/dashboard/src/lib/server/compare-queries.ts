import 'server-only';
import { unary } from '@genlab/client';
import { evaluationV1, type trainingV1 } from '@genlab/contracts';
import type { EvaluatedLike } from '../compare-metrics';
import { gridStep } from '../sample-steps';
import { genlab } from './genlab-clients';
import { getRun, listEvaluations, listSampleGrids } from './queries';
import { callService, ServiceUnavailableError } from './service-errors';

export interface ComparedRun {
  run: trainingV1.Run;
  points: trainingV1.MetricPoint[];
  grids: { step: number; artifactId: string }[];
  /** Newest first; empty when the evaluation service is down (see `evaluationsDown`). */
  evaluations: EvaluatedLike[];
}

/** A run's evaluations, newest first; undefined when the evaluation service cannot be reached. */
async function evaluationsOf(runId: string): Promise<EvaluatedLike[] | undefined> {
  try {
    const evaluations = await listEvaluations(runId);
    return evaluations.map((e) => ({ completed: e.status === evaluationV1.EvaluationStatus.EVALUATION_STATUS_COMPLETED, results: e.results }));
  } catch (error) {
    if (error instanceof ServiceUnavailableError) return undefined;
    throw error;
  }
}

async function allPoints(runId: string): Promise<trainingV1.MetricPoint[]> {
  const { training } = genlab();
  const response = await callService('training', () =>
    unary(training.listMetrics, training, { runId, key: '', afterStep: -1, limit: 100_000 }, 15_000),
  );
  return response.points;
}

/**
 * Each run's metric points, sample grids and evaluations; ids the service does not know come
 * back in `missing`. An evaluation service that is down leaves the evaluations out
 * (`evaluationsDown`) rather than failing the page.
 */
export async function loadComparison(ids: readonly string[]): Promise<{ runs: ComparedRun[]; missing: string[]; evaluationsDown: boolean }> {
  let evaluationsDown = false;
  const found = await Promise.all(
    ids.map(async (id) => {
      const run = await getRun(id);
      if (!run) return { id };
      const [points, artifacts, evaluations] = await Promise.all([allPoints(id), listSampleGrids(id), evaluationsOf(id)]);
      if (!evaluations) evaluationsDown = true;
      const grids = artifacts
        .map((artifact) => ({ step: gridStep(artifact.metaJson), artifactId: artifact.id }))
        .filter((g): g is { step: number; artifactId: string } => g.step !== undefined)
        .sort((a, b) => a.step - b.step);
      return { id, compared: { run, points, grids, evaluations: evaluations ?? [] } };
    }),
  );
  return {
    runs: found.flatMap((f) => ('compared' in f && f.compared ? [f.compared] : [])),
    missing: found.filter((f) => !('compared' in f)).map((f) => f.id),
    evaluationsDown,
  };
}
