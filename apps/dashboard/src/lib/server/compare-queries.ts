import 'server-only';
import { unary } from '@genlab/client';
import type { trainingV1 } from '@genlab/contracts';
import { gridStep } from '../sample-steps';
import { genlab } from './genlab-clients';
import { getRun, listSampleGrids } from './queries';
import { callService } from './service-errors';

export interface ComparedRun {
  run: trainingV1.Run;
  points: trainingV1.MetricPoint[];
  grids: { step: number; artifactId: string }[];
}

async function allPoints(runId: string): Promise<trainingV1.MetricPoint[]> {
  const { training } = genlab();
  const response = await callService('training', () =>
    unary(training.listMetrics, training, { runId, key: '', afterStep: -1, limit: 100_000 }, 15_000),
  );
  return response.points;
}

/** Each run's metric points and sample grids; ids the service does not know come back in `missing`. */
export async function loadComparison(ids: readonly string[]): Promise<{ runs: ComparedRun[]; missing: string[] }> {
  const found = await Promise.all(
    ids.map(async (id) => {
      const run = await getRun(id);
      if (!run) return { id };
      const [points, artifacts] = await Promise.all([allPoints(id), listSampleGrids(id)]);
      const grids = artifacts
        .map((artifact) => ({ step: gridStep(artifact.metaJson), artifactId: artifact.id }))
        .filter((g): g is { step: number; artifactId: string } => g.step !== undefined)
        .sort((a, b) => a.step - b.step);
      return { id, compared: { run, points, grids } };
    }),
  );
  return {
    runs: found.flatMap((f) => ('compared' in f && f.compared ? [f.compared] : [])),
    missing: found.filter((f) => !('compared' in f)).map((f) => f.id),
  };
}
