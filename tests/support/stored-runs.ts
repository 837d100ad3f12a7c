import type { Database, NewEvaluationResult, Run } from '@genlab/db';

// Runs and evaluations written with the db library, as the training and evaluation services
// store them, for dashboard specs that check drawn numbers against hand-computed ones without
// training anything.

export interface StoredRunOptions {
  readonly experimentId: string;
  readonly datasetId: string;
  readonly family: string;
  readonly config: Record<string, number | string>;
  readonly seed: number;
  readonly totalSteps: number;
  /** A train/loss curve as `[step, value]`; the checkpoint is at its last step. */
  readonly curve?: ReadonlyArray<readonly [number, number]>;
}

/** A completed run with one checkpoint (at the curve's last step, else at `totalSteps`). */
export async function completedRun(db: Database, options: StoredRunOptions): Promise<{ run: Run; checkpointId: string }> {
  const { experimentId, datasetId, family, config, seed, totalSteps, curve } = options;
  const run = await db.runs.create({ experimentId, datasetId, family, config, seed, totalSteps });
  await db.runs.updateStatus(run.id, 'running', { worker: 'e2e' });
  if (curve) await db.metrics.appendPoints(run.id, curve.map(([step, value]) => ({ key: 'train/loss', step, value })));
  const artifact = await db.artifacts.put(Buffer.from(`weights of ${run.id}`), { kind: 'checkpoint', mediaType: 'application/octet-stream', runId: run.id });
  const checkpoint = await db.checkpoints.create({ runId: run.id, step: curve ? (curve.at(-1)?.[0] ?? 0) : totalSteps, artifactId: artifact.id });
  return { run: await db.runs.updateStatus(run.id, 'completed'), checkpointId: checkpoint.id };
}

/** A completed evaluation of a checkpoint; each gets a distinct creation time (the newest one wins where evaluations are superseded). */
export async function completedEvaluation(db: Database, checkpointId: string, metrics: string[], results: NewEvaluationResult[]): Promise<string> {
  const evaluation = await db.evaluations.create({ checkpointId, metrics });
  await db.evaluations.complete(evaluation.id, results);
  await new Promise((resolve) => setTimeout(resolve, 15));
  return evaluation.id;
}
